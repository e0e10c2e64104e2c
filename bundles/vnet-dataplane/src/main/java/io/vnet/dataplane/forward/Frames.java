package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;

/** Reading Ethernet header fields in place, without copying. */
public final class Frames {
    public static final int ETH_HEADER = 14;
    public static final int ETH_P_IPV4 = 0x0800;
    public static final int ETH_P_IPV6 = 0x86DD;
    public static final int ETH_P_VLAN = 0x8100;

    private Frames() {
    }

    public static long dst(ByteBuf frame) {
        int i = frame.readerIndex();
        return ((long) frame.getUnsignedShort(i) << 32) | frame.getUnsignedInt(i + 2);
    }

    /** Where the IP header starts: after the Ethernet header and its VLAN tag, if any (relative to the reader index). */
    public static int l3Offset(ByteBuf frame) {
        return frame.getUnsignedShort(frame.readerIndex() + 12) == ETH_P_VLAN ? ETH_HEADER + 4 : ETH_HEADER;
    }

    public static long src(ByteBuf frame) {
        int i = frame.readerIndex() + 6;
        return ((long) frame.getUnsignedShort(i) << 32) | frame.getUnsignedInt(i + 2);
    }
}
