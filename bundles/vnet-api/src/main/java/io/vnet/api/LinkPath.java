package io.vnet.api;

/**
 * What a daemon measured of one of its overlay links: the round-trip time of its timestamped
 * keepalives and the bytes it carried. VADAPT takes host-to-host path properties from these,
 * and falls back to configured capacities only where nothing was measured.
 *
 * @param id           the link id
 * @param peerHost     the daemon at the other end
 * @param transport    {@code tcp} or {@code vxlan}
 * @param up           whether it can carry frames now
 * @param rttMicros    smoothed round-trip time (as TCP smooths it: 7/8 old, 1/8 new), -1 if not measured
 *                     (a VXLAN link, or a peer that does not echo keepalives)
 * @param minRttMicros the smallest round trip seen since the link came up, -1 if none
 * @param bytesOut     frame bytes sent since the daemon started
 * @param bytesIn      frame bytes received since the daemon started
 * @param networks     the networks the link carries
 */
public record LinkPath(String id, String peerHost, String transport, boolean up, long rttMicros, long minRttMicros,
                       long bytesOut, long bytesIn, java.util.List<NetworkId> networks) {
    public LinkPath {
        networks = networks == null ? java.util.List.of() : java.util.List.copyOf(networks);
    }
}
