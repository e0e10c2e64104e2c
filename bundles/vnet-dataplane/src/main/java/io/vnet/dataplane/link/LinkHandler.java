package io.vnet.dataplane.link;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vnet.dataplane.forward.Forwarder;
import java.util.concurrent.TimeUnit;
import java.lang.System.Logger.Level;

/**
 * The last handler of an identified link's connection: frames to the forwarder, keepalives both
 * ways, and, on the session's first connection (lane 0), the peer's capabilities (offloaded
 * frames, largest frame, lanes) and keepalive round trips. A further lane's connection carries
 * frames and keepalives only; its end ends the lane, not the link.
 */
final class LinkHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(LinkHandler.class.getName());

    private final LinkPort link;
    private final int lane;
    private final Forwarder forwarder;
    private final Runnable onClosed;
    private final java.util.function.BiConsumer<io.netty.channel.Channel, Records.Capabilities> onCapabilities;
    private final long probeMs;
    private ScheduledFuture<?> probes;

    /** For lane 0, the session's first connection, without a lane offer to act on. */
    LinkHandler(LinkPort link, Forwarder forwarder, Runnable onClosed, long probeMs) {
        this(link, 0, forwarder, onClosed, (ch, c) -> link.peerCapabilities(ch, c), probeMs);
    }

    /**
     * @param lane           the lane this connection carries (0: the session's first)
     * @param onClosed       run when the connection closed while it still carried that lane
     * @param onCapabilities what the peer said it reads (lane 0 only)
     */
    LinkHandler(LinkPort link, int lane, Forwarder forwarder, Runnable onClosed,
                java.util.function.BiConsumer<io.netty.channel.Channel, Records.Capabilities> onCapabilities,
                long probeMs) {
        this.link = link;
        this.lane = lane;
        this.forwarder = forwarder;
        this.onClosed = onClosed;
        this.onCapabilities = onCapabilities;
        this.probeMs = probeMs;
    }

    /** Probes the round trip every keepalive interval, busy or idle: a peer that echoes lets the link measure it. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        probes = ctx.executor().scheduleAtFixedRate(() -> {
            link.drain(lane, ctx.channel()); // a safety net: nothing waits longer than a probe interval for a trigger
            if (lane == 0 && link.peerEchoes(ctx.channel())) {
                ctx.writeAndFlush(Records.keepalive(ctx.alloc(), System.nanoTime()), ctx.voidPromise());
            }
        }, Math.min(probeMs, 200), probeMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (probes != null) {
            probes.cancel(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Records.FrameRecord f) {
            link.counters().in(f.frame().readableBytes());
            forwarder.forward(link, f.vni(), f.frame(), f.offload());
        } else if (msg instanceof Records.Keepalive k) {
            if (k.echo()) {
                link.roundTrip(ctx.channel(), System.nanoTime() - k.nanos());
            } else if (link.peerEchoes(ctx.channel())) {
                ctx.writeAndFlush(Records.echo(ctx.alloc(), k.nanos()), ctx.voidPromise());
            }
        } else if (msg instanceof Records.Hello h) {
            Records.Capabilities c = lane == 0 ? Records.Capabilities.parse(h.hostId()) : null;
            if (c != null) {
                onCapabilities.accept(ctx.channel(), c);
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The connection takes more again: what waits for the link goes out. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            link.drain(lane, ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent e) {
            if (e.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(Records.keepalive(ctx.alloc(), System.nanoTime()), ctx.voidPromise());
            } else if (e.state() == IdleState.READER_IDLE) {
                LOG.log(Level.WARNING, "link " + link.spec().id() + (lane == 0 ? "" : " lane " + lane) + ": peer "
                        + link.spec().peerHost() + " silent past the keepalive timeout; closing");
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (probes != null) {
            probes.cancel(false);
        }
        if (lane == 0 ? link.detach(ctx.channel()) : link.detachLane(lane, ctx.channel())) {
            onClosed.run();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.WARNING, "link " + link.spec().id() + " (peer " + link.spec().peerHost() + "): "
                + cause.getMessage() + "; closing");
        ctx.close();
    }
}
