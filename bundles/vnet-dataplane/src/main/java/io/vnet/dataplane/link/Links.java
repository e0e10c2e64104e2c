package io.vnet.dataplane.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.vnet.api.Endpoint;
import io.vnet.api.LinkSpec;
import io.vnet.api.PortStats;
import io.vnet.dataplane.forward.Forwarder;
import io.vnet.protocol.Tls;
import io.vnet.dataplane.forward.PortCounters;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The daemon's overlay links: the listening socket that accepts peers, the dialling side with
 * capped exponential reconnect backoff, and the pipeline every connection gets: (TLS,)
 * flush consolidation, idle detection, record decoder, frame encoder, hello, then the link
 * handler.
 */
public final class Links implements LinkTransport, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Links.class.getName());
    /** At most this many flushes are merged into one. */
    static final int FLUSH_BATCH = 64;

    private final String hostId;
    private final Endpoint listen;
    private final int maxFrame;
    private final Duration keepalive;
    /** How long a silent peer is kept before its connection is closed. */
    private volatile Duration timeout;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final EventLoopGroup group;
    /**
     * How much a link may hold that its socket has not taken yet (Netty's outbound buffer): above
     * {@code high} the link is congested and frames wait in its {@link FairQueue}. Smaller buffers
     * (64/256 KiB with {@code TCP_NOTSENT_LOWAT} 128 KiB) were measured (BENCHMARKS.md, issue 16):
     * fairer, but a single flow then loses frames at the link where the tests expect none, and the
     * ping under load did not improve; sizing them from the link's rate and RTT is still to do.
     */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(1 << 20, 4 << 20);

    private final Class<? extends Channel> channelClass;
    private final Class<? extends ServerChannel> serverClass;
    private final Forwarder forwarder;
    private final Map<String, LinkPort> links = new ConcurrentHashMap<>();
    private final Map<LinkPort, Backoff> backoffs = new ConcurrentHashMap<>();
    private final Map<LinkPort, Boolean> connecting = new ConcurrentHashMap<>();
    private final PortCounters listenerCounters = new PortCounters();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile Channel server;
    private volatile Tls tls;
    private volatile io.netty.util.concurrent.ScheduledFuture<?> revocationCheck;
    private volatile boolean readsOffloads = true;
    /** Connections per link session this daemon dials or takes (1: one). */
    private volatile int lanes = 1;
    private final Map<String, Backoff> laneBackoffs = new ConcurrentHashMap<>();
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    public Links(String hostId, Endpoint listen, int maxFrame, Duration keepalive, Duration backoffMin,
                 Duration backoffMax, EventLoopGroup group, Class<? extends Channel> channelClass,
                 Class<? extends ServerChannel> serverClass, Forwarder forwarder) {
        this.hostId = hostId;
        this.listen = listen;
        this.maxFrame = maxFrame;
        this.keepalive = keepalive;
        this.timeout = keepalive.multipliedBy(3);
        this.backoffMin = backoffMin;
        this.backoffMax = backoffMax;
        this.group = group;
        this.channelClass = channelClass;
        this.serverClass = serverClass;
        this.forwarder = forwarder;
    }

    String hostId() {
        return hostId;
    }

    PortCounters listenerCounters() {
        return listenerCounters;
    }

    void refused() {
        refused.incrementAndGet();
    }

    /** From now on, every TCP link uses mutual TLS with these contexts (call before {@link #start}). */
    public void useTls(Tls contexts) {
        this.tls = contexts;
    }

    /**
     * Whether this daemon tells its peers it reads offloaded (version-2) frames; if not, they
     * send it ordinary frames only (call before {@link #start}).
     */
    public void readOffloads(boolean on) {
        this.readsOffloads = on;
    }

    /**
     * How many connections (lanes) a link's session may have, 1 to {@link Records#MAX_LANES}: the
     * dialling side opens that many, at most as many as the accepting side offers, and each
     * frame goes on the lane its flow hashes to (call before {@link #start}). With several
     * event loops the lanes' connections are spread over them.
     */
    /**
     * A peer silent for {@code timeout} is dropped (its connection closed, then dialled again); 3
     * keepalives unless set. Applies to connections made from now on.
     */
    public void detectAfter(Duration timeout) {
        if (timeout.compareTo(keepalive.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("the detection time must be at least twice the keepalive");
        }
        this.timeout = timeout;
    }

    public void useLanes(int count) {
        if (count < 1 || count > Records.MAX_LANES) {
            throw new IllegalArgumentException("lanes " + count + ": expected 1.." + Records.MAX_LANES);
        }
        this.lanes = count;
    }

    Records.Capabilities capabilities() {
        return new Records.Capabilities(readsOffloads ? Records.VERSION_OFFLOAD : Records.VERSION, maxFrame, true);
    }

    /**
     * What this daemon says it reads on {@code ch}, the first connection of {@code link}'s new
     * session; an accepting link with lanes offers them with a fresh session token.
     */
    Records.Capabilities capabilities(LinkPort link, Channel ch) {
        Records.Capabilities base = capabilities();
        int n = lanes;
        if (link.spec().dials() || n < 2) {
            return base;
        }
        byte[] b = new byte[Records.TOKEN_CHARS / 2];
        RANDOM.nextBytes(b);
        String token = java.util.HexFormat.of().formatHex(b);
        if (!link.useLanes(ch, n, token)) {
            return base;
        }
        return new Records.Capabilities(base.version(), base.maxFrame(), base.echo(), n, token);
    }

    /** The peer on {@code ch} said what it reads; a dialling link takes the lanes it offers. */
    private void peerCapabilities(LinkPort link, Channel ch, Records.Capabilities c) {
        link.peerCapabilities(ch, c);
        int n = Math.min(lanes, c.lanes());
        if (!link.spec().dials() || n < 2 || !link.useLanes(ch, n, c.session())) {
            return;
        }
        LOG.log(Level.INFO, "link " + link.spec().id() + ": opening " + (n - 1) + " more connections to "
                + link.spec().peerHost() + " (" + n + " lanes, frames spread by flow)");
        for (int i = 1; i < n; i++) {
            connectLane(link, i, c.session());
        }
    }

    /**
     * Why the certificate of the peer on {@code ch} may hold no link, or null (also without TLS): it
     * is revoked, its subject is not a daemon's, or it is the manager's.
     */
    String certificateRefusal(Channel ch) {
        Tls t = tls;
        if (t == null) {
            return null;
        }
        String revoked = t.revokedPeer(ch);
        if (revoked != null) {
            t.revocations().countRefusal();
            return revoked;
        }
        try {
            io.vnet.protocol.CertIdentity id = Tls.peerIdentity(ch);
            if (io.vnet.protocol.CertIdentity.MANAGER.equals(id.role())) {
                return "its certificate is the manager's (" + id + "): a manager holds no links";
            }
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * Re-reads the deny list if it changed and closes at once every link session whose peer's
     * certificate it now revokes (each counted and logged); the dialling side reconnects and is
     * refused at the hello until the certificate is replaced.
     */
    void checkRevocations() {
        Tls t = tls;
        if (t != null && t.revocations().reloadIfChanged()) {
            closeRevoked(t);
        }
    }

    /**
     * The manager's deny list (SHA-256 fingerprints), besides this daemon's file: the sessions of
     * certificates it newly revokes are closed at once. Ignored without TLS.
     */
    public void revokedByManager(java.util.Collection<String> fingerprints) {
        Tls t = tls;
        if (t != null && t.revocations().push(fingerprints)) {
            closeRevoked(t);
        }
    }

    private void closeRevoked(Tls t) {
        for (LinkPort link : links.values()) {
            Channel ch = link.channel();
            String why = ch == null ? null : t.revokedPeer(ch);
            if (why != null) {
                t.revocations().countRefusal();
                LOG.log(Level.WARNING, "link " + link.spec().id() + ": closing the session with " + link.spec().peerHost()
                        + " from " + ch.remoteAddress() + ": " + why);
                ch.close();
            }
        }
    }

    /** Binds the listening socket, if this daemon accepts links. */
    public void start() throws IOException {
        Tls t = tls;
        if (t != null && t.revocations().file() != null) {
            revocationCheck = group.scheduleAtFixedRate(() -> {
                try {
                    checkRevocations();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "checking revoked certificates failed: " + e);
                }
            }, 1, 1, TimeUnit.SECONDS);
            LOG.log(Level.INFO, "revoked certificates: " + t.revocations().size() + " in " + t.revocations().file()
                    + ", re-read every second");
        }
        if (listen == null) {
            return;
        }
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(serverClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.incrementAndGet();
                        if (tls != null) {
                            tls.addServer(ch);
                        }
                        pipeline(ch, HelloHandler.accepting(Links.this, acceptingLink()));
                    }
                });
        ChannelFuture f = b.bind(new InetSocketAddress(listen.host(), listen.port())).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IOException("cannot listen for links on " + listen + ": " + f.cause().getMessage(), f.cause());
        }
        server = f.channel();
        LOG.log(Level.INFO, "accepting overlay links on " + server.localAddress());
    }

    public int listenPort() {
        Channel s = server;
        return s == null ? -1 : ((InetSocketAddress) s.localAddress()).getPort();
    }

    private Function<String, LinkPort> acceptingLink() {
        return host -> {
            for (LinkPort l : links.values()) {
                if (!l.spec().dials() && l.spec().peerHost().equals(host)) {
                    return l;
                }
            }
            return null;
        };
    }

    private void pipeline(Channel ch, HelloHandler hello) {
        long ka = keepalive.toMillis();
        ch.pipeline()
                // frames are written and flushed one by one (from TAP threads and event loops); this
                // turns the flushes of a burst into one, so a burst leaves in one write (one TLS record
                // per 16 KB rather than per frame)
                .addLast("flush", new FlushConsolidationHandler(FLUSH_BATCH, true))
                .addLast("idle", new IdleStateHandler(timeout.toMillis(), ka, 0, TimeUnit.MILLISECONDS))
                .addLast("decoder", new RecordDecoder(maxFrame, listenerCounters, "unidentified connection"))
                .addLast("encoder", FrameEncoder.INSTANCE)
                .addLast("hello", hello);
    }

    /** The connection {@code ch} now carries {@code link}. */
    void identified(Channel ch, LinkPort link) {
        ((RecordDecoder) ch.pipeline().get("decoder")).countTo(link.counters(), "link " + link.spec().id());
        Backoff b = backoffs.get(link);
        if (b != null) {
            b.reset();
        }
    }

    LinkHandler linkHandler(LinkPort link) {
        return new LinkHandler(link, 0, forwarder, () -> scheduleReconnect(link),
                (ch, c) -> peerCapabilities(link, ch, c), keepalive.toMillis());
    }

    /** The handler of lane {@code lane} of {@code link}'s session {@code token}, once joined. */
    LinkHandler laneHandler(LinkPort link, int lane, String token) {
        Backoff b = laneBackoffs.get(link.spec().id() + "/" + lane);
        if (b != null) {
            b.reset();
        }
        return new LinkHandler(link, lane, forwarder, () -> laneClosed(link, lane, token), (ch, c) -> { },
                keepalive.toMillis());
    }

    /**
     * Lane {@code lane} of a dialling link's session closed or could not join: it is dialled again
     * after its backoff delay while that session lasts (a new session starts its lanes afresh).
     */
    void laneClosed(LinkPort link, int lane, String token) {
        if (!link.spec().dials() || !link.sessionIs(token) || links.get(link.spec().id()) != link) {
            return;
        }
        long delay = laneBackoffs.computeIfAbsent(link.spec().id() + "/" + lane, k -> new Backoff(backoffMin, backoffMax))
                .nextDelayMs();
        group.schedule(() -> {
            if (link.sessionIs(token)) {
                connectLane(link, lane, token);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** Adds a link; {@link #open} starts connecting if it dials. */
    @Override
    public LinkPort add(LinkSpec spec) {
        LinkPort port = new LinkPort(spec);
        if (links.putIfAbsent(spec.id(), port) != null) {
            throw new IllegalArgumentException("link " + spec.id() + " exists already");
        }
        if (!spec.dials()) {
            for (LinkPort other : links.values()) {
                if (other != port && !other.spec().dials() && other.spec().peerHost().equals(spec.peerHost())) {
                    links.remove(spec.id());
                    throw new IllegalArgumentException("link " + spec.id() + ": link " + other.spec().id()
                            + " already accepts host " + spec.peerHost());
                }
            }
        }
        return port;
    }

    /** Starts a dialling link's first connection; call once the forwarder knows the port. */
    @Override
    public void open(OverlayLink link) {
        if (link instanceof LinkPort port && links.get(port.spec().id()) == port && port.spec().dials()) {
            connect(port);
        }
    }

    @Override
    public LinkPort remove(String id) {
        LinkPort port = links.remove(id);
        if (port != null) {
            port.close();
            backoffs.remove(port);
            laneBackoffs.keySet().removeIf(k -> k.startsWith(id + "/"));
        }
        return port;
    }

    @Override
    public LinkPort get(String id) {
        return links.get(id);
    }

    @Override
    public List<LinkPort> all() {
        List<LinkPort> out = new ArrayList<>(links.values());
        out.sort((a, b) -> a.spec().id().compareTo(b.spec().id()));
        return out;
    }

    private void connect(LinkPort link) {
        if (link.isClosed() || connecting.putIfAbsent(link, Boolean.TRUE) != null) {
            return;
        }
        Endpoint to = link.spec().connect();
        dial(to, group, () -> HelloHandler.dialling(Links.this, link)).addListener((ChannelFuture f) -> {
            connecting.remove(link);
            if (!f.isSuccess()) {
                LOG.log(Level.DEBUG, "link " + link.spec().id() + ": cannot reach " + to + ": " + f.cause().getMessage());
                scheduleReconnect(link);
            } else if (link.isClosed()) {
                f.channel().close();
            }
        });
    }

    /** Dials a further connection to join lane {@code lane} of {@code link}'s session {@code token}. */
    private void connectLane(LinkPort link, int lane, String token) {
        Endpoint to = link.spec().connect();
        dial(to, loopFor(lane), () -> HelloHandler.joining(Links.this, link, lane, token)).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                LOG.log(Level.DEBUG, "link " + link.spec().id() + " lane " + lane + ": cannot reach " + to + ": "
                        + f.cause().getMessage());
                laneClosed(link, lane, token);
            } else if (link.isClosed()) {
                f.channel().close();
            }
        });
    }

    /**
     * The event loop of a session's lane {@code lane}: the group's loops in turn, so that with as
     * many lanes as loops each loop sends and receives on one of them (the first connection's loop
     * is the group's choice, as any connection's).
     */
    private EventLoopGroup loopFor(int lane) {
        List<io.netty.util.concurrent.EventExecutor> loops = new ArrayList<>();
        group.forEach(loops::add);
        io.netty.util.concurrent.EventExecutor e = loops.isEmpty() ? null : loops.get(lane % loops.size());
        return e instanceof io.netty.channel.EventLoop loop ? loop : group;
    }

    /** Opens a connection to {@code to} on {@code loops} with the link pipeline ending in {@code hello}. */
    private ChannelFuture dial(Endpoint to, EventLoopGroup loops, java.util.function.Supplier<HelloHandler> hello) {
        Bootstrap b = new Bootstrap()
                .group(loops)
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            tls.addClient(ch, to.host(), to.port());
                        }
                        pipeline(ch, hello.get());
                    }
                });
        return b.connect(to.host(), to.port());
    }

    /** Dials again after the link's current backoff delay, which then doubles up to the cap. */
    void scheduleReconnect(LinkPort link) {
        if (!link.spec().dials() || link.isClosed() || links.get(link.spec().id()) != link) {
            return;
        }
        long delay = backoffs.computeIfAbsent(link, l -> new Backoff(backoffMin, backoffMax)).nextDelayMs();
        group.schedule(() -> connect(link), delay, TimeUnit.MILLISECONDS);
    }

    public PortStats listenerStats() {
        String state = server == null ? "not listening" : "listening on " + server.localAddress();
        Tls t = tls;
        String revoked = t == null ? "" : ", revoked certificates " + t.revocations().size()
                + " (refused or closed " + t.revocations().refusedPeers() + ", bad lines "
                + t.revocations().refusedEntries() + ")";
        return listenerCounters.snapshot("listener", "listener", state,
                "accepted " + accepted.get() + ", refused " + refused.get() + revoked);
    }

    @Override
    public void close() {
        io.netty.util.concurrent.ScheduledFuture<?> check = revocationCheck;
        if (check != null) {
            check.cancel(false);
        }
        for (String id : List.copyOf(links.keySet())) {
            remove(id);
        }
        Channel s = server;
        if (s != null) {
            s.close().awaitUninterruptibly();
        }
    }
}
