package io.vnet.dataplane.link;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vnet.api.DropReason;
import io.vnet.dataplane.forward.PortCounters;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Identifies the peer of a new connection. The dialling side says hello first and expects
 * its configured peer to answer; the accepting side waits for a hello naming a host that one
 * of its accepting links expects, and answers. Anything else before the hello is garbage: it
 * is counted and the connection closed. Once identified, the connection becomes its link.
 * A further connection of a link's session (a lane) says a join instead ({@link Records.Join}):
 * the accepting side takes it only into the live session whose token it presents, with the
 * certificate of that session's first connection.
 */
final class HelloHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(HelloHandler.class.getName());
    static final long HELLO_TIMEOUT_MS = 5000;

    private final String myHost;
    private final LinkPort dialled;
    private final Function<String, LinkPort> acceptor;
    private final PortCounters unidentified;
    private final Links links;
    /** For a dialled lane: its index (0: the session's first connection) and the session's token. */
    private final int lane;
    private final String token;
    private ScheduledFuture<?> timeout;

    /** For a connection we dialled for {@code link}. */
    static HelloHandler dialling(Links links, LinkPort link) {
        return new HelloHandler(links, link, null, 0, null);
    }

    /** For a connection we dialled to join lane {@code lane} of {@code link}'s session {@code token}. */
    static HelloHandler joining(Links links, LinkPort link, int lane, String token) {
        return new HelloHandler(links, link, null, lane, token);
    }

    /** For an accepted connection; {@code acceptor} maps a host id to its accepting link. */
    static HelloHandler accepting(Links links, Function<String, LinkPort> acceptor) {
        return new HelloHandler(links, null, acceptor, 0, null);
    }

    private HelloHandler(Links links, LinkPort dialled, Function<String, LinkPort> acceptor, int lane, String token) {
        this.links = links;
        this.myHost = links.hostId();
        this.dialled = dialled;
        this.acceptor = acceptor;
        this.unidentified = links.listenerCounters();
        this.lane = lane;
        this.token = token;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (dialled != null) {
            ctx.writeAndFlush(lane == 0 ? Records.hello(ctx.alloc(), myHost)
                    : Records.join(ctx.alloc(), new Records.Join(lane, token, myHost)));
        }
        timeout = ctx.executor().schedule(() -> {
            counters().drop(DropReason.UNIDENTIFIED);
            LOG.log(Level.WARNING, "closing connection " + describe(ctx) + ": no hello within " + HELLO_TIMEOUT_MS + " ms");
            ctx.close();
        }, HELLO_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    private PortCounters counters() {
        return dialled != null ? dialled.counters() : unidentified;
    }

    private String describe(ChannelHandlerContext ctx) {
        return (dialled != null ? "of link " + dialled.spec().id() + (lane > 0 ? " lane " + lane : "") + " to " : "from ")
                + ctx.channel().remoteAddress();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Records.Hello hello)) {
            if (msg instanceof Records.FrameRecord f) {
                f.frame().release(); // a frame record holds a slice of the read buffer
            } else {
                ReferenceCountUtil.release(msg);
            }
            counters().drop(DropReason.UNIDENTIFIED);
            LOG.log(Level.WARNING, "closing connection " + describe(ctx) + ": data before hello");
            ctx.close();
            return;
        }
        Records.Join join = null;
        if (dialled == null) {
            try {
                join = Records.Join.parse(hello.hostId());
            } catch (IllegalArgumentException e) {
                counters().drop(DropReason.UNIDENTIFIED);
                links.refused();
                LOG.log(Level.WARNING, "refused connection " + describe(ctx) + ": " + e.getMessage());
                ctx.close();
                return;
            }
        }
        String claimed = join != null ? join.hostId() : hello.hostId();
        String certified = io.vnet.protocol.Tls.peerId(ctx.channel());
        if (certified != null && !certified.equals(claimed)) {
            counters().drop(DropReason.UNIDENTIFIED);
            links.refused();
            LOG.log(Level.WARNING, "refused connection " + describe(ctx) + ": it says it is host '" + claimed
                    + "' but its certificate names '" + certified + "'");
            ctx.close();
            return;
        }
        String badCertificate = links.certificateRefusal(ctx.channel());
        if (badCertificate != null) {
            counters().drop(DropReason.UNIDENTIFIED);
            links.refused();
            LOG.log(Level.WARNING, "refused connection " + describe(ctx) + " (host '" + claimed + "'): "
                    + badCertificate);
            ctx.close();
            return;
        }
        LinkPort link;
        if (dialled != null) {
            if (!dialled.spec().peerHost().equals(hello.hostId())) {
                counters().drop(DropReason.UNIDENTIFIED);
                LOG.log(Level.WARNING, "link " + dialled.spec().id() + ": " + ctx.channel().remoteAddress()
                        + " says it is host '" + hello.hostId() + "', expected '" + dialled.spec().peerHost() + "'; closing");
                ctx.close();
                return;
            }
            link = dialled;
            if (lane > 0) {
                cancelTimeout();
                if (link.attachLane(lane, ctx.channel(), token)) {
                    links.identified(ctx.channel(), link);
                    ctx.pipeline().replace(this, "link", links.laneHandler(link, lane, token));
                }
                return;
            }
        } else {
            link = acceptor.apply(claimed);
            if (link == null) {
                links.refused();
                unidentified.drop(DropReason.UNIDENTIFIED);
                LOG.log(Level.WARNING, "refused connection from " + ctx.channel().remoteAddress() + ": host '"
                        + claimed + "' is not the peer of any accepting link");
                ctx.close();
                return;
            }
            if (join != null) {
                accept(ctx, link, join);
                return;
            }
            String busy = link.refusal(ctx.channel());
            if (busy != null) {
                links.refused();
                unidentified.drop(DropReason.UNIDENTIFIED);
                LOG.log(Level.WARNING, "refused connection from " + ctx.channel().remoteAddress() + ": " + busy);
                ctx.close();
                return;
            }
            ctx.writeAndFlush(Records.hello(ctx.alloc(), myHost));
        }
        cancelTimeout();
        if (!link.attach(ctx.channel())) {
            links.refused();
            return;
        }
        links.identified(ctx.channel(), link);
        ctx.pipeline().replace(this, "link", links.linkHandler(link));
        // what this daemon reads (a version-1 peer ignores it), and lanes to join if it offers them
        ctx.writeAndFlush(Records.capabilities(ctx.alloc(), links.capabilities(link, ctx.channel())), ctx.voidPromise());
    }

    /** An accepted connection asks to join a lane of {@code link}'s session. */
    private void accept(ChannelHandlerContext ctx, LinkPort link, Records.Join join) {
        String why = link.joinRefusal(ctx.channel(), join.lane(), join.session());
        if (why != null) {
            links.refused();
            unidentified.drop(DropReason.UNIDENTIFIED);
            LOG.log(Level.WARNING, "refused connection from " + ctx.channel().remoteAddress() + ": " + why);
            ctx.close();
            return;
        }
        cancelTimeout();
        ctx.writeAndFlush(Records.hello(ctx.alloc(), myHost));
        if (link.attachLane(join.lane(), ctx.channel(), join.session())) {
            links.identified(ctx.channel(), link);
            ctx.pipeline().replace(this, "link", links.laneHandler(link, join.lane(), join.session()));
        }
    }

    /** The connection said its hello (or went): the hello deadline no longer applies. */
    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimeout();
        if (dialled != null) {
            if (lane == 0) {
                links.scheduleReconnect(dialled);
            } else {
                links.laneClosed(dialled, lane, token);
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof javax.net.ssl.SSLException || cause instanceof io.netty.handler.codec.DecoderException
                && cause.getCause() instanceof javax.net.ssl.SSLException) {
            counters().drop(DropReason.UNIDENTIFIED);
            LOG.log(Level.WARNING, "refused connection " + describe(ctx) + ": TLS handshake failed: " + root.getMessage());
        } else {
            LOG.log(Level.WARNING, "connection " + describe(ctx) + ": " + cause.getMessage() + "; closing");
        }
        ctx.close();
    }
}
