package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.vnet.api.MacAddress;

/** Builds real Ethernet frames (dst, src, EtherType, payload) for the tests. */
final class EthFrames {
    static final long BCAST = MacAddress.BROADCAST_BITS;

    private EthFrames() {
    }

    static long mac(String text) {
        return MacAddress.parse(text).bits();
    }

    static ByteBuf frame(ByteBufAllocator alloc, long dst, long src, int payload) {
        ByteBuf b = alloc.buffer(Frames.ETH_HEADER + payload);
        b.writeShort((int) (dst >>> 32)).writeInt((int) dst);
        b.writeShort((int) (src >>> 32)).writeInt((int) src);
        b.writeShort(0x0800);
        for (int i = 0; i < payload; i++) {
            b.writeByte(i);
        }
        return b;
    }

    static ByteBuf frame(long dst, long src) {
        return frame(UnpooledByteBufAllocator.DEFAULT, dst, src, 46);
    }
}
