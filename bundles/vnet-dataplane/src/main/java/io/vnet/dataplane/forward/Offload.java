package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;

/**
 * What the kernel left undone in a frame read from a TAP with offloads on: a checksum to
 * complete and/or a large TCP segment to cut into MSS-sized packets (the Linux virtio_net_hdr).
 * It travels beside the frame as one packed {@code long}, so the hot path allocates nothing;
 * {@link #NONE} (0) means an ordinary frame with every checksum done.
 * <pre>
 *   bits  0-7   flags        1 NEEDS_CSUM, 2 DATA_VALID
 *   bits  8-15  gso type     0 none, 1 TCPv4, 4 TCPv6, | 0x80 ECN
 *   bits 16-31  gso size     the MSS of the segments to cut
 *   bits 32-47  csum start   offset of the L4 header in the frame
 *   bits 48-55  csum offset  where, from csum start, the checksum field is
 *   bits 56-63  hdr len      length of the headers (capped at 255; a hint only)
 * </pre>
 */
public final class Offload {
    public static final long NONE = 0;
    public static final int F_NEEDS_CSUM = 1;
    public static final int F_DATA_VALID = 2;
    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_TCPV6 = 4;
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

    public static long of(int flags, int gsoType, int gsoSize, int csumStart, int csumOffset, int hdrLen) {
        return (flags & 0xFFL) | (gsoType & 0xFFL) << 8 | (gsoSize & 0xFFFFL) << 16 | (csumStart & 0xFFFFL) << 32
                | (csumOffset & 0xFFL) << 48 | (Math.min(hdrLen, 255) & 0xFFL) << 56;
    }

    public static int flags(long o) {
        return (int) (o & 0xFF);
    }

    public static int gsoType(long o) {
        return (int) (o >>> 8 & 0xFF);
    }

    public static int gsoSize(long o) {
        return (int) (o >>> 16 & 0xFFFF);
    }

    public static int csumStart(long o) {
        return (int) (o >>> 32 & 0xFFFF);
    }

    public static int csumOffset(long o) {
        return (int) (o >>> 48 & 0xFF);
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
     * at {@code at}. Unknown GSO types are returned as they are, for the caller to refuse.
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
     * bytes, or null if it can: the checksum must lie inside the frame, the GSO type be one
     * this daemon segments and the segment size at least {@link #MIN_GSO_SIZE}.
     */
    public static String invalid(long o, int frameLength) {
        if (o == NONE) {
            return null;
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
        return "flags " + flags(o) + " gso " + gsoType(o) + "/" + gsoSize(o) + " csum " + csumStart(o) + "+"
                + csumOffset(o);
    }
}
