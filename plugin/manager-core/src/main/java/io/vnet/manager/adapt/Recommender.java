package io.vnet.manager.adapt;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.AdaptationService;
import io.vnet.vadapt.Adapter;
import io.vnet.vadapt.Adapters;
import io.vnet.vadapt.Budget;
import io.vnet.vadapt.HostLink;
import io.vnet.vadapt.Overlay;
import io.vnet.vadapt.Plan;
import java.util.ArrayList;
import java.util.List;

/** A {@link Planner} run now with an algorithm, described as an {@link AdaptationService.Recommendation}. */
public final class Recommender {
    private final Planner planner;

    public Recommender(Planner planner) {
        this.planner = planner;
    }

    /** A recommendation with the plan and problem it describes. */
    public record Planned(AdaptationService.Recommendation recommendation, Planner.Result result) {
    }

    /** See {@link AdaptationService#recommend}. */
    public AdaptationService.Recommendation recommend(NetworkId network, String algorithm, boolean allowMigration) {
        return plan(network, algorithm, allowMigration).recommendation();
    }

    /** Plans the network now with {@code algorithm} and describes the plan. */
    public Planned plan(NetworkId network, String algorithm, boolean allowMigration) {
        return plan(network, algorithm, allowMigration, null);
    }

    /** As {@link #plan(NetworkId, String, boolean)}, for {@code demand} instead of VTTIF's matrix now (null: that). */
    public Planned plan(NetworkId network, String algorithm, boolean allowMigration, io.vnet.vadapt.Demand demand) {
        Adapter adapter = adapter(algorithm);
        long t0 = System.nanoTime();
        Planner.Result r = planner.plan(network, adapter, Budget.defaults(), allowMigration, demand);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new Planned(describe(network, adapter.name(), r, ms), r);
    }

    /**
     * The plan that keeps {@code overlay} (an installed plan's) and routes {@code demand} over it for
     * the VMs' places now (where {@code known} says for VMs no agent reports): what the installed
     * rules become when VMs have moved. A pair whose route in {@code routes} (the installed plan's)
     * still holds keeps it ({@link #keepRoutes}): only the pairs a move or a lost link cut are routed
     * again, since a fresh routing of all of them follows the links' measured round trips, which
     * swing with the load, and would move pairs that nothing cut (through the star, whose proxy may
     * be the next to go).
     */
    public Planned reroute(NetworkId network, io.vnet.vadapt.Demand demand, Overlay overlay,
                           java.util.Map<MacAddress, String> known, java.util.Map<MacAddress, String> moved,
                           java.util.Map<io.vnet.vadapt.VmPair, List<String>> routes) {
        long t0 = System.nanoTime();
        io.vnet.vadapt.Problem p = planner.problem(network, false, demand, known);
        // the VMs seen to move are where they went, whatever an agent's report says in the meantime (the old host
        // may list a moved VM again for a while, and the reports are read at another moment than the move was seen)
        java.util.Map<MacAddress, String> place = new java.util.LinkedHashMap<>(p.placement().hosts());
        moved.forEach((vm, host) -> {
            if (place.containsKey(vm)) {
                place.put(vm, host);
            }
        });
        // a host the planner left out (its agent gone) takes its links along
        List<HostLink> usable = new ArrayList<>();
        for (HostLink l : overlay.links()) {
            if (p.underlay().knows(l.a()) && p.underlay().knows(l.b())) {
                usable.add(l);
            }
        }
        io.vnet.vadapt.Problem kept = new io.vnet.vadapt.Problem(p.demand(), io.vnet.vadapt.Placement.of(place),
                p.underlay(), Overlay.of(usable), p.cost(), false);
        Adapter same = Adapters.topK(0);
        Planner.Result r = new Planner.Result(kept, keepRoutes(same.adapt(kept, Budget.defaults()), routes));
        return new Planned(describe(network, same.name(), r, (System.nanoTime() - t0) / 1_000_000), r);
    }

    /**
     * {@code fresh} with each pair's route taken from {@code routes} where that one still holds: it
     * goes from the pair's first VM's host to its second's as {@code fresh} places them, and every hop
     * is a link of {@code fresh}'s overlay. The objective stays the fresh routing's (the routes
     * kept were planned as good or better when their plan was made).
     */
    static Plan keepRoutes(Plan fresh, java.util.Map<io.vnet.vadapt.VmPair, List<String>> routes) {
        if (routes == null || routes.isEmpty()) {
            return fresh;
        }
        java.util.Map<io.vnet.vadapt.VmPair, List<String>> out = new java.util.TreeMap<>(fresh.routes());
        fresh.routes().forEach((pair, route) -> {
            List<String> was = routes.get(pair);
            if (was != null && !was.equals(route) && holds(was, fresh, pair)) {
                out.put(pair, was);
            }
        });
        return new Plan(fresh.algorithm(), fresh.overlay(), fresh.floodRoot(), fresh.floodTree(), out, fresh.placement(),
                fresh.migrations(), fresh.current(), fresh.objective(), fresh.apply());
    }

    private static boolean holds(List<String> route, Plan plan, io.vnet.vadapt.VmPair pair) {
        if (route.size() < 2 || !route.get(0).equals(plan.placement().hostOf(pair.a()))
                || !route.get(route.size() - 1).equals(plan.placement().hostOf(pair.b()))) {
            return false;
        }
        for (int i = 1; i < route.size(); i++) {
            if (route.get(i - 1).equals(route.get(i))
                    || !plan.overlay().contains(HostLink.of(route.get(i - 1), route.get(i)))) {
                return false;
            }
        }
        return true;
    }

    /** The recommendation that describes {@code r}. */
    static AdaptationService.Recommendation describe(NetworkId network, String algorithm, Planner.Result r, long ms) {
        Plan p = r.plan();
        List<String> added = new ArrayList<>();
        for (HostLink l : p.overlay().links()) {
            if (!r.problem().overlay().contains(l)) {
                added.add(name(l));
            }
        }
        List<String> migrations = new ArrayList<>();
        for (MacAddress vm : p.migrations()) {
            migrations.add(vm + "->" + p.placement().hostOf(vm));
        }
        return new AdaptationService.Recommendation(network, algorithm, p.current().iterationSeconds(),
                p.objective().iterationSeconds(), p.predictedGain(), p.apply(), names(p.overlay()), added,
                names(p.floodTree()), migrations, ms);
    }

    /** The hosts that report each VM of the network now (two while a moved VM is not yet forgotten). */
    /** The agents as they reported last (their links and whether each is up). */
    public java.util.Collection<io.vnet.manager.HostInfo> hosts() {
        return planner.hosts();
    }

    public java.util.Map<MacAddress, java.util.Set<String>> reported(NetworkId network) {
        return planner.reported(network);
    }

    /** {@code topk:K}, or one of {@link Adapters#names()} ({@code topk} alone is k = 4); greedy by default. */
    static Adapter adapter(String algorithm) {
        if (algorithm == null || algorithm.isEmpty()) {
            return Adapters.greedy();
        }
        if (algorithm.startsWith("topk:")) {
            try {
                return Adapters.topK(Integer.parseInt(algorithm.substring(5)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("algorithm: expected topk:K with an integer K, got '" + algorithm + "'");
            }
        }
        try {
            return Adapters.byName(algorithm);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("algorithm: unknown '" + algorithm + "', expected one of "
                    + Adapters.names() + " or topk:K");
        }
    }

    private static String name(HostLink l) {
        return l.a() + "-" + l.b();
    }

    private static List<String> names(Overlay o) {
        List<String> out = new ArrayList<>();
        o.links().forEach(l -> out.add(name(l)));
        return out;
    }
}
