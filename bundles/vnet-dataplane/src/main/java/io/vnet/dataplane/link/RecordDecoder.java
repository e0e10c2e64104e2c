package io.vnet.dataplane.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.vnet.api.DropReason;
import io.vnet.dataplane.forward.Frames;
import io.vnet.dataplane.forward.Offload;
import io.vnet.dataplane.forward.PortCounters;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits the TCP byte stream into records. A runt frame is dropped and counted; a record that
 * breaks the format (too long, unknown version or type, malformed) is counted and the
 * connection is closed with a log line naming the peer, since the stream cannot be trusted.
 */
public final class RecordDecoder extends ByteToMessageDecoder {
    private static final System.Logger LOG = System.getLogger(RecordDecoder.class.getName());
    /** The largest frame a version-2 record carries: a 64 KB IP packet with Ethernet and VLAN headers. */
    static final int MAX_SEGMENT_FRAME = 65535 + 18;

    private final int maxRecord;
    private final int maxOffloadRecord;
    private volatile PortCounters counters;
    private volatile String who;
    private boolean broken;

    /**
     * @param maxFrame the largest Ethernet frame accepted
     * @param counters where drops are counted until {@link #countTo} names the link
     * @param who      how log lines name this connection
     */
    public RecordDecoder(int maxFrame, PortCounters counters, String who) {
        this.maxRecord = maxFrame + Records.FRAME_OVERHEAD;
        this.maxOffloadRecord = Math.max(maxFrame, MAX_SEGMENT_FRAME) + Records.FRAME_OVERHEAD
                + Records.OFFLOAD_DESCRIPTOR;
        this.counters = counters;
        this.who = who;
    }

    /** From now on, count drops on {@code c} and name the connection {@code name}. */
    public void countTo(PortCounters c, String name) {
        this.counters = c;
        this.who = name;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // one record per call, so that Netty hands each decoded record down the pipeline (where
        // the hello may change who this connection is) before the next one is read
        if (!broken && in.readableBytes() >= 6) {
            int start = in.readerIndex();
            long length = in.getUnsignedInt(start);
            int version = in.getUnsignedByte(start + 4);
            int type = in.getUnsignedByte(start + 5);
            int max = version == Records.VERSION_OFFLOAD ? maxOffloadRecord : maxRecord;
            if (length > max) {
                fail(ctx, in, DropReason.OVERSIZE, "record length " + length + " exceeds the maximum " + max);
                return;
            }
            if (length < 2) {
                fail(ctx, in, DropReason.MALFORMED, "record length " + length + " is below the minimum 2");
                return;
            }
            if (version != Records.VERSION && !(version == Records.VERSION_OFFLOAD && type == Records.TYPE_FRAME)) {
                fail(ctx, in, DropReason.BAD_VERSION, "record version " + version + " of type " + type
                        + " (this daemon speaks " + Records.VERSION + ", and " + Records.VERSION_OFFLOAD + " for frames)");
                return;
            }
            if (type > Records.TYPE_KEEPALIVE) {
                fail(ctx, in, DropReason.BAD_TYPE, "unknown record type " + type);
                return;
            }
            if (in.readableBytes() < 4 + length) {
                return;
            }
            int body = (int) length - 2;
            int bodyStart = start + 6;
            in.readerIndex(bodyStart + body);
            switch (type) {
                case Records.TYPE_FRAME -> {
                    int descriptor = version == Records.VERSION_OFFLOAD ? Records.OFFLOAD_DESCRIPTOR : 0;
                    int frameLen = body - 3 - descriptor;
                    if (frameLen < Frames.ETH_HEADER) {
                        counters.drop(DropReason.RUNT);
                        return;
                    }
                    long offload = Offload.NONE;
                    if (descriptor > 0) {
                        offload = Offload.readWire(in, bodyStart + 3);
                        String bad = Offload.invalid(offload, frameLen);
                        if (bad != null) {
                            fail(ctx, in, DropReason.MALFORMED, "frame with a bad offload descriptor: " + bad);
                            return;
                        }
                        if (!Offload.isGso(offload) && frameLen > maxRecord - Records.FRAME_OVERHEAD) {
                            counters.drop(DropReason.OVERSIZE); // only a GSO segment may exceed the maximum frame
                            return;
                        }
                    }
                    int vni = in.getUnsignedMedium(bodyStart);
                    out.add(new Records.FrameRecord(vni, in.retainedSlice(bodyStart + 3 + descriptor, frameLen), offload));
                }
                case Records.TYPE_HELLO -> {
                    if (body < 1 || body > Records.MAX_HELLO) {
                        fail(ctx, in, DropReason.MALFORMED, "malformed hello of " + body + " bytes");
                        return;
                    }
                    out.add(new Records.Hello(in.toString(bodyStart, body, StandardCharsets.UTF_8)));
                }
                default -> {
                    if (body != 8 && body != 16) {
                        fail(ctx, in, DropReason.MALFORMED, "malformed keepalive of " + body + " bytes");
                        return;
                    }
                    out.add(new Records.Keepalive(in.getLong(bodyStart), body == 16));
                }
            }
        }
        if (broken) {
            in.skipBytes(in.readableBytes());
        }
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, DropReason reason, String what) {
        broken = true;
        counters.drop(reason);
        in.skipBytes(in.readableBytes());
        LOG.log(Level.WARNING, "closing " + who + " from " + ctx.channel().remoteAddress() + ": " + what);
        ctx.close();
    }
}
