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
 * The last handler of an identified link: frames to the forwarder, keepalives both ways, and
 * the peer's capabilities (offloaded frames, largest frame).
 */
final class LinkHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(LinkHandler.class.getName());

    private final LinkPort link;
    private final Forwarder forwarder;
    private final Runnable onClosed;
    private final long probeMs;
    private ScheduledFuture<?> probes;

    LinkHandler(LinkPort link, Forwarder forwarder, Runnable onClosed, long probeMs) {
        this.link = link;
        this.forwarder = forwarder;
        this.onClosed = onClosed;
        this.probeMs = probeMs;
    }

    /** Probes the round trip every keepalive interval, busy or idle: a peer that echoes lets the link measure it. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        probes = ctx.executor().scheduleAtFixedRate(() -> {
            link.drain(ctx.channel()); // a safety net: nothing waits longer than a probe interval for a trigger
            if (link.peerEchoes(ctx.channel())) {
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
            Records.Capabilities c = Records.Capabilities.parse(h.hostId());
            if (c != null) {
                link.peerCapabilities(ctx.channel(), c);
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The connection takes more again: what waits for the link goes out. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            link.drain(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent e) {
            if (e.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(Records.keepalive(ctx.alloc(), System.nanoTime()), ctx.voidPromise());
            } else if (e.state() == IdleState.READER_IDLE) {
                LOG.log(Level.WARNING, "link " + link.spec().id() + ": peer " + link.spec().peerHost()
                        + " silent past the keepalive timeout; closing");
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
        if (link.detach(ctx.channel())) {
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
