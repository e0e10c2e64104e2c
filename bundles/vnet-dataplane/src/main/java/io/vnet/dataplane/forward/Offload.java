package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;

/**
 * What the kernel left undone in a frame read from a TAP with offloads on: a checksum to
 * complete and/or a large TCP segment to cut into MSS-sized packets (the Linux virtio_net_hdr).
 * It travels beside the frame as one packed {@code long}, so the hot path allocates nothing;
 * {@link #NONE} (0) means an ordinary frame with every checksum done.
 * <pre>
 *   bits  0-3   flags        1 NEEDS_CSUM, 2 DATA_VALID, 4 RSC_INFO
 *   bits  4-7   gso type     0 none, 1 TCPv4, 3 UDP, 4 TCPv6, 5 UDP_L4 (bits 4-6), | 0x80 ECN (bit 7)
 *   bits  8-23  gso size     the MSS of the segments to cut
 *   bits 24-39  csum start   offset of the L4 header in the frame
 *   bits 40-55  csum offset  where, from csum start, the checksum field is
 *   bits 56-63  hdr len      length of the headers (capped at 255; a hint only)
 * </pre>
 * The three 16-bit fields are kept whole, as the header carries them; to make room, flags and
 * GSO type keep only the bits virtio defines. A header with any other flag or GSO type bit set,
 * or a field beyond its 16 bits, packs to {@link #MALFORMED}, which {@link #invalid} refuses: such
 * a frame is dropped as malformed, never forwarded with a descriptor that says something else.
 */
public final class Offload {
    public static final long NONE = 0;
    /**
     * What {@link #of} returns for a descriptor it cannot carry whole (flag bit 3 is set, which
     * no packed descriptor has). Its fields are meaningless; {@link #invalid} refuses it.
     */
    public static final long MALFORMED = -1L;
    public static final int F_NEEDS_CSUM = 1;
    public static final int F_DATA_VALID = 2;
    public static final int F_RSC_INFO = 4;
    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    public static final int GSO_UDP_L4 = 5;
    public static final int GSO_ECN = 0x80;
    /**
     * The smallest segment size honoured: Linux never sends a TCP MSS below 48 (TCP_MIN_SND_MSS),
     * and a smaller one from a peer would have one frame cut into a storm of segments.
     */
    public static final int MIN_GSO_SIZE = 48;
    /** Bytes of struct virtio_net_hdr (without num_buffers). */
    public static final int VIRTIO_HDR = 10;

    private Offload() {
    }

    /** The flag bits virtio defines; a descriptor with another one set is {@link #MALFORMED}. */
    private static final int KNOWN_FLAGS = F_NEEDS_CSUM | F_DATA_VALID | F_RSC_INFO;
    /** The GSO type bits that can be packed: the type (0-7) and ECN. */
    private static final int KNOWN_GSO_BITS = 0x07 | GSO_ECN;

    /**
     * Packs a descriptor, or returns {@link #MALFORMED} if a field does not fit: a flag or GSO
     * type bit virtio does not define, or a size or offset outside 0-65535. {@code hdrLen} is
     * capped at 255.
     */
    public static long of(int flags, int gsoType, int gsoSize, int csumStart, int csumOffset, int hdrLen) {
        if ((flags & ~KNOWN_FLAGS | gsoType & ~KNOWN_GSO_BITS | (gsoSize | csumStart | csumOffset | hdrLen) & ~0xFFFF)
                != 0) {
            return MALFORMED;
        }
        long gso = gsoType & 0x07 | (gsoType & GSO_ECN) >>> 4;
        return flags | gso << 4 | (long) gsoSize << 8 | (long) csumStart << 24 | (long) csumOffset << 40
                | (long) Math.min(hdrLen, 255) << 56;
    }

    public static int flags(long o) {
        return (int) (o & 0x0F);
    }

    public static int gsoType(long o) {
        int gso = (int) (o >>> 4 & 0x0F);
        return gso & 0x07 | (gso & 0x08) << 4;
    }

    public static int gsoSize(long o) {
        return (int) (o >>> 8 & 0xFFFF);
    }

    public static int csumStart(long o) {
        return (int) (o >>> 24 & 0xFFFF);
    }

    public static int csumOffset(long o) {
        return (int) (o >>> 40 & 0xFFFF);
    }

    public static int hdrLen(long o) {
        return (int) (o >>> 56 & 0xFF);
    }

    public static boolean needsChecksum(long o) {
        return (flags(o) & F_NEEDS_CSUM) != 0;
    }

    public static boolean isGso(long o) {
        return (gsoType(o) & ~GSO_ECN) != GSO_NONE;
    }

    /** Whether a port that carries only ordinary frames must first segment or checksum this one. */
    public static boolean hasWork(long o) {
        return isGso(o) || needsChecksum(o);
    }

    /**
     * Reads a virtio_net_hdr (little-endian, as the tun driver writes it on little-endian hosts)
     * at {@code at}. A GSO type this daemon does not segment but virtio defines is returned as
     * it is, for {@link #invalid} to refuse; a header that cannot be packed whole is {@link #MALFORMED}.
     */
    public static long readVirtio(ByteBuf b, int at) {
        return of(b.getUnsignedByte(at), b.getUnsignedByte(at + 1), b.getUnsignedShortLE(at + 4),
                b.getUnsignedShortLE(at + 6), b.getUnsignedShortLE(at + 8), b.getUnsignedShortLE(at + 2));
    }

    /** Writes {@code o} as a virtio_net_hdr (little-endian) at the writer index. */
    public static void writeVirtio(ByteBuf b, long o) {
        b.writeByte(flags(o));
        b.writeByte(gsoType(o));
        b.writeShortLE(hdrLen(o));
        b.writeShortLE(gsoSize(o));
        b.writeShortLE(csumStart(o));
        b.writeShortLE(csumOffset(o));
    }

    /** Writes {@code o} in the link record's byte order (big-endian, same field order). */
    public static void writeWire(ByteBuf b, long o) {
        b.writeByte(flags(o));
        b.writeByte(gsoType(o));
        b.writeShort(hdrLen(o));
        b.writeShort(gsoSize(o));
        b.writeShort(csumStart(o));
        b.writeShort(csumOffset(o));
    }

    /** Reads what {@link #writeWire} wrote, at {@code at}. */
    public static long readWire(ByteBuf b, int at) {
        return of(b.getUnsignedByte(at), b.getUnsignedByte(at + 1), b.getUnsignedShort(at + 4),
                b.getUnsignedShort(at + 6), b.getUnsignedShort(at + 8), b.getUnsignedShort(at + 2));
    }

    /**
     * Why a peer-supplied descriptor cannot be honoured for a frame of {@code frameLength}
     * bytes, or null if it can: it must have been packed whole (not {@link #MALFORMED}), the
     * checksum must lie inside the frame, the GSO type be one this daemon segments and the
     * segment size at least {@link #MIN_GSO_SIZE}.
     */
    public static String invalid(long o, int frameLength) {
        if (o == NONE) {
            return null;
        }
        if (o == MALFORMED) {
            return "a flag or GSO type bit virtio does not define, or a field beyond 16 bits";
        }
        int gso = gsoType(o) & ~GSO_ECN;
        if (gso != GSO_NONE && gso != GSO_TCPV4 && gso != GSO_TCPV6) {
            return "unsupported GSO type " + gsoType(o);
        }
        if (gso != GSO_NONE && gsoSize(o) < MIN_GSO_SIZE) {
            return "GSO segment size " + gsoSize(o) + " below " + MIN_GSO_SIZE;
        }
        if (needsChecksum(o) && csumStart(o) + csumOffset(o) + 2 > frameLength) {
            return "checksum at " + csumStart(o) + "+" + csumOffset(o) + " outside a " + frameLength + "-byte frame";
        }
        if (gso != GSO_NONE && !needsChecksum(o)) {
            return "GSO without NEEDS_CSUM";
        }
        return null;
    }

    public static String describe(long o) {
        if (o == NONE) {
            return "none";
        }
        if (o == MALFORMED) {
            return "malformed";
        }
        return "flags " + flags(o) + " gso " + gsoType(o) + "/" + gsoSize(o) + " csum " + csumStart(o) + "+"
                + csumOffset(o);
    }
}
