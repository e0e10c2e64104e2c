package io.vnet.manager.adapt;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.AgentRegistry;
import io.vnet.manager.HostInfo;
import io.vnet.manager.MeasuredLink;
import io.vnet.manager.TopologyService;
import io.vnet.vadapt.Adapter;
import io.vnet.vadapt.Budget;
import io.vnet.vadapt.CostModel;
import io.vnet.vadapt.Demand;
import io.vnet.vadapt.HostLink;
import io.vnet.vadapt.Overlay;
import io.vnet.vadapt.Placement;
import io.vnet.vadapt.Plan;
import io.vnet.vadapt.Problem;
import io.vnet.vadapt.Underlay;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds VADAPT's problem for one network from what the manager knows now, and solves it:
 * the demand from VTTIF's smoothed traffic matrix; the placement from the VMs each agent
 * reported; the underlay from the agents (the proxy is the star's center), with each host
 * pair's latency and bandwidth taken from what its overlay link measured (half the smoothed
 * keepalive round trip; the highest rate it carried, if above the configured capacity, but never
 * above the configured uplink) and
 * the configured values only where nothing was measured; the current overlay from the links
 * the agents reported. A VM host whose agent is not connected is left out, with its VMs and
 * their traffic: the plan goes around it. Pure apart from reading those services: it changes nothing.
 */
public final class Planner {
    /**
     * What the planner assumes where nothing was measured, and the rules of the game.
     *
     * @param hostCapacity       the most VMs a host may run
     * @param linkBitsPerSecond  a path's bandwidth when none was measured above it
     * @param latencySeconds     a path's one-way latency when no round trip was measured
     * @param cost               VADAPT's cost model (link and migration costs, minimum gain)
     */
    /**
     * @param uplinkBitsPerSecond what every host's uplink (the proxy's included) carries, shared by all
     *                            the overlay links that leave it; 0: unbounded (each link its own capacity)
     */
    public record Settings(int hostCapacity, double linkBitsPerSecond, double latencySeconds, CostModel cost,
                           double uplinkBitsPerSecond) {
        public Settings {
            if (!(uplinkBitsPerSecond >= 0) || Double.isInfinite(uplinkBitsPerSecond)) {
                throw new IllegalArgumentException("uplink: expected a finite rate of at least 0, got "
                        + uplinkBitsPerSecond);
            }
        }

        /** Unbounded uplinks. */
        public Settings(int hostCapacity, double linkBitsPerSecond, double latencySeconds, CostModel cost) {
            this(hostCapacity, linkBitsPerSecond, latencySeconds, cost, 0);
        }

        public static Settings defaults() {
            return new Settings(16, 100e6, 0.0005, CostModel.defaults());
        }
    }

    /** The problem and the plan an algorithm made of it. */
    public record Result(Problem problem, Plan plan) {
    }

    private final AgentRegistry agents;
    private final TopologyService topology;
    private final Settings settings;

    public Planner(AgentRegistry agents, TopologyService topology, Settings settings) {
        this.agents = agents;
        this.topology = topology;
        this.settings = settings;
    }

    /** The problem of network {@code network} now; an error naming what is missing if there is none. */
    public Problem problem(NetworkId network, boolean allowMigration) {
        return problem(network, allowMigration, null);
    }

    /**
     * As {@link #problem(NetworkId, boolean)}, with {@code demand} (if not null) instead of VTTIF's
     * matrix now: to route the traffic a plan was made for when the VMs' places changed.
     */
    public Problem problem(NetworkId network, boolean allowMigration, Demand demand) {
        return problem(network, allowMigration, demand, Map.of());
    }

    /**
     * As {@link #problem(NetworkId, boolean, Demand)}, where a VM no agent reports now (an idle VM
     * ages out of its agent's table) is taken to be where {@code known} says, if on a carrier host.
     */
    public Problem problem(NetworkId network, boolean allowMigration, Demand demand, Map<MacAddress, String> known) {
        List<HostInfo> carriers = new ArrayList<>();
        java.util.Set<String> carrierIds = new java.util.HashSet<>();
        for (HostInfo h : agents.hosts()) {
            // a VM host whose agent is gone (not connected, or silent past its liveness) is planned around, with its
            // VMs; the proxy stays the star's center whatever its state
            if (h.networks().contains(network) && (h.connected() || h.role().equals("proxy"))) {
                carriers.add(h);
                carrierIds.add(h.hostId());
            }
        }
        HostInfo center = null;
        for (HostInfo h : carriers) {
            if (h.role().equals("proxy")) {
                center = h;
            }
        }
        if (center == null) {
            throw new IllegalStateException("network " + network + " has no proxy among its agents: the star has no"
                    + " center to plan around");
        }
        Map<MacAddress, String> placement = new LinkedHashMap<>();
        known.forEach((vm, host) -> {
            if (carrierIds.contains(host) && !host.equals(centerId(carriers))) {
                placement.put(vm, host);
            }
        });
        Underlay.Builder u = Underlay.builder(center.hostId());
        for (HostInfo h : carriers) {
            if (h == center) {
                continue;
            }
            u.host(h.hostId(), settings.hostCapacity());
            for (MacAddress vm : h.vms().getOrDefault(network, List.of())) {
                placement.put(vm, h.hostId());
            }
        }
        u.defaultPath(settings.linkBitsPerSecond(), settings.latencySeconds());
        if (settings.uplinkBitsPerSecond() > 0) {
            u.uplink(center.hostId(), settings.uplinkBitsPerSecond());
            for (HostInfo h : carriers) {
                if (h != center) {
                    u.uplink(h.hostId(), settings.uplinkBitsPerSecond());
                }
            }
        }
        Map<HostLink, double[]> measured = new HashMap<>(); // bandwidth, latency
        TreeSet<HostLink> overlay = new TreeSet<>();
        for (HostInfo h : carriers) {
            for (MeasuredLink l : h.links()) {
                if (!carrierIds.contains(l.peerHost()) || l.peerHost().equals(h.hostId())) {
                    continue;
                }
                HostLink key = HostLink.of(h.hostId(), l.peerHost());
                overlay.add(key);
                double[] m = measured.computeIfAbsent(key, k -> new double[] {settings.linkBitsPerSecond(), -1});
                m[0] = Math.max(m[0], Math.max(l.outBitsPerSecond(), l.inBitsPerSecond()));
                if (l.rttMicros() > 0) {
                    double oneWay = l.rttMicros() / 2e6;
                    m[1] = m[1] < 0 ? oneWay : Math.min(m[1], oneWay);
                }
            }
        }
        // a rate measured above the hosts' uplink is the measurement's noise (a report interval's burst
        // through the shaper), not a wider path: taken as it is, the busiest links would look widest and
        // attract every route (ClosedLoopIT saw a plan send all h2-h3 pairs through h1)
        double uplink = settings.uplinkBitsPerSecond();
        measured.forEach((k, m) -> u.path(k.a(), k.b(), uplink > 0 ? Math.min(m[0], uplink) : m[0],
                m[1] < 0 ? settings.latencySeconds() : m[1]));
        // only traffic between VMs on hosts the planner may change counts; a peer behind the proxy's
        // LAN (the home network) is reached through the star whatever the plan
        Map<io.vnet.vadapt.VmPair, Double> rates = new LinkedHashMap<>();
        (demand != null ? demand : Demand.fromMatrix(topology.matrix(network))).rates().forEach((pair, rate) -> {
            if (placement.containsKey(pair.a()) && placement.containsKey(pair.b())) {
                rates.put(pair, rate);
            }
        });
        Map<MacAddress, String> placed = new LinkedHashMap<>();
        placed.putAll(placement);
        return new Problem(Demand.of(rates), Placement.of(placed), u.build(), Overlay.of(overlay), settings.cost(),
                allowMigration);
    }

    private static String centerId(List<HostInfo> carriers) {
        for (HostInfo h : carriers) {
            if (h.role().equals("proxy")) {
                return h.hostId();
            }
        }
        return null;
    }

    /** The agents as they reported last. */
    public java.util.Collection<HostInfo> hosts() {
        return agents.hosts();
    }

    /** The hosts that report each VM of {@code network} now. */
    public Map<MacAddress, java.util.Set<String>> reported(NetworkId network) {
        Map<MacAddress, java.util.Set<String>> out = new LinkedHashMap<>();
        for (HostInfo h : agents.hosts()) {
            for (MacAddress vm : h.vms().getOrDefault(network, List.of())) {
                out.computeIfAbsent(vm, k -> new java.util.TreeSet<>()).add(h.hostId());
            }
        }
        return out;
    }

    /** Solves the network's problem now with {@code adapter}. */
    public Result plan(NetworkId network, Adapter adapter, Budget budget, boolean allowMigration) {
        return plan(network, adapter, budget, allowMigration, null);
    }

    /** As {@link #plan(NetworkId, Adapter, Budget, boolean)}, for {@code demand} (null: VTTIF's now). */
    public Result plan(NetworkId network, Adapter adapter, Budget budget, boolean allowMigration, Demand demand) {
        Problem p = problem(network, allowMigration, demand);
        return new Result(p, adapter.adapt(p, budget));
    }
}
