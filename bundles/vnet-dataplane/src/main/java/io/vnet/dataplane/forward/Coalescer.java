package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Receive offload in user space (what the kernel's GRO does for a NIC): consecutive TCP
 * segments of one flow that arrive together as ordinary frames, e.g. in one batch of VXLAN
 * datagrams, are merged into one large segment with an offload descriptor, so that they cross
 * the rest of the path (a TAP write, a TCP link) once instead of once per 1.4 KB. Only plain
 * in-order data segments are merged (ACK, optionally PSH on the last; same headers and TCP
 * options; sequence numbers contiguous; equal sizes but the last); anything else goes on as it
 * came, and nothing is reordered: a frame that cannot join the pending segment first flushes it.
 * One coalescer per reading thread; {@link #flush()} at the end of each batch.
 */
public final class Coalescer {
    /** Where frames go on: the forwarder, normally. */
    public interface Next {
        void forward(Port in, int vni, ByteBuf frame, long offload);
    }

    private static final int TCP_ACK = 0x10;
    private static final int TCP_PSH = 0x08;
    /** Only ACK and PSH may be set on a segment that is merged. */
    private static final int MERGEABLE_FLAGS = TCP_ACK | TCP_PSH;
    static final int MAX_SEGMENTS = 64;
    static final int MAX_IP_LENGTH = 65535;

    private final ByteBufAllocator alloc;
    private final Next next;
    // the pending segment: the first frame alone, or the merged frame once a second one joined
    private ByteBuf pending;
    private boolean merged;
    /** The checksum descriptor of the pending segment while it is alone. */
    private long pendingOffload;
    private Port port;
    private int vni;
    private int segments;
    private int mss;
    private int l4;
    private int hdr;
    private boolean v4;
    private long nextSeq;
    private boolean ended;

    public Coalescer(ByteBufAllocator alloc, Next next) {
        this.alloc = alloc;
        this.next = next;
    }

    /** Takes {@code frame} (and its ownership): merges it with the pending segment or sends that on first. */
    public void offer(Port in, int vni, ByteBuf frame) {
        offer(in, vni, frame, Offload.NONE);
    }

    /**
     * As {@link #offer(Port, int, ByteBuf)} for a frame that may carry offload work: a frame
     * that goes on alone keeps its descriptor, a merged one gets its checksum completed with the
     * rest; a large segment ({@link Offload#isGso}) is never merged.
     */
    public void offer(Port in, int vni, ByteBuf frame, long offload) {
        int payload = Offload.isGso(offload) ? 0 : dataSegment(frame);
        if (payload <= 0) {
            flush();
            next.forward(in, vni, frame, offload);
            return;
        }
        if (pending != null && !joins(in, vni, frame, payload)) {
            flush();
        }
        if (pending == null) {
            pendingOffload = offload;
            start(in, vni, frame, payload);
        } else {
            append(frame, payload);
        }
        if (ended) {
            flush();
        }
    }

    /** Sends the pending segment on, merged if more than one joined. */
    public void flush() {
        ByteBuf p = pending;
        if (p == null) {
            return;
        }
        pending = null;
        if (!merged) {
            next.forward(port, vni, p, pendingOffload);
            return;
        }
        int base = p.readerIndex();
        int l3 = l4 - (v4 ? (p.getUnsignedByte(base + 14) & 0xF) * 4 : 40);
        int tcpLength = p.readableBytes() - l4;
        if (v4) {
            p.setShort(base + l3 + 2, p.readableBytes() - l3);
            p.setShort(base + l3 + 10, 0);
            p.setShort(base + l3 + 10, ~Segments.fold(Segments.sum(p, base + l3, l4 - l3)) & 0xFFFF);
        } else {
            p.setShort(base + l3 + 4, p.readableBytes() - l3 - 40);
        }
        // as a stack leaves a segment for the NIC: the pseudo-header sum in the checksum field
        long pseudo = (v4 ? Segments.sum(p, base + l3 + 12, 8) : Segments.sum(p, base + l3 + 8, 32)) + 6 + tcpLength;
        p.setShort(base + l4 + 16, Segments.fold(pseudo));
        next.forward(port, vni, p, Offload.of(Offload.F_NEEDS_CSUM, v4 ? Offload.GSO_TCPV4 : Offload.GSO_TCPV6,
                mss, l4, 16, hdr));
    }

    /** The TCP payload length of {@code f} if it is a plain data segment that may be merged, else 0. */
    private static int dataSegment(ByteBuf f) {
        int b = f.readerIndex();
        int len = f.readableBytes();
        if (len < 14 + 20 + 20) {
            return 0;
        }
        int type = f.getUnsignedShort(b + 12);
        int l4;
        int ipEnd;
        if (type == Frames.ETH_P_IPV4) {
            int vihl = f.getUnsignedByte(b + 14);
            if ((vihl & 0xF) != 5 || (f.getUnsignedShort(b + 20) & 0x3FFF) != 0
                    || f.getUnsignedByte(b + 23) != Frames.IPPROTO_TCP) {
                return 0; // options, a fragment, or not TCP
            }
            l4 = 34;
            ipEnd = 14 + f.getUnsignedShort(b + 16);
        } else if (type == Frames.ETH_P_IPV6 && len >= 14 + 40 + 20) {
            if (f.getUnsignedByte(b + 20) != Frames.IPPROTO_TCP) {
                return 0; // extension headers, or not TCP
            }
            l4 = 54;
            ipEnd = 54 + f.getUnsignedShort(b + 18);
        } else {
            return 0;
        }
        if (ipEnd != len) {
            return 0; // padded or truncated: leave it alone
        }
        int flags = f.getUnsignedByte(b + l4 + 13);
        if ((flags & ~MERGEABLE_FLAGS) != 0 || (flags & TCP_ACK) == 0) {
            return 0;
        }
        int tcpLen = (f.getUnsignedByte(b + l4 + 12) >> 4) * 4;
        return tcpLen < 20 ? 0 : len - l4 - tcpLen;
    }

    private void start(Port in, int vni, ByteBuf frame, int payload) {
        int b = frame.readerIndex();
        this.pending = frame;
        this.merged = false;
        this.port = in;
        this.vni = vni;
        this.segments = 1;
        this.v4 = frame.getUnsignedShort(b + 12) == Frames.ETH_P_IPV4;
        this.l4 = v4 ? 34 : 54;
        this.hdr = frame.readableBytes() - payload;
        this.mss = payload;
        this.nextSeq = (frame.getUnsignedInt(b + l4 + 4) + payload) & 0xFFFFFFFFL;
        this.ended = (frame.getUnsignedByte(b + l4 + 13) & TCP_PSH) != 0;
    }

    private boolean joins(Port in, int vni, ByteBuf f, int payload) {
        if (in != port || vni != this.vni || ended || segments >= MAX_SEGMENTS || payload > mss
                || f.readableBytes() - payload != hdr
                || pending.readableBytes() - 14 + payload > MAX_IP_LENGTH) {
            return false;
        }
        int a = pending.readerIndex();
        int b = f.readerIndex();
        if ((f.getUnsignedInt(b + l4 + 4)) != nextSeq) {
            return false;
        }
        // Ethernet header; IP: v4 tos, DF, ttl, protocol, addresses / v6 class, flow, hop limit, addresses
        if (!same(f, b, a, 0, 14)) {
            return false;
        }
        if (v4 ? !(same(f, b, a, 15, 1) && same(f, b, a, 20, 1) && same(f, b, a, 22, 2) && same(f, b, a, 26, 8))
                : !(same(f, b, a, 14, 4) && same(f, b, a, 20, 2) && same(f, b, a, 22, 32))) {
            return false;
        }
        // TCP: ports, ack, data offset, window, options
        return same(f, b, a, l4, 4) && same(f, b, a, l4 + 8, 5) && same(f, b, a, l4 + 14, 2)
                && same(f, b, a, l4 + 20, hdr - l4 - 20);
    }

    private boolean same(ByteBuf f, int b, int a, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (f.getByte(b + off + i) != pending.getByte(a + off + i)) {
                return false;
            }
        }
        return true;
    }

    private void append(ByteBuf f, int payload) {
        try {
            if (!merged) {
                ByteBuf first = pending;
                ByteBuf big = alloc.directBuffer(Math.min(first.readableBytes() + MAX_SEGMENTS * mss,
                        MAX_IP_LENGTH + 18));
                big.writeBytes(first, first.readerIndex(), first.readableBytes());
                first.release();
                pending = big;
                merged = true;
            }
            int b = f.readerIndex();
            pending.writeBytes(f, b + hdr, payload);
            int flags = f.getUnsignedByte(b + l4 + 13);
            if ((flags & TCP_PSH) != 0) {
                pending.setByte(pending.readerIndex() + l4 + 13, pending.getUnsignedByte(pending.readerIndex() + l4 + 13)
                        | TCP_PSH);
                ended = true;
            }
            if (payload < mss) {
                ended = true; // a short segment ends a burst
            }
            segments++;
            nextSeq = (nextSeq + payload) & 0xFFFFFFFFL;
        } finally {
            f.release();
        }
    }
}
