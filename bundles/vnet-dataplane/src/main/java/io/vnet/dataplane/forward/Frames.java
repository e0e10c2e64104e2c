package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;

/** Reading Ethernet header fields in place, without copying. */
public final class Frames {
    public static final int ETH_HEADER = 14;
    public static final int ETH_P_IPV4 = 0x0800;
    public static final int ETH_P_IPV6 = 0x86DD;
    public static final int ETH_P_VLAN = 0x8100;
    public static final int ETH_P_ARP = 0x0806;
    public static final int ETH_P_RARP = 0x8035;
    /** IP's protocol numbers (the IPv4 protocol, the IPv6 next header) of TCP and UDP. */
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    /** The Ethernet/IPv4 ARP (and RARP) body: htype, ptype, hlen, plen, op, sha, spa, tha, tpa. */
    public static final int ARP_BODY = 28;

    /** The shortest Ethernet frame without its FCS; shorter frames are padded to it. */
    public static final int MIN_FRAME = 60;

    private Frames() {
    }

    /**
     * Writes the announcement a hypervisor makes a VM send after a migration, as QEMU does: a
     * broadcast RARP "request reverse" whose sender and target hardware addresses are the VM's
     * {@code mac}, IPv4 addresses zero, padded to {@link #MIN_FRAME} bytes.
     */
    public static ByteBuf rarpAnnouncement(io.netty.buffer.ByteBufAllocator alloc, long mac) {
        ByteBuf f = alloc.buffer(MIN_FRAME);
        f.writeShort(0xFFFF).writeInt(0xFFFF_FFFF);           // destination: broadcast
        f.writeShort((int) (mac >>> 32)).writeInt((int) mac); // source: the VM
        f.writeShort(ETH_P_RARP);
        f.writeShort(1).writeShort(ETH_P_IPV4).writeByte(6).writeByte(4).writeShort(3);
        f.writeShort((int) (mac >>> 32)).writeInt((int) mac).writeInt(0); // sha, spa
        f.writeShort((int) (mac >>> 32)).writeInt((int) mac).writeInt(0); // tha, tpa
        f.writeZero(MIN_FRAME - f.writerIndex());
        return f;
    }

    public static long dst(ByteBuf frame) {
        int i = frame.readerIndex();
        return ((long) frame.getUnsignedShort(i) << 32) | frame.getUnsignedInt(i + 2);
    }

    /** Where the IP header starts: after the Ethernet header and its VLAN tag, if any (relative to the reader index). */
    public static int l3Offset(ByteBuf frame) {
        return frame.getUnsignedShort(frame.readerIndex() + 12) == ETH_P_VLAN ? ETH_HEADER + 4 : ETH_HEADER;
    }

    /** The EtherType of the payload: after the VLAN tag, if any. */
    public static int etherType(ByteBuf frame, int l3Offset) {
        if (frame.readableBytes() < l3Offset) {
            return -1;
        }
        return frame.getUnsignedShort(frame.readerIndex() + l3Offset - 2);
    }

    /**
     * Whether this frame, of EtherType {@code type} with its ARP body at {@code l3Offset}, is
     * a VM announcing where it is, as a hypervisor makes it do after a migration: a gratuitous
     * ARP (request or reply whose sender IP is its target IP, not 0.0.0.0) or a RARP request
     * (QEMU's announcement), whose sender hardware address is the Ethernet source {@code src}.
     */
    public static boolean isAnnouncement(ByteBuf frame, int type, int l3Offset, long src) {
        if (type != ETH_P_ARP && type != ETH_P_RARP) {
            return false;
        }
        if (frame.readableBytes() < l3Offset + ARP_BODY) {
            return false;
        }
        int i = frame.readerIndex() + l3Offset;
        if (frame.getUnsignedShort(i) != 1 || frame.getUnsignedShort(i + 2) != ETH_P_IPV4
                || frame.getUnsignedByte(i + 4) != 6 || frame.getUnsignedByte(i + 5) != 4) {
            return false;
        }
        long sha = ((long) frame.getUnsignedShort(i + 8) << 32) | frame.getUnsignedInt(i + 10);
        if (sha != src) {
            return false;
        }
        int op = frame.getUnsignedShort(i + 6);
        if (type == ETH_P_RARP) {
            return op == 3; // request reverse
        }
        if (op != 1 && op != 2) {
            return false;
        }
        int spa = frame.getInt(i + 14);
        return spa != 0 && spa == frame.getInt(i + 24);
    }

    public static long src(ByteBuf frame) {
        int i = frame.readerIndex() + 6;
        return ((long) frame.getUnsignedShort(i) << 32) | frame.getUnsignedInt(i + 2);
    }
}
