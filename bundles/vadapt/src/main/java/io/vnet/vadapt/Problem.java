package io.vnet.vadapt;

import io.vnet.api.MacAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * One adaptation problem: the traffic, where the VMs are, what the underlay offers, the current
 * overlay, the cost model, and whether VMs may be migrated. Every VM of the demand must be placed,
 * on a VM host of the underlay, within the hosts' capacities, and every link of the overlay must
 * join known hosts. The star (the center linked to every host) is the base of every overlay the
 * planner builds; its links are never charged as added.
 */
public record Problem(Demand demand, Placement placement, Underlay underlay, Overlay overlay, CostModel cost,
                      boolean allowMigration) {
    public Problem {
        if (demand == null || placement == null || underlay == null || overlay == null || cost == null) {
            throw new IllegalArgumentException("invalid problem: demand, placement, underlay, overlay and cost model"
                    + " are all required");
        }
        for (MacAddress vm : demand.vms()) {
            if (!placement.contains(vm)) {
                throw new IllegalArgumentException("invalid problem: VM " + vm + " has traffic but no host");
            }
        }
        Map<String, Integer> load = new HashMap<>();
        placement.hosts().forEach((vm, h) -> {
            if (!underlay.isHost(h)) {
                throw new IllegalArgumentException("invalid problem: VM " + vm + " is on host " + h
                        + ", which is not a VM host of the underlay");
            }
            load.merge(h, 1, Integer::sum);
        });
        load.forEach((h, n) -> {
            if (n > underlay.capacities().get(h)) {
                throw new IllegalArgumentException("invalid problem: host " + h + " runs " + n
                        + " VMs, over its capacity " + underlay.capacities().get(h));
            }
        });
        for (HostLink l : overlay.links()) {
            for (String h : new String[] {l.a(), l.b()}) {
                if (!underlay.knows(h)) {
                    throw new IllegalArgumentException("invalid overlay link " + l + ": host " + h
                            + " is not in the underlay");
                }
            }
        }
    }

    /** A problem with the default cost model, migrations allowed. */
    public static Problem of(Demand demand, Placement placement, Underlay underlay, Overlay overlay) {
        return new Problem(demand, placement, underlay, overlay, CostModel.defaults(), true);
    }

    public Problem withCost(CostModel c) {
        return new Problem(demand, placement, underlay, overlay, c, allowMigration);
    }

    public Problem withMigration(boolean allow) {
        return new Problem(demand, placement, underlay, overlay, cost, allow);
    }
}
