package io.vnet.manager.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vnet.api.Endpoint;
import io.vnet.manager.ClusterService;
import io.vnet.protocol.ManagerProtocol;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This manager's connections to the other managers of its cluster: one to each live member (the
 * cluster's view, looked at every {@link #reconcile}), on its agents' port, with this manager's
 * certificate; the first message says who it is ({@link PeerMessage.Hello}). A manager sends on its
 * own connection and reads on the ones the others opened, so each direction has one.
 *
 * <p>Bounded: a connection buffers at most {@value #HIGH_WATER} bytes; a relayed report that
 * would go beyond is dropped and counted (the next one comes a report interval later), control
 * messages (hello, VMs, parts, what a host applied) are always written.
 */
final class PeerLinks implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PeerLinks.class.getName());
    static final int HIGH_WATER = 8 << 20;
    static final int LOW_WATER = 4 << 20;

    private final ClusterService cluster;
    private final io.vnet.protocol.Tls tls;
    private final EventLoopGroup group;
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder notConnected = new LongAdder();

    private static final class Peer {
        final String id;
        final Endpoint address;
        volatile Channel channel;
        volatile boolean connecting;
        volatile boolean closed;

        Peer(String id, Endpoint address) {
            this.id = id;
            this.address = address;
        }
    }

    PeerLinks(ClusterService cluster, io.vnet.protocol.Tls tls, EventLoopGroup group) {
        this.cluster = cluster;
        this.tls = tls;
        this.group = group;
    }

    /** Opens links to live members it has none to, and closes those to managers no longer live. */
    void reconcile() {
        Set<String> live = new TreeSet<>();
        for (ClusterService.Member m : cluster.members()) {
            if (m.id().equals(cluster.self())) {
                continue;
            }
            live.add(m.id());
            Endpoint address;
            try {
                address = Endpoint.parse(m.agentAddress());
            } catch (IllegalArgumentException e) {
                continue; // the store checked it when it was written; a bad one reaches nobody
            }
            Peer p = peers.get(m.id());
            if (p == null || !p.address.equals(address)) {
                if (p != null) {
                    close(p);
                }
                p = new Peer(m.id(), address);
                peers.put(m.id(), p);
            }
            Channel ch = p.channel;
            if ((ch == null || !ch.isActive()) && !p.connecting) {
                connect(p);
            }
        }
        for (Peer p : peers.values()) {
            if (!live.contains(p.id)) {
                peers.remove(p.id);
                close(p);
                LOG.log(Level.INFO, "cluster: manager " + p.id + " is no longer live; its link closed");
            }
        }
    }

    private void connect(Peer p) {
        p.connecting = true;
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER, HIGH_WATER))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            tls.addClient(ch, p.address.host(), p.address.port());
                        }
                        ManagerProtocol.addCodec(ch.pipeline());
                        ch.pipeline().addLast("peer", new SimpleChannelInboundHandler<Object>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                // the peer sends on its own connection; nothing is expected here
                            }

                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                                if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent e && e.isSuccess()) {
                                    String why = notAManager(ctx.channel());
                                    if (why != null) {
                                        LOG.log(Level.WARNING, "cluster: manager " + p.id + " at " + p.address + ": " + why
                                                + "; closing");
                                        ctx.close();
                                    }
                                }
                                super.userEventTriggered(ctx, evt);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                LOG.log(Level.WARNING, "cluster: link to manager " + p.id + ": " + cause.getMessage());
                                ctx.close();
                            }
                        });
                    }
                })
                .connect(p.address.host(), p.address.port())
                .addListener((ChannelFuture f) -> {
                    p.connecting = false;
                    if (!f.isSuccess()) {
                        LOG.log(Level.DEBUG, "cluster: manager " + p.id + " at " + p.address + " unreachable: "
                                + f.cause().getMessage());
                        return;
                    }
                    if (p.closed) {
                        f.channel().close();
                        return;
                    }
                    f.channel().writeAndFlush(new PeerMessage.Hello(cluster.self(), PeerMessage.PROTOCOL).toJson());
                    p.channel = f.channel();
                    LOG.log(Level.INFO, "cluster: linked to manager " + p.id + " at " + p.address);
                });
    }

    /** Why the certificate on {@code ch} is not a manager's (null: it is), for both ends of a link. */
    static String notAManager(Channel ch) {
        try {
            io.vnet.protocol.CertIdentity id = io.vnet.protocol.Tls.peerIdentity(ch);
            if (id == null) {
                return "no TLS: managers link only over mutual TLS";
            }
            return io.vnet.protocol.CertIdentity.MANAGER.equals(id.role()) ? null
                    : "its certificate is a " + id.role() + "'s (" + id + "), not a manager's";
        } catch (IllegalArgumentException e) {
            return "its certificate is not a VNET manager's: " + e.getMessage();
        }
    }

    private static void close(Peer p) {
        p.closed = true;
        Channel ch = p.channel;
        if (ch != null) {
            ch.close();
        }
    }

    /**
     * Sends {@code msg} to manager {@code peer}; whether it was written. A {@code droppable} message is
     * dropped (counted) when the link's buffer is full.
     */
    boolean send(String peer, ObjectNode msg, boolean droppable) {
        Peer p = peers.get(peer);
        Channel ch = p == null ? null : p.channel;
        if (ch == null || !ch.isActive()) {
            notConnected.increment();
            return false;
        }
        if (droppable && !ch.isWritable()) {
            dropped.increment();
            return false;
        }
        ch.writeAndFlush(msg, ch.voidPromise());
        sent.increment();
        return true;
    }

    /** Sends {@code msg} to every linked manager. */
    void broadcast(ObjectNode msg) {
        for (String id : peers.keySet()) {
            send(id, msg, false);
        }
    }

    /** The managers linked now. */
    Set<String> linked() {
        Set<String> out = new TreeSet<>();
        peers.forEach((id, p) -> {
            Channel ch = p.channel;
            if (ch != null && ch.isActive()) {
                out.add(id);
            }
        });
        return out;
    }

    long sent() {
        return sent.sum();
    }

    /** Relayed reports dropped because a link's buffer was full. */
    long dropped() {
        return dropped.sum();
    }

    /** Messages for a manager this one has no open link to. */
    long notConnected() {
        return notConnected.sum();
    }

    @Override
    public void close() {
        peers.values().forEach(PeerLinks::close);
        peers.clear();
    }
}
