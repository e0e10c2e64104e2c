package io.vnet.manager.adapt;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Follows VMs that moved (by the loop or anyone else): a VM that the agents report on another
 * host than the installed rules assume gets its rules rewritten on the same overlay, routed for
 * the traffic the plan was made for.
 */
final class MoveFollower {
    private static final System.Logger LOG = System.getLogger(MoveFollower.class.getName());

    private final Recommender recommender;
    private final Rollout rollout;

    MoveFollower(Recommender recommender, Rollout rollout) {
        this.recommender = recommender;
        this.rollout = rollout;
    }

    void follow(NetworkId network, NetworkState s) {
        if (s.rendered == null) {
            return;
        }
        Map<MacAddress, Set<String>> now = recommender.reported(network);
        List<String> moved = new ArrayList<>();
        Map<MacAddress, String> movedTo = new HashMap<>();
        now.forEach((vm, hosts) -> {
            String was = s.rendered.get(vm);
            // a VM still reported by two hosts (the old one has not forgotten it yet) has not settled
            if (was != null && hosts.size() == 1 && !hosts.contains(was)) {
                moved.add(vm + " " + was + "->" + hosts.iterator().next());
                movedTo.put(vm, hosts.iterator().next());
            }
        });
        if (moved.isEmpty()) {
            return;
        }
        // the same overlay, and the traffic the plan was made for routed for the new placement (and
        // around the links that are down, if any)
        Recommender.Planned same = recommender.reroute(network, s.renderedDemand, s.renderedOverlay, s.rendered,
                movedTo, s.renderedPairRoutes);
        s.renderedRoutes = rollout.render(network, same.result().plan());
        s.renderedPairRoutes = same.result().plan().routes();
        Rollout.Installed next = s.routedAround.isEmpty() ? s.renderedRoutes
                : LinkWatch.around(recommender, rollout, network, s, s.routedAround, movedTo);
        rollout.install(network, next, "adaptation", "VM moved: " + String.join(", ", moved));
        s.rendered = new HashMap<>(same.result().plan().placement().hosts());
        LOG.log(Level.INFO, "network " + network + ": rules rewritten for " + moved);
    }
}
