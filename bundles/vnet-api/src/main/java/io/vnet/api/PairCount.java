package io.vnet.api;

/**
 * Cumulative traffic from one VM to another within a network, as one agent counted it.
 * {@code sameHost} is true for a pair whose frames never left the host's bridge (counted by
 * the kernel on the bridge), false for frames that entered the overlay at this agent.
 */
public record PairCount(NetworkId network, MacAddress src, MacAddress dst, long frames, long bytes, boolean sameHost) {
    public PairCount {
        if (network == null || src == null || dst == null) {
            throw new IllegalArgumentException("a pair count needs a network, a source and a destination");
        }
        if (frames < 0 || bytes < 0) {
            throw new IllegalArgumentException("negative pair count " + frames + " frames, " + bytes + " bytes");
        }
    }
}
