package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vnet.api.DropReason;

/**
 * Turns an offloaded frame (see {@link Offload}) into ordinary frames, for a port that carries
 * only those (a VXLAN link, a link to an older peer, a LAN handle): a large TCP segment is cut
 * into MSS-sized packets with their IP lengths, IPv4 ids, TCP sequence numbers, flags and
 * checksums fixed, as the kernel's software GSO does; a frame with a checksum left to complete
 * gets it. The input frame is never modified (it may be shared by a flood), only copied.
 */
public final class Segments {
    private static final int TCP_FIN = 0x01;
    private static final int TCP_PSH = 0x08;
    private static final int TCP_CWR = 0x80;

    private Segments() {
    }

    /**
     * Sends {@code frame} out of {@code port} as ordinary frames; takes ownership of
     * {@code frame}. A frame whose headers contradict its descriptor is dropped and counted.
     */
    public static void sendPlain(Port port, int vni, ByteBuf frame, long offload, ByteBufAllocator alloc) {
        try {
            if (!Offload.isGso(offload)) {
                if (Offload.needsChecksum(offload)) {
                    ByteBuf copy = alloc.directBuffer(frame.readableBytes());
                    copy.writeBytes(frame, frame.readerIndex(), frame.readableBytes());
                    completeChecksum(copy, Offload.csumStart(offload), Offload.csumOffset(offload));
                    port.send(vni, copy);
                } else {
                    port.send(vni, frame.retain());
                }
                return;
            }
            if (!segment(port, vni, frame, offload, alloc)) {
                port.counters().drop(DropReason.MALFORMED);
            }
        } finally {
            frame.release();
        }
    }

    /** Completes the checksum of {@code b} in place: the ones' complement sum from {@code start} to the end. */
    public static void completeChecksum(ByteBuf b, int start, int offset) {
        int base = b.readerIndex();
        long sum = sum(b, base + start, b.readableBytes() - start);
        b.setShort(base + start + offset, ~fold(sum) & 0xFFFF);
    }

    /**
     * Where {@link #segment} writes: {@link #open} returns the buffer the next segment of
     * {@code length} bytes is appended to (at its writer index), {@link #close} takes it once
     * the segment is complete.
     */
    public interface Sink {
        ByteBuf open(int length);

        void close(ByteBuf segment);
    }

    /**
     * What a segmentation will produce, from the frame's headers as {@link #plan} read them: the
     * number of segments, where the IP and TCP headers start, the header length, the MSS and the
     * payload.
     */
    public record Plan(int segments, boolean ipv4, int ipOffset, int l4Offset, int headerLength, int mss, int payload) {
        /** Bytes of segment {@code i}. */
        public int length(int i) {
            return headerLength + Math.min(mss, payload - i * mss);
        }
    }

    /**
     * Checks {@code frame} against its descriptor and plans its segmentation; null if they
     * contradict (or the headers contradict themselves: an IPv4 header shorter than 20 bytes or
     * reaching into the TCP header, a segment size below {@link Offload#MIN_GSO_SIZE}).
     */
    public static Plan plan(ByteBuf frame, long offload) {
        int base = frame.readerIndex();
        int len = frame.readableBytes();
        if (len < 14 + 20) {
            return null;
        }
        int ipOff = Frames.l3Offset(frame);
        int type = frame.getUnsignedShort(base + ipOff - 2);
        boolean v4 = (Offload.gsoType(offload) & ~Offload.GSO_ECN) == Offload.GSO_TCPV4;
        if (type != (v4 ? Frames.ETH_P_IPV4 : Frames.ETH_P_IPV6)) {
            return null;
        }
        int l4 = Offload.csumStart(offload);
        if (l4 < ipOff + (v4 ? 20 : 40) || l4 + 20 > len) {
            return null;
        }
        if (v4) { // the IP header's own length must lie between 20 bytes and the TCP header
            int ihl = (frame.getUnsignedByte(base + ipOff) & 0xF) * 4;
            if (ihl < 20 || ipOff + ihl > l4) {
                return null;
            }
        }
        int tcpLen = (frame.getUnsignedByte(base + l4 + 12) >> 4) * 4;
        int hdr = l4 + tcpLen;
        int mss = Offload.gsoSize(offload);
        if (tcpLen < 20 || hdr > len || mss < Offload.MIN_GSO_SIZE) {
            return null;
        }
        int payload = len - hdr;
        return new Plan(Math.max(1, (payload + mss - 1) / mss), v4, ipOff, l4, hdr, mss, payload);
    }

    private static boolean segment(Port port, int vni, ByteBuf frame, long offload, ByteBufAllocator alloc) {
        Plan plan = plan(frame, offload);
        if (plan == null) {
            return false;
        }
        segment(frame, plan, new Sink() {
            @Override
            public ByteBuf open(int length) {
                return alloc.directBuffer(length);
            }

            @Override
            public void close(ByteBuf segment) {
                port.send(vni, segment);
            }
        });
        return true;
    }

    /** Cuts {@code frame} as {@link #plan} planned, into {@code sink}; the frame is not modified. */
    public static void segment(ByteBuf frame, Plan plan, Sink sink) {
        int base = frame.readerIndex();
        int ipOff = plan.ipOffset();
        boolean v4 = plan.ipv4();
        int l4 = plan.l4Offset();
        int hdr = plan.headerLength();
        int tcpLen = hdr - l4;
        int mss = plan.mss();
        int payload = plan.payload();
        long seq0 = frame.getUnsignedInt(base + l4 + 4);
        int id0 = v4 ? frame.getUnsignedShort(base + ipOff + 4) : 0;
        int flags0 = frame.getUnsignedByte(base + l4 + 13);
        int n = plan.segments();
        for (int i = 0; i < n; i++) {
            int off = i * mss;
            int segLen = Math.min(mss, payload - off);
            ByteBuf s = sink.open(hdr + segLen);
            int o = s.writerIndex();
            s.writeBytes(frame, base, hdr);
            s.writeBytes(frame, base + hdr + off, segLen);
            int ip = o + ipOff;
            if (v4) {
                int ihl = (s.getUnsignedByte(ip) & 0xF) * 4;
                s.setShort(ip + 2, hdr - ipOff + segLen);
                s.setShort(ip + 4, id0 + i);
                s.setShort(ip + 10, 0);
                s.setShort(ip + 10, ~fold(sum(s, ip, ihl)) & 0xFFFF);
            } else {
                s.setShort(ip + 4, hdr - ipOff - 40 + segLen);
            }
            int tcp = o + l4;
            s.setInt(tcp + 4, (int) (seq0 + off));
            int f = flags0;
            if (i < n - 1) {
                f &= ~(TCP_FIN | TCP_PSH);
            }
            if (i > 0) {
                f &= ~TCP_CWR;
            }
            s.setByte(tcp + 13, f);
            int segTcp = tcpLen + segLen;
            long pseudo = v4 ? sum(s, ip + 12, 8) : sum(s, ip + 8, 32);
            pseudo += 6 + segTcp;
            s.setShort(tcp + 16, 0);
            s.setShort(tcp + 16, ~fold(pseudo + sum(s, tcp, segTcp)) & 0xFFFF);
            sink.close(s);
        }
    }

    /** The ones' complement sum, not yet folded, of {@code len} bytes at absolute index {@code from}. */
    static long sum(ByteBuf b, int from, int len) {
        long s = 0;
        int i = from;
        int end = from + len;
        for (; i + 8 <= end; i += 8) {
            long w = b.getLong(i);
            s += (w >>> 32) + (w & 0xFFFFFFFFL);
        }
        if (i + 4 <= end) {
            s += b.getUnsignedInt(i);
            i += 4;
        }
        if (i + 2 <= end) {
            s += b.getUnsignedShort(i);
            i += 2;
        }
        if (i < end) {
            s += b.getUnsignedByte(i) << 8;
        }
        return s;
    }

    static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }
}
