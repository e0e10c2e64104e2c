package io.vnet.dataplane.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import io.vnet.api.DropReason;
import io.vnet.api.LinkSpec;
import io.vnet.api.PortStats;
import io.vnet.dataplane.forward.Offload;
import io.vnet.dataplane.forward.Segments;
import io.vnet.dataplane.forward.PortCounters;
import java.net.InetSocketAddress;

/**
 * A VXLAN link: frames go out as VXLAN datagrams to the peer's endpoint from the daemon's
 * VXLAN socket. There is no connection: the link is up while the socket is and, where the daemon
 * probes its VXLAN peers ({@link VxlanLiveness}) and the peer is an agent that answers, while the
 * peer echoes the probes.
 */
public final class VxlanPort implements OverlayLink {
    private final LinkNetworks networks;
    private final String portId;
    private final InetSocketAddress peer;
    private final PortCounters counters = new PortCounters();
    private final Channel socket;
    private final int innerMtu;
    /** The peer's liveness from probes, or null where the daemon does not probe. */
    private final VxlanLiveness liveness;
    /** Whether this kernel and Netty's native library do UDP GSO (UDP_SEGMENT). */
    private static final boolean UDP_GSO = udpGso();
    /** At most this many datagrams, and this many bytes, in one UDP GSO send (the kernel's limits). */
    static final int MAX_GSO_SEGMENTS = 64;
    static final int MAX_GSO_BYTES = 65_000;

    private static boolean udpGso() {
        try {
            return SegmentedDatagramPacket.isSupported();
        } catch (LinkageError e) {
            return false;
        }
    }

    VxlanPort(LinkSpec spec, InetSocketAddress peer, Channel socket, int innerMtu, VxlanLiveness liveness) {
        this.networks = new LinkNetworks(spec);
        this.liveness = liveness;
        this.innerMtu = innerMtu;
        this.portId = "link:" + spec().id();
        this.peer = peer;
        this.socket = socket;
    }

    @Override
    public LinkSpec spec() {
        return networks.spec();
    }

    @Override
    public boolean carries(int vni) {
        return networks.carries(vni);
    }

    @Override
    public void carry(LinkSpec next) {
        networks.carry(next);
    }

    InetSocketAddress peer() {
        return peer;
    }

    @Override
    public String id() {
        return portId;
    }

    @Override
    public boolean isLink() {
        return true;
    }

    @Override
    public boolean floods() {
        return spec().flood();
    }

    @Override
    public boolean floods(int vni) {
        return spec().floods(vni);
    }

    /** The inner packets this link carries unfragmented: the underlay MTU less the encapsulation (an Ethernet header with a VLAN tag beside). */
    @Override
    public int maxFrame() {
        return innerMtu + 18;
    }

    /** The largest IP packet this link carries in one datagram. */
    int mtu() {
        return innerMtu;
    }

    /** Up while the socket is open and, where probed, an answering peer echoes. */
    @Override
    public boolean isUp() {
        return socket.isActive() && (liveness == null || liveness.up());
    }

    /** The peer's liveness, or null where the daemon does not probe. */
    VxlanLiveness liveness() {
        return liveness;
    }

    @Override
    public PortCounters counters() {
        return counters;
    }

    @Override
    public void send(int vni, ByteBuf frame) {
        try {
            if (!ready()) {
                return;
            }
            int len = frame.readableBytes();
            ByteBuf out = socket.alloc().directBuffer(Vxlan.HEADER + len);
            Vxlan.writeHeader(out, vni);
            out.writeBytes(frame, frame.readerIndex(), len);
            counters.out(len);
            socket.writeAndFlush(new DatagramPacket(out, peer), socket.voidPromise());
        } finally {
            frame.release();
        }
    }

    /**
     * A large TCP segment leaves as VXLAN datagrams of one segment each, as a kernel VXLAN
     * endpoint expects; where the socket supports UDP GSO they are handed to the kernel packed
     * in few sends (one per 64 KB), which cuts them apart, instead of one send per datagram.
     */
    @Override
    public void send(int vni, ByteBuf frame, long offload) {
        if (!Offload.isGso(offload) || !UDP_GSO || !(socket instanceof EpollDatagramChannel)) {
            OverlayLink.super.send(vni, frame, offload);
            return;
        }
        try {
            Segments.Plan plan = Segments.plan(frame, offload);
            if (plan == null) {
                counters.drop(DropReason.MALFORMED);
                return;
            }
            if (!ready()) {
                return;
            }
            int datagram = Vxlan.HEADER + plan.length(0);
            int perSend = Math.max(1, Math.min(MAX_GSO_SEGMENTS, MAX_GSO_BYTES / datagram));
            Segments.segment(frame, plan, new Segments.Sink() {
                private ByteBuf batch;
                private int inBatch;
                private int done;

                @Override
                public ByteBuf open(int length) {
                    if (batch == null) {
                        int left = plan.segments() - done;
                        batch = socket.alloc().directBuffer(Math.min(left, perSend) * datagram);
                    }
                    Vxlan.writeHeader(batch, vni);
                    return batch;
                }

                @Override
                public void close(ByteBuf segment) {
                    counters.out(plan.length(done));
                    done++;
                    if (++inBatch == perSend || done == plan.segments()) {
                        socket.write(new SegmentedDatagramPacket(batch, datagram, peer), socket.voidPromise());
                        batch = null;
                        inBatch = 0;
                    }
                }
            });
            socket.flush();
        } finally {
            frame.release();
        }
    }

    /** The round trip from the probes' echoes where the peer answers them (-1 for a kernel peer), and the bytes carried. */
    @Override
    public io.vnet.api.LinkPath path() {
        long rtt = liveness == null ? -1 : liveness.rttMicros();
        long min = liveness == null ? -1 : liveness.minRttMicros();
        return new io.vnet.api.LinkPath(spec().id(), spec().peerHost(), "vxlan", isUp(), rtt, min,
                counters.bytesOut(), counters.bytesIn(), spec().networks());
    }

    /** Whether the socket can take a datagram now; if not, the drop is counted (link down or congested). */
    private boolean ready() {
        if (!isUp()) {
            counters.drop(DropReason.LINK_DOWN);
            return false;
        }
        if (!socket.isWritable()) {
            counters.drop(DropReason.CONGESTED);
            return false;
        }
        return true;
    }

    @Override
    public PortStats stats() {
        return counters.snapshot("link", spec().id(), isUp() ? "up" : "down",
                spec().peerHost() + " via vxlan " + spec().connect() + ", mtu " + innerMtu + (spec().flood() ? ", flood" : "")
                + ", vnis " + LinkPort.vniList(spec()) + livenessText());
    }

    private String livenessText() {
        if (liveness == null) {
            return "";
        }
        if (!liveness.answers()) {
            return ", probed, no answer (a kernel peer: judged by the socket)";
        }
        long silent = liveness.silentFor(System.nanoTime());
        return ", probes answered" + (liveness.up() ? "" : ", silent for " + silent / 1_000_000 + " ms");
    }
}
