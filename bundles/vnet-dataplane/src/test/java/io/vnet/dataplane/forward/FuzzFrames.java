package io.vnet.dataplane.forward;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Ethernet frames and offload descriptors made from fuzz data for the data plane's fuzz tests:
 * addresses from a few that matter to the forwarder (two VMs, broadcast, multicast), an
 * EtherType from those the parsers look at (or any), and whatever bytes the fuzzer chose after
 * them, so that IP, TCP, UDP and ARP headers are as hostile as it likes.
 */
final class FuzzFrames {
    static final long VM1 = EthFrames.mac("02:00:00:00:00:01");
    static final long VM2 = EthFrames.mac("02:00:00:00:00:02");
    private static final long[] MACS = {VM1, VM2, EthFrames.mac("02:00:00:00:00:03"), EthFrames.BCAST,
            EthFrames.mac("01:00:5e:00:00:01"), EthFrames.mac("33:33:00:00:00:01")};
    private static final int[] TYPES = {Frames.ETH_P_IPV4, Frames.ETH_P_IPV6, Frames.ETH_P_ARP, Frames.ETH_P_RARP,
            0x8100, 0x88A8};

    // header bytes the fuzzer should try (a dictionary; characters below 0x80 are single bytes)
    /** IPv4, 20-byte header, then TOS 0. */
    static final String IPV4 = "E\u0000";
    /** IPv4 flags and fragment offset: don't fragment. */
    static final String DF = "@\u0000";
    static final String TCP = "\u0006";
    static final String UDP = "\u0011";
    /** TCP data offset 5 (20 bytes) and ACK. */
    static final String TCP_ACK = "P\u0010";
    /** IPv6, traffic class and flow label 0. */
    static final String IPV6 = "`\u0000\u0000\u0000";
    static final String ICMP6 = ":";

    private FuzzFrames() {
    }

    /** A frame of up to {@code max} bytes after its header; the caller owns it. */
    static ByteBuf frame(FuzzedDataProvider data, ByteBufAllocator alloc, int max) {
        long dst = data.pickValue(MACS);
        long src = data.consumeBoolean() ? data.pickValue(MACS) : data.consumeLong() & 0xFFFF_FFFF_FFFFL;
        int type = data.consumeBoolean() ? data.pickValue(TYPES) : data.consumeInt(0, 0xFFFF);
        byte[] rest = data.consumeBytes(data.consumeInt(0, max));
        int headerBytes = data.consumeInt(0, 14); // a runt now and then
        ByteBuf f = alloc.directBuffer(14 + rest.length);
        ByteBuf h = alloc.heapBuffer(14);
        h.writeShort((int) (dst >>> 32)).writeInt((int) dst).writeShort((int) (src >>> 32)).writeInt((int) src)
                .writeShort(type);
        f.writeBytes(h, 0, headerBytes);
        h.release();
        f.writeBytes(rest);
        return f;
    }

    /**
     * A well-formed TCP segment of one flow (VM1 to VM2) over IPv4 or IPv6, its fields and payload
     * chosen by the fuzzer, so that the coalescer and software segmentation get past their header
     * checks and the fuzzer can work on what lies behind them. The caller owns it.
     */
    static ByteBuf tcpSegment(FuzzedDataProvider data, ByteBufAllocator alloc, boolean v6, long seq, int payload) {
        byte[] bytes = data.consumeBytes(payload);
        int flags = data.pickValue(new int[] {0x10, 0x18, 0x10, 0x11, 0x12, 0x02, data.consumeInt(0, 0xFF)});
        int ttl = data.consumeInt(0, 255);
        ByteBuf f = alloc.directBuffer(14 + (v6 ? 40 : 20) + 20 + bytes.length);
        f.writeShort((int) (VM2 >>> 32)).writeInt((int) VM2).writeShort((int) (VM1 >>> 32)).writeInt((int) VM1);
        if (v6) {
            f.writeShort(Frames.ETH_P_IPV6).writeInt(0x6000_0000).writeShort(20 + bytes.length).writeByte(6).writeByte(ttl);
            f.writeLong(0xFD00_0000_0000_0000L).writeLong(1).writeLong(0xFD00_0000_0000_0000L).writeLong(2);
        } else {
            f.writeShort(Frames.ETH_P_IPV4).writeByte(0x45).writeByte(0).writeShort(40 + bytes.length);
            f.writeShort(data.consumeInt(0, 0xFFFF)).writeShort(data.consumeBoolean() ? 0x4000 : 0);
            f.writeByte(ttl).writeByte(6).writeShort(0).writeInt(0x0A00_0001).writeInt(0x0A00_0002);
        }
        f.writeShort(40000).writeShort(5201).writeInt((int) seq).writeInt(7).writeByte(0x50).writeByte(flags);
        f.writeShort(65535).writeShort(0).writeShort(0);
        f.writeBytes(bytes);
        return f;
    }

    /**
     * A TCP segment and the descriptor of a 64 KB send that the kernel left to be cut (GSO, checksum
     * to complete), as a TAP with offloads or a version-2 link record brings it.
     */
    static long gso(FuzzedDataProvider data, ByteBuf segment) {
        boolean v6 = segment.getUnsignedShort(segment.readerIndex() + 12) == Frames.ETH_P_IPV6;
        int l4 = v6 ? 54 : 34;
        return Offload.of(Offload.F_NEEDS_CSUM, v6 ? Offload.GSO_TCPV6 : Offload.GSO_TCPV4,
                data.consumeInt(Offload.MIN_GSO_SIZE, 9000), l4, 16, l4 + 20);
    }

    /**
     * An offload descriptor for a frame of {@code length} bytes, as a TAP or a peer might send
     * it, or {@link Offload#NONE}: only descriptors that the ingress checks let through
     * ({@link Offload#invalid} is null) reach the forwarder.
     */
    static long offload(FuzzedDataProvider data, int length) {
        if (!data.consumeBoolean()) {
            return Offload.NONE;
        }
        int gso = data.pickValue(new int[] {Offload.GSO_NONE, Offload.GSO_TCPV4, Offload.GSO_TCPV6,
                Offload.GSO_TCPV4 | Offload.GSO_ECN, Offload.GSO_TCPV6 | Offload.GSO_ECN});
        long o = Offload.of(data.consumeInt(0, 3), gso, data.consumeInt(0, 0xFFFF), data.consumeInt(0, 0xFFFF),
                data.consumeInt(0, 0xFFFF), data.consumeInt(0, 0xFFFF));
        return Offload.invalid(o, length) == null ? o : Offload.NONE;
    }
}
