package io.vnet.dataplane;

import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import java.util.List;

/**
 * What a data plane counted during one reporting interval ({@link DataPlane#trafficGrowth()}):
 * the growth of each VM pair's counters (frames that entered the overlay here, and frames between
 * VMs on this host's bridges; a {@link PairCount} here holds the interval's counts, not
 * cumulative ones), and per network the frames whose pair found no room for a counter (the
 * counters are bounded), with their bytes. Together they are every frame counted.
 *
 * @param pairs        the pairs that grew, with their growth
 * @param overflow     per network, the frames counted without a pair during the interval
 * @param refusedPairs an estimate of the distinct pairs refused a counter during the interval
 */
public record TrafficGrowth(List<PairCount> pairs, List<Overflow> overflow, long refusedPairs) {
    /** Nothing counted. */
    public static final TrafficGrowth NONE = new TrafficGrowth(List.of(), List.of(), 0);

    /** Frames of a network whose pair found no room for a counter, and their bytes. */
    public record Overflow(NetworkId network, long frames, long bytes) {
        public Overflow {
            if (network == null || frames < 0 || bytes < 0) {
                throw new IllegalArgumentException("invalid overflow count " + network + ": " + frames + " frames, "
                        + bytes + " bytes");
            }
        }
    }

    public TrafficGrowth {
        pairs = List.copyOf(pairs);
        overflow = List.copyOf(overflow);
        if (refusedPairs < 0) {
            throw new IllegalArgumentException("invalid refused pair count " + refusedPairs);
        }
    }
}
