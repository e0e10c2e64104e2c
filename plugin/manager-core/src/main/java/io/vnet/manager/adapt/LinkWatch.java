package io.vnet.manager.adapt;

import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.manager.HostInfo;
import io.vnet.manager.MeasuredLink;
import io.vnet.vadapt.DaemonConfig;
import io.vnet.vadapt.HostLink;
import io.vnet.vadapt.Overlay;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Routes a network's rules around overlay links that are down, and back onto them when they
 * come back.
 *
 * <p>An agent already sends a frame whose rule names a link that is down by learning or the
 * flooding tree, at once. The manager then does better: once a link of the installed plan's
 * overlay has been reported down (at either end, and up at neither) for {@link #DOWN_GRACE_MS},
 * the plan's traffic is routed again over the rest of that overlay (other direct links, or the
 * star), for the same placement, and installed make before break: the pairs whose routes it cut
 * are routed again, the others keep theirs ({@link Recommender#keepRoutes}). The down link itself stays in
 * the hosts' desired state, without rules, so that its agents keep dialling or probing it; when
 * it is reported up again the routes over the whole overlay are installed again, and the fast
 * path returns. Where a link of the plan's flooding tree is down, the tree is rebuilt over the
 * rest of the overlay if that spans the hosts that still have a link ({@link
 * io.vnet.vadapt.FloodTree#around}): when the proxy at the center of the star dies, the VM hosts
 * flood over their fast paths instead, and the configured star links at their ends are told not
 * to flood ({@link io.vnet.api.QuietLink}), so that the star coming back makes no loop; the
 * hosts change trees when their rules change, at once, and back when the links are up again.
 * Every change goes into the audit log, and none is a decision: a link's failure changes where
 * traffic goes, not what the loop decided.
 */
final class LinkWatch {
    private static final System.Logger LOG = System.getLogger(LinkWatch.class.getName());
    /** How long a link must be reported down before the rules are routed around it. */
    static final long DOWN_GRACE_MS = 1000;

    private final Recommender recommender;
    private final Rollout rollout;

    LinkWatch(Recommender recommender, Rollout rollout) {
        this.recommender = recommender;
        this.rollout = rollout;
    }

    /** One look at {@code network}'s installed overlay at {@code now} (the loop's tick). */
    void follow(NetworkId network, NetworkState s, long now) {
        if (s.rendered == null || s.renderedOverlay == null || rollout.stage(network).isPresent()) {
            return; // no plan of this loop in force, or it is moving: the links may not be up yet
        }
        Set<HostLink> reportedDown = down(network, s.renderedOverlay);
        s.downSince.keySet().retainAll(reportedDown);
        Set<HostLink> avoid = new TreeSet<>();
        for (HostLink l : reportedDown) {
            long since = s.downSince.computeIfAbsent(l, k -> now);
            // a link routed around stays so until it is reported up
            if (now - since >= DOWN_GRACE_MS || s.routedAround.contains(l)) {
                avoid.add(l);
            }
        }
        if (avoid.equals(s.routedAround)) {
            return;
        }
        Set<HostLink> back = new TreeSet<>(s.routedAround);
        back.removeAll(avoid);
        Set<HostLink> lost = new TreeSet<>(avoid);
        lost.removeAll(s.routedAround);
        Rollout.Installed next = routes(network, s, avoid);
        String why = (lost.isEmpty() ? "" : "links down: " + names(lost) + "; rules routed around them")
                + (lost.isEmpty() || back.isEmpty() ? "" : "; ")
                + (back.isEmpty() ? "" : "links up again: " + names(back) + "; rules back on them");
        rollout.install(network, next, "adaptation", why);
        s.routedAround = avoid;
        LOG.log(Level.INFO, "network " + network + ": " + why);
    }

    /**
     * The installed plan's routes for its traffic over its overlay less {@code avoid}, with the
     * links of {@code avoid} kept (no rules on them), so that they come back when they can; with
     * nothing to avoid, the plan's own routes.
     */
    Rollout.Installed routes(NetworkId network, NetworkState s, Set<HostLink> avoid) {
        if (avoid.isEmpty() && s.renderedRoutes != null) {
            return s.renderedRoutes;
        }
        return around(recommender, rollout, network, s, avoid, Map.of());
    }

    /**
     * The plan's traffic routed over its overlay less {@code avoid}, for its placement with the VMs
     * of {@code moved} where they went, rendered, with the links of {@code avoid} kept without rules.
     */
    static Rollout.Installed around(Recommender recommender, Rollout rollout, NetworkId network, NetworkState s,
                                    Set<HostLink> avoid, Map<io.vnet.api.MacAddress, String> moved) {
        Recommender.Planned planned = recommender.reroute(network, s.renderedDemand, without(s.renderedOverlay, avoid),
                s.rendered, moved, s.renderedPairRoutes);
        io.vnet.vadapt.Plan plan = io.vnet.vadapt.FloodTree.around(planned.result().plan(), avoid);
        return keeping(rollout.render(network, plan), rollout.installed(network), avoid, network);
    }

    /** {@code overlay} without the links of {@code avoid}. */
    static Overlay without(Overlay overlay, Set<HostLink> avoid) {
        if (avoid.isEmpty()) {
            return overlay;
        }
        List<HostLink> kept = new ArrayList<>();
        for (HostLink l : overlay.links()) {
            if (!avoid.contains(l)) {
                kept.add(l);
            }
        }
        return Overlay.of(kept);
    }

    /**
     * {@code next} with the links between the host pairs of {@code avoid} that {@code current}
     * installs, without rules and not flooding {@code network}.
     */
    static Rollout.Installed keeping(Rollout.Installed next, Rollout.Installed current, Set<HostLink> avoid,
                                     NetworkId network) {
        if (avoid.isEmpty()) {
            return next;
        }
        Map<String, DaemonConfig> out = new TreeMap<>(next.configs());
        current.configs().forEach((host, cfg) -> {
            DaemonConfig n = out.get(host);
            Set<String> have = new HashSet<>();
            List<LinkSpec> links = new ArrayList<>();
            if (n != null) {
                n.links().forEach(l -> have.add(l.id()));
                links.addAll(n.links());
            }
            boolean added = false;
            for (LinkSpec l : cfg.links()) {
                if (avoid.contains(HostLink.of(host, l.peerHost())) && have.add(l.id())) {
                    links.add(l.withoutFlooding(List.of(network)));
                    added = true;
                }
            }
            if (added) {
                out.put(host, new DaemonConfig(host, links, n == null ? List.of() : n.rules(),
                        n == null ? List.of() : n.quiet()));
            }
        });
        return new Rollout.Installed(out);
    }

    /**
     * The links of {@code overlay} that are down now: reported by either end (as a link to the
     * other that carries the network), none of those reports up; an end whose agent is not
     * connected reports nothing (a host that died: its links are down at the other ends). A link
     * whose ends are both not connected is down too: no one can say otherwise (a dead host's link
     * to a proxy that died after it).
     */
    Set<HostLink> down(NetworkId network, Overlay overlay) {
        Map<HostLink, boolean[]> seen = new HashMap<>(); // [reported, any up]
        Set<String> connected = new HashSet<>();
        for (HostInfo h : recommender.hosts()) {
            if (h.connected()) {
                connected.add(h.hostId());
            }
        }
        for (HostLink l : overlay.links()) {
            if (!connected.contains(l.a()) && !connected.contains(l.b())) {
                seen.put(l, new boolean[] {true, false});
            }
        }
        for (HostInfo h : recommender.hosts()) {
            if (!h.connected()) {
                continue; // a gone agent's last report says nothing about its links now
            }
            for (MeasuredLink l : h.links()) {
                if (!l.carries(network) || l.peerHost().equals(h.hostId())) {
                    continue;
                }
                HostLink key = HostLink.of(h.hostId(), l.peerHost());
                if (!overlay.contains(key)) {
                    continue;
                }
                boolean[] v = seen.computeIfAbsent(key, k -> new boolean[2]);
                v[0] = true;
                v[1] |= l.up();
            }
        }
        Set<HostLink> out = new TreeSet<>();
        seen.forEach((l, v) -> {
            if (v[0] && !v[1]) {
                out.add(l);
            }
        });
        return out;
    }

    private static String names(Set<HostLink> links) {
        List<String> out = new ArrayList<>();
        links.forEach(l -> out.add(l.a() + "-" + l.b()));
        return String.join(", ", out);
    }
}
