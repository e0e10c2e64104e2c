package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;

/** Reading Ethernet header fields in place, without copying. */
public final class Frames {
    public static final int ETH_HEADER = 14;

    private Frames() {
    }

    public static long dst(ByteBuf frame) {
        int i = frame.readerIndex();
        return ((long) frame.getUnsignedShort(i) << 32) | frame.getUnsignedInt(i + 2);
    }

    public static long src(ByteBuf frame) {
        int i = frame.readerIndex() + 6;
        return ((long) frame.getUnsignedShort(i) << 32) | frame.getUnsignedInt(i + 2);
    }
}
