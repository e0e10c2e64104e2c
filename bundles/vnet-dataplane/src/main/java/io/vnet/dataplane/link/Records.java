package io.vnet.dataplane.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The TCP link record format, version 1. Every record is
 * <pre>
 *   u32 length   bytes after this field (at least 2)
 *   u8  version  1
 *   u8  type     0 FRAME, 1 HELLO, 2 KEEPALIVE
 *   FRAME:     u24 VNI, then the Ethernet frame (length - 5 bytes)
 *   HELLO:     the sender's host id in UTF-8 (length - 2 bytes)
 *   KEEPALIVE: u64 the sender's monotonic clock in nanoseconds
 * </pre>
 * All integers are big-endian.
 */
public final class Records {
    public static final int VERSION = 1;
    public static final int TYPE_FRAME = 0;
    public static final int TYPE_HELLO = 1;
    public static final int TYPE_KEEPALIVE = 2;
    /** Bytes before the frame in a FRAME record: length, version, type, VNI. */
    public static final int FRAME_HEADER = 9;
    /** Bytes of a FRAME record counted by its length field beside the frame itself. */
    public static final int FRAME_OVERHEAD = 5;

    private Records() {
    }

    /** A decoded FRAME record; the receiver owns {@code frame}. */
    public record FrameRecord(int vni, ByteBuf frame) {
    }

    public record Hello(String hostId) {
    }

    public record Keepalive(long nanos) {
    }

    public static ByteBuf frameHeader(ByteBufAllocator alloc, int vni, int frameLength) {
        ByteBuf h = alloc.directBuffer(FRAME_HEADER);
        h.writeInt(frameLength + FRAME_OVERHEAD);
        h.writeByte(VERSION);
        h.writeByte(TYPE_FRAME);
        h.writeMedium(vni);
        return h;
    }

    public static ByteBuf hello(ByteBufAllocator alloc, String hostId) {
        byte[] id = hostId.getBytes(StandardCharsets.UTF_8);
        ByteBuf b = alloc.buffer(6 + id.length);
        b.writeInt(2 + id.length);
        b.writeByte(VERSION);
        b.writeByte(TYPE_HELLO);
        b.writeBytes(id);
        return b;
    }

    public static ByteBuf keepalive(ByteBufAllocator alloc, long nanos) {
        ByteBuf b = alloc.buffer(14);
        b.writeInt(10);
        b.writeByte(VERSION);
        b.writeByte(TYPE_KEEPALIVE);
        b.writeLong(nanos);
        return b;
    }
}
