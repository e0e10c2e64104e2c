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
 */
public record MeasuredLink(String id, String peerHost, String transport, boolean up, long rttMicros, long minRttMicros,
                           long outBitsPerSecond, long inBitsPerSecond) {
}
