package io.vnet.manager;

/**
 * One overlay link as its agent last measured it: the round trip of its keepalives and the rate
 * it carried over the last report interval. These are VADAPT's path properties; configured
 * capacities are only a fallback for what was not measured.
 *
 * @param rttMicros        smoothed round trip, -1 if not measured (VXLAN links, older agents)
 * @param minRttMicros     the smallest round trip since the link came up, -1 if none
 * @param outBitsPerSecond the rate sent over the last interval
 * @param inBitsPerSecond  the rate received over the last interval
 * @param networks         the networks the link carries (empty if the agent did not say)
 */
public record MeasuredLink(String id, String peerHost, String transport, boolean up, long rttMicros, long minRttMicros,
                           long outBitsPerSecond, long inBitsPerSecond, java.util.List<io.vnet.api.NetworkId> networks) {
    public MeasuredLink {
        networks = networks == null ? java.util.List.of() : java.util.List.copyOf(networks);
    }

    /** A link whose networks are not known (they carry none as far as the manager is concerned). */
    public MeasuredLink(String id, String peerHost, String transport, boolean up, long rttMicros, long minRttMicros,
                        long outBitsPerSecond, long inBitsPerSecond) {
        this(id, peerHost, transport, up, rttMicros, minRttMicros, outBitsPerSecond, inBitsPerSecond, java.util.List.of());
    }

    /** Whether the link carries {@code network}. */
    public boolean carries(io.vnet.api.NetworkId network) {
        return networks.contains(network);
    }
}
