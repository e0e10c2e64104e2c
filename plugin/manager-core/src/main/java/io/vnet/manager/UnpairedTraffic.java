package io.vnet.manager;

import io.vnet.api.NetworkId;

/**
 * Traffic an agent reported for a network during one interval without naming its pairs: the
 * pairs beyond a report's cap (how many: {@code pairs}), and the frames its bounded counters
 * counted for no pair. With the report's named pairs of that network, it is all the network's
 * traffic the agent counted in the interval. It has no pair, so it says nothing of the topology;
 * it counts for the network's rate.
 */
public record UnpairedTraffic(NetworkId network, long pairs, long frames, long bytes) {
    public UnpairedTraffic {
        if (network == null) {
            throw new IllegalArgumentException("unpaired traffic needs a network");
        }
        if (pairs < 0 || frames < 0 || bytes < 0) {
            throw new IllegalArgumentException("negative unpaired traffic " + pairs + " pairs, " + frames + " frames, "
                    + bytes + " bytes");
        }
    }
}
