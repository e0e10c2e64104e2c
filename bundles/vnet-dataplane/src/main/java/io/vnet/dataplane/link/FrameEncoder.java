package io.vnet.dataplane.link;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/** Puts the FRAME record header in front of an outgoing frame, without copying the frame. */
@Sharable
public final class FrameEncoder extends MessageToMessageEncoder<Records.FrameRecord> {
    public static final FrameEncoder INSTANCE = new FrameEncoder();

    private FrameEncoder() {
        super(Records.FrameRecord.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Records.FrameRecord msg, List<Object> out) {
        out.add(Records.frameHeader(ctx.alloc(), msg.vni(), msg.frame().readableBytes(), msg.offload()));
        out.add(msg.frame());
    }
}
