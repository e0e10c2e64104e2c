package io.vnet.dataplane.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Link records as raw bytes, and reading back what a decoder channel produced. */
final class RecordBytes {
    static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

    private RecordBytes() {
    }

    /** An Ethernet frame (or a runt) of {@code length} bytes: broadcast dst, a unicast src, then a counting pattern. */
    static byte[] ethernet(int length) {
        byte[] f = new byte[length];
        for (int i = 0; i < length; i++) {
            f[i] = i < 6 ? (byte) 0xFF : i == 6 ? 0x02 : i == 11 ? 0x01 : i < 12 ? 0 : (byte) (i * 7);
        }
        return f;
    }

    static byte[] frame(int vni, byte[] ethernet) {
        ByteBuf h = Records.frameHeader(ALLOC, vni, ethernet.length);
        return concat(take(h), ethernet);
    }

    static byte[] hello(String host) {
        return take(Records.hello(ALLOC, host));
    }

    static byte[] keepalive(long nanos) {
        return take(Records.keepalive(ALLOC, nanos));
    }

    /** A record with arbitrary header fields. */
    static byte[] raw(long length, int version, int type, byte[] body) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt((int) length).writeByte(version).writeByte(type).writeBytes(body);
        return take(b);
    }

    static byte[] take(ByteBuf b) {
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * Everything the channel decoded, described as strings ("hello h", "keepalive n",
     * "frame vni <hex>"); frames are released.
     */
    static List<String> drain(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            out.add(describe(o));
        }
        return out;
    }

    static String describe(Object o) {
        if (o instanceof Records.FrameRecord f) {
            try {
                return "frame " + f.vni() + " " + ByteBufUtil.hexDump(f.frame());
            } finally {
                f.frame().release();
            }
        }
        if (o instanceof Records.Hello h) {
            return "hello " + h.hostId();
        }
        if (o instanceof Records.Keepalive k) {
            return "keepalive " + k.nanos();
        }
        throw new AssertionError("unexpected " + o);
    }

    static String frameText(int vni, byte[] ethernet) {
        return "frame " + vni + " " + ByteBufUtil.hexDump(ethernet);
    }
}
