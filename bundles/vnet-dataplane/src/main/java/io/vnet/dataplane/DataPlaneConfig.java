package io.vnet.dataplane;

import io.vnet.api.Endpoint;
import io.vnet.api.Ids;
import java.time.Duration;

/**
 * How a data plane runs.
 *
 * @param hostId       this daemon's host id, sent in the link hello
 * @param listen       where to accept overlay links, or null to accept none
 * @param maxFrame     the largest Ethernet frame carried, in bytes (MTU + 18)
 * @param keepalive    how often a link probes its peer (a TCP/TLS link's keepalive, a VXLAN link's
 *                     liveness probe)
 * @param backoffMin   first reconnect delay of a dialling link
 * @param backoffMax   cap of the exponential reconnect delay
 * @param eventLoops   Netty event loop threads (0: one per core)
 * @param vxlanListen  the UDP endpoint of this daemon's VXLAN links (RFC 7348; port 4789 is
 *                     the standard one), or null for no VXLAN links
 * @param tls          mutual TLS on every TCP link, or null for plain TCP
 * @param countPairs   count traffic per VM pair (VTTIF's input): on the forwarding path for
 *                     frames entering the overlay here, and with nftables on the bridges for
 *                     pairs on the same host
 * @param offloads     open TAPs with IFF_VNET_HDR and TSO/checksum offload, so that a VM's
 *                     large TCP sends cross user space, and links to peers that read them, whole
 * @param maxLearned   the most addresses learned per network (and on any one port); beyond it the
 *                     least recently seen is evicted, counted
 * @param realtimePriority 0: the event loop threads are scheduled as any process; 1..99: they
 *                     ask for SCHED_RR at that priority, so that a frame is forwarded when it
 *                     arrives rather than after busy guests' time slices (see
 *                     {@link io.vnet.dataplane.sys.Scheduling})
 * @param kernelPath   carry VXLAN links in the kernel (a prototype, see {@link io.vnet.dataplane.kernel}):
 *                     a kernel vxlan device per link and network on the network's bridge, so their
 *                     frames never cross user space; needs {@code vxlanListen} (its address is the
 *                     source of what the agent still sends itself) and a bridge for every network
 *                     of such a link
 * @param linkLanes    connections per TCP/TLS link session, 1 to 8: a dialling daemon opens that
 *                     many (at most what the accepting peer offers), joined to the session by its
 *                     token and certificate, and each frame goes on the one its flow hashes to
 * @param linkTimeout  the detection time: a TCP/TLS link whose peer sent nothing for this long is
 *                     closed (then dialled again with backoff), a VXLAN link whose agent peer echoed
 *                     no probe for this long is down until it echoes again; meanwhile the link's
 *                     frames take the flooding tree. At least twice the keepalive (a live peer speaks
 *                     at least once per keepalive); {@link #defaults} gives three times it
 */
public record DataPlaneConfig(String hostId, Endpoint listen, int maxFrame, Duration keepalive,
                              Duration backoffMin, Duration backoffMax, int eventLoops, boolean countPairs,
                              Endpoint vxlanListen, io.vnet.protocol.Tls.Files tls,
                              boolean offloads, int maxLearned, int realtimePriority,
                              boolean kernelPath, int linkLanes, Duration linkTimeout) {
    public static final int MIN_FRAME = 64 + 18;
    public static final int MAX_FRAME = 65535 + 18;
    public static final int DEFAULT_MAX_LEARNED = 4096;
    public static final int MAX_LEARNED = 1 << 20;
    /** The most connections of one link session ({@code linkLanes}). */
    public static final int MAX_LANES = io.vnet.dataplane.link.Records.MAX_LANES;

    public DataPlaneConfig {
        Ids.check("host id", hostId);
        if (maxFrame < MIN_FRAME || maxFrame > MAX_FRAME) {
            throw new IllegalArgumentException("invalid maximum frame " + maxFrame + ": expected "
                    + MIN_FRAME + ".." + MAX_FRAME);
        }
        if (keepalive == null || keepalive.isNegative() || keepalive.isZero()) {
            throw new IllegalArgumentException("keepalive must be a positive duration");
        }
        if (backoffMin == null || backoffMax == null || backoffMin.isNegative() || backoffMin.isZero()
                || backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException("reconnect backoff needs 0 < min <= max");
        }
        if (maxLearned < 1 || maxLearned > MAX_LEARNED) {
            throw new IllegalArgumentException("maxLearned " + maxLearned + ": expected 1.." + MAX_LEARNED);
        }
        if (realtimePriority < 0 || realtimePriority > 99) {
            throw new IllegalArgumentException("realtimePriority " + realtimePriority + ": expected 0 (normal scheduling)"
                    + " or 1..99 (SCHED_RR)");
        }
        if (kernelPath && vxlanListen == null) {
            throw new IllegalArgumentException("kernelPath carries VXLAN links: it needs vxlanListen");
        }
        if (linkLanes < 1 || linkLanes > MAX_LANES) {
            throw new IllegalArgumentException("linkLanes " + linkLanes + ": expected 1.." + MAX_LANES);
        }
        if (linkTimeout == null || linkTimeout.compareTo(keepalive.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("linkTimeout " + (linkTimeout == null ? "missing" : linkTimeout.toMillis() + " ms")
                    + ": expected at least twice the keepalive (" + keepalive.multipliedBy(2).toMillis() + " ms)");
        }
        if (eventLoops < 0) {
            throw new IllegalArgumentException("eventLoops must be >= 0");
        }
    }

    public static DataPlaneConfig defaults(String hostId, Endpoint listen, int maxFrame) {
        return new DataPlaneConfig(hostId, listen, maxFrame, Duration.ofSeconds(2),
                Duration.ofMillis(100), Duration.ofSeconds(5), 0, true, null, null, true,
                DEFAULT_MAX_LEARNED, 0, false, 1, Duration.ofSeconds(6));
    }
}
