package io.vnet.vttif;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.util.HashMap;
import java.util.Map;

/**
 * One report of one agent for one network: the bytes and frames it counted per
 * (source MAC, destination MAC) during the interval {@code [startMillis, endMillis)}. Times are
 * the caller's (the manager's) milliseconds; VTTIF never reads a clock. A report may contain
 * broadcast, multicast and self pairs; the engine ignores them.
 */
public record TrafficSample(NetworkId network, long startMillis, long endMillis, Map<MacPair, PairTraffic> counts) {
    public TrafficSample {
        if (network == null) {
            throw new IllegalArgumentException("invalid traffic sample: network is required");
        }
        if (endMillis <= startMillis) {
            throw new IllegalArgumentException("invalid traffic sample interval [" + startMillis + ", " + endMillis
                    + ") ms for network " + network + ": the end must be after the start");
        }
        if (counts == null) {
            throw new IllegalArgumentException("invalid traffic sample for network " + network
                    + ": counts are required (use an empty map)");
        }
        for (Map.Entry<MacPair, PairTraffic> e : counts.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("invalid traffic sample for network " + network
                        + ": null pair or count " + e.getKey() + "=" + e.getValue());
            }
        }
        counts = Map.copyOf(counts);
    }

    public static Builder builder(NetworkId network, long startMillis, long endMillis) {
        return new Builder(network, startMillis, endMillis);
    }

    public long intervalMillis() {
        return endMillis - startMillis;
    }

    /** The counted bytes of one pair, zero if the pair is absent. */
    public PairTraffic count(MacAddress src, MacAddress dst) {
        return counts.getOrDefault(MacPair.of(src, dst), PairTraffic.ZERO);
    }

    /** Builds a sample, summing the counts added for the same pair. */
    public static final class Builder {
        private final NetworkId network;
        private final long startMillis;
        private final long endMillis;
        private final Map<MacPair, PairTraffic> counts = new HashMap<>();

        private Builder(NetworkId network, long startMillis, long endMillis) {
            this.network = network;
            this.startMillis = startMillis;
            this.endMillis = endMillis;
        }

        /** Adds {@code frames} frames of {@code bytes} bytes in all from {@code src} to {@code dst}. */
        public Builder pair(MacAddress src, MacAddress dst, long frames, long bytes) {
            return add(MacPair.of(src, dst), PairTraffic.of(frames, bytes));
        }

        public Builder add(MacPair pair, PairTraffic count) {
            if (pair == null || count == null) {
                throw new IllegalArgumentException("invalid traffic count " + pair + "=" + count
                        + ": pair and count are required");
            }
            counts.merge(pair, count, PairTraffic::plus);
            return this;
        }

        public TrafficSample build() {
            return new TrafficSample(network, startMillis, endMillis, counts);
        }
    }
}
