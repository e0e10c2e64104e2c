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
 */
public final class Vxlan {
    public static final int HEADER = 8;
    public static final int FLAG_VNI = 0x08;
    public static final int DEFAULT_PORT = 4789;
    /** What encapsulation costs an inner IP packet over an IPv4 underlay: outer IP, UDP, VXLAN, inner Ethernet. */
    public static final int OVERHEAD = 20 + 8 + HEADER + 14;

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
}
