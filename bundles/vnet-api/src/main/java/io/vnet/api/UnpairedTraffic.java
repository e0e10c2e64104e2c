package io.vnet.api;

/**
 * Traffic an agent counted for a network during one interval without naming its pairs: the pairs
 * beyond a report's cap (how many: {@code pairs}), and the frames its bounded counters counted for
 * no pair. With the report's named pairs ({@link PairCount}) of that network, it is all the
 * network's traffic the agent counted in the interval. It has no pair, so it says nothing of the
 * topology; it counts for the network's rate. The agent writes it in its reports, the protocol
 * carries it, the manager reads it: one type for all three.
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

    /** None yet, on {@code network}. */
    public static UnpairedTraffic none(NetworkId network) {
        return new UnpairedTraffic(network, 0, 0, 0);
    }

    /** This and more of the same network; a count past {@link Long#MAX_VALUE} stays there. */
    public UnpairedTraffic plus(long morePairs, long moreFrames, long moreBytes) {
        if (morePairs < 0 || moreFrames < 0 || moreBytes < 0) {
            throw new IllegalArgumentException("negative unpaired traffic to add: " + morePairs + " pairs, " + moreFrames
                    + " frames, " + moreBytes + " bytes");
        }
        return new UnpairedTraffic(network, saturated(pairs, morePairs), saturated(frames, moreFrames),
                saturated(bytes, moreBytes));
    }

    private static long saturated(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
