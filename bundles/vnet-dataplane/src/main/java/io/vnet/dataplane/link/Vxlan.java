package io.vnet.dataplane.link;

import io.netty.buffer.ByteBuf;

/**
 * The VXLAN header (RFC 7348), 8 bytes before the inner Ethernet frame:
 * <pre>
 *   u8  flags    0x08: the VNI is valid (the I flag); the other bits are reserved, sent as 0
 *   u24 reserved
 *   u24 VNI
 *   u8  reserved
 * </pre>
 * A datagram for VNI {@value #PROBE_VNI} (no network has it) is a liveness probe between two
 * agents, not a frame: its body is exactly {@value #PROBE_BODY} bytes,
 * <pre>
 *   u32 magic    0x564E5052 ("VNPR")
 *   u8  kind     1: a probe, 2: the echo of one
 *   u24 zero
 *   u64 clock    the prober's monotonic clock in nanoseconds, echoed unchanged
 * </pre>
 * A kernel VXLAN peer has no device for that VNI and drops it unanswered.
 */
public final class Vxlan {
    public static final int HEADER = 8;
    public static final int FLAG_VNI = 0x08;
    public static final int DEFAULT_PORT = 4789;
    /** What encapsulation costs an inner IP packet over an IPv4 underlay: outer IP, UDP, VXLAN, inner Ethernet. */
    public static final int OVERHEAD = 20 + 8 + HEADER + 14;

    /** The VNI of liveness probes: no network has it (a network's VNI is 1 or more). */
    public static final int PROBE_VNI = 0;
    /** The bytes after the VXLAN header of a probe or an echo. */
    public static final int PROBE_BODY = 16;
    static final int PROBE_MAGIC = 0x564E5052;
    static final int PROBE = 1;
    static final int ECHO = 2;

    private Vxlan() {
    }

    public static void writeHeader(ByteBuf out, int vni) {
        out.writeInt(FLAG_VNI << 24);
        out.writeInt(vni << 8);
    }

    /** True if the datagram at its reader index starts with a header whose I flag is set. */
    public static boolean valid(ByteBuf in) {
        return in.readableBytes() >= HEADER && (in.getUnsignedByte(in.readerIndex()) & FLAG_VNI) != 0;
    }

    public static int vni(ByteBuf in) {
        return in.getInt(in.readerIndex() + 4) >>> 8;
    }

    /** Writes a whole probe ({@code echo} false) or echo datagram: the header for {@link #PROBE_VNI}, then the body. */
    public static void writeProbe(ByteBuf out, boolean echo, long clock) {
        writeHeader(out, PROBE_VNI);
        out.writeInt(PROBE_MAGIC);
        out.writeInt((echo ? ECHO : PROBE) << 24);
        out.writeLong(clock);
    }

    /**
     * The kind of the probe datagram at {@code in}'s reader index ({@link #PROBE} or {@link #ECHO}),
     * or 0 if it is not a well-formed one: not exactly a header and {@value #PROBE_BODY} bytes, a
     * wrong magic, an unknown kind, or reserved bytes that are not zero.
     */
    static int probeKind(ByteBuf in) {
        if (in.readableBytes() != HEADER + PROBE_BODY) {
            return 0;
        }
        int at = in.readerIndex() + HEADER;
        if (in.getInt(at) != PROBE_MAGIC) {
            return 0;
        }
        int word = in.getInt(at + 4);
        int kind = word >>> 24;
        return (word & 0xFF_FFFF) == 0 && (kind == PROBE || kind == ECHO) ? kind : 0;
    }

    /** The clock a probe or echo carries (check {@link #probeKind} first). */
    static long probeClock(ByteBuf in) {
        return in.getLong(in.readerIndex() + HEADER + 8);
    }
}
