package io.vnet.manager.store;

import java.time.Instant;

/**
 * The topology VTTIF inferred for a network at one time.
 *
 * @param vni the network
 * @param time when it was inferred
 * @param topologyClass its class, e.g. "ring", "mesh", "star", "tree", "all-to-all"
 * @param graph the graph as JSON
 */
public record TopologyRecord(int vni, Instant time, String topologyClass, String graph) {
    public TopologyRecord {
        Checks.vni("vni", vni);
        time = Checks.time("time", time);
        Checks.text("topologyClass", topologyClass, 64);
        Checks.json("graph", graph);
    }
}
