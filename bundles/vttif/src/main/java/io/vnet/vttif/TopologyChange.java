package io.vnet.vttif;

import io.vnet.api.NetworkId;
import java.util.Optional;

/**
 * The topology of a network changed at {@code timeMillis} (the caller's time of the evaluation
 * that reported it). {@code oldTopology} is empty for the first topology of a network.
 */
public record TopologyChange(NetworkId network, Optional<TopologyGraph> oldTopology, TopologyGraph newTopology,
                             long timeMillis) {
    public TopologyChange {
        if (network == null || oldTopology == null || newTopology == null) {
            throw new IllegalArgumentException("invalid topology change of network " + network
                    + ": network, old (possibly empty) and new topology are required");
        }
        if (newTopology.isEmpty()) {
            throw new IllegalArgumentException("invalid topology change of network " + network
                    + ": the new topology has no edges");
        }
    }

    @Override
    public String toString() {
        return "TopologyChange[network " + network + " at " + timeMillis + " ms: "
                + oldTopology.map(TopologyGraph::describe).orElse("none") + " -> " + newTopology.describe() + "]";
    }
}
