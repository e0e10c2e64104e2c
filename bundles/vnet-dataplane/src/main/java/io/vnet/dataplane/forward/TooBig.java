package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vnet.api.DropReason;

/**
 * A frame too big for the port it must leave by is handled as a Linux router handles a packet
 * too big for the next hop, never dropped in silence: an IPv4 packet that may be fragmented is
 * cut into fragments that fit; an IPv4 packet with Don't Fragment, and any IPv6 packet, is
 * answered with ICMP "fragmentation needed" / ICMPv6 "packet too big" naming the MTU that fits,
 * sent back to the sender (from the address it was sending to), so that its path MTU discovery
 * adapts. Frames of other protocols, and ICMP errors, are only dropped (and counted by the caller).
 */
final class TooBig {
    private static final int IPV4_DF = 0x4000;
    private static final int IPV4_MF = 0x2000;
    /** How much of the offending packet an ICMPv4 error quotes at most (RFC 1812: up to 576 bytes in all). */
    private static final int QUOTE_V4 = 576 - 28;
    /** ... and an ICMPv6 error (the whole error within the IPv6 minimum MTU, 1280). */
    private static final int QUOTE_V6 = 1280 - 48;

    private TooBig() {
    }

    /** The largest frame a segment of {@code offload} makes, or the frame's own length. */
    static int wireSize(ByteBuf frame, long offload) {
        if (!Offload.isGso(offload)) {
            return frame.readableBytes();
        }
        int l4 = Offload.csumStart(offload);
        if (l4 + 13 >= frame.readableBytes()) {
            return frame.readableBytes();
        }
        int tcpLen = (frame.getUnsignedByte(frame.readerIndex() + l4 + 12) >> 4) * 4;
        return Math.min(frame.readableBytes(), l4 + tcpLen + Offload.gsoSize(offload));
    }

    /** The MTU of a port: its largest frame less an Ethernet header with one VLAN tag. */
    static int mtu(Port p) {
        int max = p.maxFrame();
        return max == Integer.MAX_VALUE ? max : max - 18;
    }

    /**
     * Handles {@code frame} (not released here), too big for {@code out} whose MTU is
     * {@code mtu}: fragments go out of {@code out}, an ICMP answer back out of {@code in}.
     * Returns false if nothing could be done (the caller counts the drop; an IPv4 header that
     * lies about its length is counted {@code malformed} on {@code in} here).
     */
    static boolean handle(Port in, Port out, int vni, ByteBuf frame, long offload, int mtu,
                          ByteBufAllocator alloc) {
        int base = frame.readerIndex();
        int l3 = Frames.l3Offset(frame);
        if (frame.readableBytes() < l3 + 20) {
            return false;
        }
        int type = frame.getUnsignedShort(base + l3 - 2);
        if (type == Frames.ETH_P_IPV4) {
            int ihl = (frame.getUnsignedByte(base + l3) & 0xF) * 4;
            if (ihl < 20 || l3 + ihl > frame.readableBytes() || frame.getUnsignedShort(base + l3 + 2) < ihl) {
                in.counters().drop(DropReason.MALFORMED); // a header that lies about its own length
                return false;
            }
            int frag = frame.getUnsignedShort(base + l3 + 6);
            if ((frag & IPV4_DF) == 0 && !Offload.isGso(offload)) {
                return fragment(out, vni, frame, offload, l3, ihl, mtu, alloc);
            }
            if (isIcmpError(frame, base + l3 + ihl, frame.getUnsignedByte(base + l3 + 9), 1)) {
                return false;
            }
            in.send(vni, icmp4(frame, l3, ihl, mtu, alloc));
            return true;
        }
        if (type == Frames.ETH_P_IPV6 && frame.readableBytes() >= l3 + 40) {
            if (isIcmpError(frame, base + l3 + 40, frame.getUnsignedByte(base + l3 + 6), 58)) {
                return false;
            }
            in.send(vni, icmp6(frame, l3, Math.max(mtu, 1280), alloc));
            return true;
        }
        return false;
    }

    private static boolean isIcmpError(ByteBuf f, int l4, int proto, int icmpProto) {
        if (proto != icmpProto || l4 >= f.writerIndex()) {
            return false;
        }
        int t = f.getUnsignedByte(l4);
        return icmpProto == 1 ? t != 0 && t != 8 && t != 13 && t != 14 : t < 128;
    }

    private static void swappedEthernet(ByteBuf frame, int l3, ByteBuf out) {
        int base = frame.readerIndex();
        out.writeBytes(frame, base + 6, 6); // to the sender
        out.writeBytes(frame, base, 6); // from where it was sending
        out.writeBytes(frame, base + 12, l3 - 12);
    }

    private static ByteBuf icmp4(ByteBuf frame, int l3, int ihl, int mtu, ByteBufAllocator alloc) {
        int base = frame.readerIndex();
        int quote = Math.min(QUOTE_V4, frame.readableBytes() - l3);
        ByteBuf r = alloc.directBuffer(l3 + 28 + quote);
        swappedEthernet(frame, l3, r);
        int ip = r.writerIndex();
        r.writeByte(0x45).writeByte(0xC0).writeShort(28 + quote).writeShort(0).writeShort(0).writeByte(64).writeByte(1)
                .writeShort(0);
        r.writeBytes(frame, base + l3 + 16, 4); // from the destination it could not reach
        r.writeBytes(frame, base + l3 + 12, 4); // to the sender
        r.setShort(ip + 10, ~Segments.fold(Segments.sum(r, ip, 20)) & 0xFFFF);
        int icmp = r.writerIndex();
        r.writeByte(3).writeByte(4).writeShort(0).writeShort(0).writeShort(mtu);
        r.writeBytes(frame, base + l3, quote);
        r.setShort(icmp + 2, ~Segments.fold(Segments.sum(r, icmp, 8 + quote)) & 0xFFFF);
        return r;
    }

    private static ByteBuf icmp6(ByteBuf frame, int l3, int mtu, ByteBufAllocator alloc) {
        int base = frame.readerIndex();
        int quote = Math.min(QUOTE_V6, frame.readableBytes() - l3);
        ByteBuf r = alloc.directBuffer(l3 + 48 + quote);
        swappedEthernet(frame, l3, r);
        int ip = r.writerIndex();
        r.writeInt(0x60000000).writeShort(8 + quote).writeByte(58).writeByte(64);
        r.writeBytes(frame, base + l3 + 24, 16);
        r.writeBytes(frame, base + l3 + 8, 16);
        int icmp = r.writerIndex();
        r.writeByte(2).writeByte(0).writeShort(0).writeInt(mtu);
        r.writeBytes(frame, base + l3, quote);
        long pseudo = Segments.sum(r, ip + 8, 32) + 8 + quote + 58;
        r.setShort(icmp + 2, ~Segments.fold(pseudo + Segments.sum(r, icmp, 8 + quote)) & 0xFFFF);
        return r;
    }

    private static boolean fragment(Port out, int vni, ByteBuf frame, long offload, int l3, int ihl, int mtu,
                                    ByteBufAllocator alloc) {
        int base = frame.readerIndex();
        int total = Math.min(frame.getUnsignedShort(base + l3 + 2), frame.readableBytes() - l3);
        int chunk = (mtu - ihl) / 8 * 8;
        if (chunk <= 0 || total <= ihl) {
            return false;
        }
        ByteBuf whole = frame;
        if (Offload.needsChecksum(offload)) { // fragments cannot have their checksum completed later
            whole = alloc.directBuffer(frame.readableBytes()).writeBytes(frame, base, frame.readableBytes());
            Segments.completeChecksum(whole, Offload.csumStart(offload), Offload.csumOffset(offload));
        }
        try {
            int wb = whole.readerIndex();
            int flags = whole.getUnsignedShort(wb + l3 + 6);
            int offset0 = (flags & 0x1FFF) * 8;
            for (int off = 0; off < total - ihl; off += chunk) {
                int len = Math.min(chunk, total - ihl - off);
                boolean last = off + len >= total - ihl;
                ByteBuf f = alloc.directBuffer(l3 + ihl + len);
                f.writeBytes(whole, wb, l3 + ihl);
                f.writeBytes(whole, wb + l3 + ihl + off, len);
                f.setShort(l3 + 2, ihl + len);
                int mf = last ? flags & IPV4_MF : IPV4_MF;
                f.setShort(l3 + 6, mf | ((offset0 + off) / 8));
                f.setShort(l3 + 10, 0);
                f.setShort(l3 + 10, ~Segments.fold(Segments.sum(f, l3, ihl)) & 0xFFFF);
                out.send(vni, f);
            }
            return true;
        } finally {
            if (whole != frame) {
                whole.release();
            }
        }
    }
}
