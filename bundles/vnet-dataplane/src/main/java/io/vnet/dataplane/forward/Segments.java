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
    private static final int ETH_P_IPV4 = 0x0800;
    private static final int ETH_P_IPV6 = 0x86DD;
    private static final int ETH_P_VLAN = 0x8100;
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

    private static boolean segment(Port port, int vni, ByteBuf frame, long offload, ByteBufAllocator alloc) {
        int base = frame.readerIndex();
        int len = frame.readableBytes();
        int ipOff = 14;
        int type = frame.getUnsignedShort(base + 12);
        if (type == ETH_P_VLAN) {
            type = frame.getUnsignedShort(base + 16);
            ipOff = 18;
        }
        boolean v4 = (Offload.gsoType(offload) & ~Offload.GSO_ECN) == Offload.GSO_TCPV4;
        if (type != (v4 ? ETH_P_IPV4 : ETH_P_IPV6)) {
            return false;
        }
        int l4 = Offload.csumStart(offload);
        if (l4 < ipOff + (v4 ? 20 : 40) || l4 + 20 > len) {
            return false;
        }
        int tcpLen = (frame.getUnsignedByte(base + l4 + 12) >> 4) * 4;
        int hdr = l4 + tcpLen;
        int mss = Offload.gsoSize(offload);
        if (tcpLen < 20 || hdr > len || mss == 0) {
            return false;
        }
        int payload = len - hdr;
        long seq0 = frame.getUnsignedInt(base + l4 + 4);
        int id0 = v4 ? frame.getUnsignedShort(base + ipOff + 4) : 0;
        int flags0 = frame.getUnsignedByte(base + l4 + 13);
        int n = Math.max(1, (payload + mss - 1) / mss);
        for (int i = 0; i < n; i++) {
            int off = i * mss;
            int segLen = Math.min(mss, payload - off);
            ByteBuf s = alloc.directBuffer(hdr + segLen);
            s.writeBytes(frame, base, hdr);
            s.writeBytes(frame, base + hdr + off, segLen);
            if (v4) {
                int ihl = (s.getUnsignedByte(ipOff) & 0xF) * 4;
                s.setShort(ipOff + 2, hdr - ipOff + segLen);
                s.setShort(ipOff + 4, id0 + i);
                s.setShort(ipOff + 10, 0);
                s.setShort(ipOff + 10, ~fold(sum(s, ipOff, ihl)) & 0xFFFF);
            } else {
                s.setShort(ipOff + 4, hdr - ipOff - 40 + segLen);
            }
            s.setInt(l4 + 4, (int) (seq0 + off));
            int f = flags0;
            if (i < n - 1) {
                f &= ~(TCP_FIN | TCP_PSH);
            }
            if (i > 0) {
                f &= ~TCP_CWR;
            }
            s.setByte(l4 + 13, f);
            int segTcp = tcpLen + segLen;
            long pseudo = v4 ? sum(s, ipOff + 12, 8) : sum(s, ipOff + 8, 32);
            pseudo += 6 + segTcp;
            s.setShort(l4 + 16, 0);
            s.setShort(l4 + 16, ~fold(pseudo + sum(s, l4, segTcp)) & 0xFFFF);
            port.send(vni, s);
        }
        return true;
    }

    /** The ones' complement sum, not yet folded, of {@code len} bytes at absolute index {@code from}. */
    static long sum(ByteBuf b, int from, int len) {
        long s = 0;
        int i = from;
        int end = from + len;
        for (; i + 4 <= end; i += 4) {
            s += b.getUnsignedInt(i);
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
