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

    /**
     * This growth and a {@code later} one as one: each pair once, with the counts of both summed, each
     * network's overflow summed, and the refused pairs summed (a sum past {@link Long#MAX_VALUE} stays
     * there). No larger than the pairs the two name, so no larger than the counters they came from.
     */
    public TrafficGrowth plus(TrafficGrowth later) {
        java.util.Map<List<Object>, PairCount> byPair = new java.util.LinkedHashMap<>();
        for (List<PairCount> ps : List.of(pairs, later.pairs)) {
            for (PairCount p : ps) {
                byPair.merge(List.of(p.network(), p.src(), p.dst(), p.sameHost()), p, (a, b) -> new PairCount(a.network(),
                        a.src(), a.dst(), sum(a.frames(), b.frames()), sum(a.bytes(), b.bytes()), a.sameHost()));
            }
        }
        java.util.Map<NetworkId, Overflow> byNetwork = new java.util.LinkedHashMap<>();
        for (List<Overflow> os : List.of(overflow, later.overflow)) {
            for (Overflow o : os) {
                byNetwork.merge(o.network(), o, (a, b) -> new Overflow(a.network(), sum(a.frames(), b.frames()),
                        sum(a.bytes(), b.bytes())));
            }
        }
        return new TrafficGrowth(List.copyOf(byPair.values()), List.copyOf(byNetwork.values()),
                sum(refusedPairs, later.refusedPairs));
    }

    private static long sum(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s; // both are not negative: only an overflow makes it so
    }
}
