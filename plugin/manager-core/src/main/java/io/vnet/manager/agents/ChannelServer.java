package io.vnet.manager.agents;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vnet.api.Endpoint;
import io.vnet.manager.TrafficListener;
import io.vnet.protocol.ManagerProtocol;
import io.vnet.protocol.messages.Ack;
import io.vnet.protocol.messages.AgentMessage;
import io.vnet.protocol.messages.Hello;
import io.vnet.protocol.messages.Report;
import io.vnet.protocol.messages.Revoked;
import io.vnet.protocol.messages.VmsUpdate;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The TCP port agents dial: hello, acknowledgements and traffic reports come in here. */
final class ChannelServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ChannelServer.class.getName());

    private final AgentSessions sessions;
    private final Supplier<List<TrafficListener>> listeners;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
            new DefaultThreadFactory("vnet-agent-channel", true), NioIoHandler.newFactory());
    /**
     * The message workers: once a connection said who it is (an agent's hello, another manager's), its messages
     * are parsed and acted on by one of them, in order, off the event loops, so that a loop's turn stays short
     * (TLS, framing) and a handshake, which needs several turns, finishes while thousands of agents report
     * ({@link ReadBacklog} bounds what waits for them). The hello itself is taken on the loop: behind the reports
     * that wait for a worker it would wait seconds.
     */
    private final io.netty.util.concurrent.EventExecutorGroup workers = new io.netty.util.concurrent.DefaultEventExecutorGroup(
            2, new DefaultThreadFactory("vnet-agent-messages", true));
    /** Times a connection stopped being read because its messages waited for the workers. */
    private final java.util.concurrent.atomic.LongAdder readPauses = new java.util.concurrent.atomic.LongAdder();
    private final Channel server;
    /** Without TLS: each host's enrolment token (HOST -> TOKEN). */
    private final java.util.Map<String, String> tokens;
    private final io.vnet.protocol.Tls tls;
    /** Every agent connection open now, for closing those whose certificate becomes revoked. */
    private final io.netty.channel.group.ChannelGroup open =
            new io.netty.channel.group.DefaultChannelGroup(io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);
    private final java.util.concurrent.atomic.AtomicLong refusedHellos = new java.util.concurrent.atomic.AtomicLong();
    /** Reports taken, and the time spent handing them to the traffic listeners (VTTIF, the loop's rates). */
    private final java.util.concurrent.atomic.LongAdder reports = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder reportNanos = new java.util.concurrent.atomic.LongAdder();
    private io.netty.util.concurrent.ScheduledFuture<?> revocationCheck;
    /** In a cluster: the other managers' links and the relay of agents' messages (null: a manager alone). */
    private volatile Relay relay;
    private volatile io.vnet.manager.ClusterService cluster;
    private final java.util.concurrent.atomic.AtomicLong refusedPeers = new java.util.concurrent.atomic.AtomicLong();
    /** The deny list's {@code changes()} last pushed to the agents. */
    private volatile long pushedChanges = -1;

    /**
     * @param tls    mutual TLS with the agents (their certificates name their host ids), or null
     * @param tokens without TLS, each host's enrolment token, which its hello must carry
     */
    ChannelServer(Endpoint listen, AgentSessions sessions, Supplier<List<TrafficListener>> listeners,
                  io.vnet.protocol.Tls tls, java.util.Map<String, String> tokens) throws IOException {
        this(listen, sessions, listeners, tls, tokens, null, Greetings.Limits.DEFAULTS);
    }

    /** Enrolments in flight at once (more are refused, counted): each runs the sign command. */
    static final int MAX_ENROLMENTS_QUEUED = 16;
    /** The largest message of a connection without a certificate (an enrol is under 2 KB). */
    static final int MAX_UNCERTIFIED_MESSAGE = 16 << 10;
    /** How long a connection without a certificate may stay without enrolling. */
    static final long UNCERTIFIED_SECONDS = 30;

    private final Enrolments enrolments;
    private final Greetings greetings;
    private final java.util.concurrent.ThreadPoolExecutor enrolling;
    private final java.util.concurrent.atomic.AtomicLong enrolmentsRefused = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong enrolled = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param enrolments with TLS (its client certificates optional, {@link io.vnet.protocol.Tls#load(io.vnet.protocol.Tls.Files, boolean)}):
     *                   a connection without a certificate may enrol, and do nothing else; null: none may
     */
    ChannelServer(Endpoint listen, AgentSessions sessions, Supplier<List<TrafficListener>> listeners,
                  io.vnet.protocol.Tls tls, java.util.Map<String, String> tokens, Enrolments enrolments,
                  Greetings.Limits greetingLimits) throws IOException {
        this.enrolments = enrolments;
        this.greetings = new Greetings(greetingLimits);
        this.enrolling = enrolments == null ? null : new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
                TimeUnit.MILLISECONDS, new java.util.concurrent.ArrayBlockingQueue<>(MAX_ENROLMENTS_QUEUED), r -> {
                    Thread t = new Thread(r, "vnet-enrol");
                    t.setDaemon(true);
                    return t;
                });
        this.tokens = tokens;
        this.tls = tls;
        this.sessions = sessions;
        this.listeners = listeners;
        ChannelFuture f = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Greetings.Place place = admit(ch);
                        if (place == null) {
                            return;
                        }
                        open.add(ch);
                        if (tls != null) {
                            tls.addServer(ch);
                        }
                        // on the loop until it said hello (SessionHandler#toWorkers)
                        ReadBacklog backlog = new ReadBacklog(readPauses);
                        ManagerProtocol.addCodec(ch.pipeline(), backlog, null);
                        ch.pipeline().addLast("session", new SessionHandler(place, backlog));
                        ch.eventLoop().schedule(() -> {
                            if (place.expire()) {
                                LOG.log(Level.DEBUG, "closing agent connection from " + ch.remoteAddress() + ": no hello"
                                        + " within " + greetings.limits().seconds() + " s");
                                ch.close();
                            }
                        }, greetings.limits().seconds(), TimeUnit.SECONDS);
                    }
                })
                .bind(new InetSocketAddress(listen.host(), listen.port())).awaitUninterruptibly();
        if (!f.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot listen for agents on " + listen + ": " + f.cause().getMessage(), f.cause());
        }
        server = f.channel();
        LOG.log(Level.INFO, "accepting agents on " + server.localAddress());
        if (tls != null && tls.revocations().file() != null) {
            revocationCheck = group.next().scheduleAtFixedRate(this::checkRevocations, 1, 1, TimeUnit.SECONDS);
            LOG.log(Level.INFO, "revoked certificates: " + tls.revocations().size() + " in " + tls.revocations().file()
                    + ", re-read every second");
        }
    }

    /**
     * A place among the greetings for a connection just accepted, or null: then it was closed at once (with a
     * reset, before any TLS work), counted, and the first refusal of a burst logged.
     */
    private Greetings.Place admit(Channel ch) {
        java.net.InetAddress from = ch.remoteAddress() instanceof InetSocketAddress isa ? isa.getAddress() : null;
        Greetings.Admission a = greetings.admit(from);
        if (a.place() != null) {
            return a.place();
        }
        long n = greetings.refused(Greetings.Refusal.BUSY) + greetings.refused(Greetings.Refusal.ADDRESS);
        if (n == 1 || n % 1000 == 0) {
            LOG.log(Level.WARNING, "closed a new agent connection from " + ch.remoteAddress() + " at once: " + (a.refusal()
                    == Greetings.Refusal.BUSY ? greetings.limits().max() + " connections are in their handshake or hello"
                    + " already (greetings.max)" : greetings.limits().perAddress() + " connections from its address are in"
                    + " their handshake or hello already (greetings.perAddress)") + "; it tries again after its backoff ("
                    + n + " closed so far)");
        }
        ch.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
        ch.close();
        return null;
    }

    /** The connections in their greeting (handshake and hello), and those refused or timed out. */
    Greetings greetings() {
        return greetings;
    }

    /**
     * Re-reads the deny list if it changed, and closes at once every agent connection whose
     * certificate it now revokes (counted and logged); the agent's reconnection is refused.
     */
    void checkRevocations() {
        try {
            boolean newlyRevoked = tls.revocations().reloadIfChanged();
            long changes = tls.revocations().changes();
            if (changes != pushedChanges) {
                pushedChanges = changes;
                int agents = 0;
                for (Channel ch : open) {
                    SessionHandler h = ch.pipeline().get(SessionHandler.class);
                    if (h != null && h.hostId != null) {
                        ch.writeAndFlush(revokedMessage());
                        agents++;
                    }
                }
                LOG.log(Level.INFO, "revoked certificates: " + tls.revocations().listed().size() + " pushed to " + agents
                        + " agent(s)");
            }
            if (!newlyRevoked) {
                return;
            }
            for (Channel ch : open) {
                String why = tls.revokedPeer(ch);
                if (why != null) {
                    tls.revocations().countRefusal();
                    LOG.log(Level.WARNING, "closing agent connection from " + ch.remoteAddress() + ": " + why + " ("
                            + tls.revocations().refusedPeers() + " refused or closed for revoked certificates)");
                    ch.close();
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "checking revoked certificates failed: " + e);
        }
    }

    /** The manager's deny list for the agents ({@link Revoked}). */
    private com.fasterxml.jackson.databind.node.ObjectNode revokedMessage() {
        return new Revoked(tls.revocations().listed().stream().sorted().toList()).toJson();
    }

    /**
     * Joins a cluster: agents' messages are relayed to the other managers, theirs taken from them, and only the
     * traffic of the networks {@code cluster} says this manager owns reaches the traffic listeners.
     */
    void cluster(io.vnet.manager.ClusterService cluster, Relay relay) {
        this.cluster = cluster;
        this.relay = relay;
    }

    /** The event loops of the channel (the cluster's links to the other managers run on them too). */
    EventLoopGroup group() {
        return group;
    }

    /** Connections that said they were managers and were refused (no manager's certificate, not a live member). */
    long refusedPeers() {
        return refusedPeers.get();
    }

    /** Enrolments refused (a bad token, too many at once, anything else a certless peer said), and enrolled hosts. */
    long enrolmentsRefused() {
        return enrolmentsRefused.get();
    }

    long enrolled() {
        return enrolled.get();
    }

    /** Hellos refused: bad host ids, certificates that do not fit, revoked certificates, no token. */
    long refusedHellos() {
        return refusedHellos.get();
    }

    /** Times a connection stopped being read because its messages waited for the message workers. */
    long readPauses() {
        return readPauses.sum();
    }

    /** Reports taken from agents. */
    long reports() {
        return reports.sum();
    }

    /** The time spent handing reports to the traffic listeners, in nanoseconds, summed. */
    long reportNanos() {
        return reportNanos.sum();
    }

    /** Agent connections open now (registered or not yet). */
    int openConnections() {
        return open.size();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private final class SessionHandler extends SimpleChannelInboundHandler<JsonNode> {
        /** The connection's place among the greetings, given back once it said who it is or closed. */
        private final Greetings.Place place;
        private volatile String hostId;
        /** A connection of another manager of the cluster (its id), once its hello was taken. */
        private volatile String peer;
        /** A connection without a certificate: it may send one enrol, nothing else. */
        private boolean uncertified;
        private boolean enrolSeen;

        private final ReadBacklog backlog;

        SessionHandler(Greetings.Place place, ReadBacklog backlog) {
            this.place = place;
            this.backlog = backlog;
        }

        /** The session of {@code greeted}, which said who it is, to go on on a worker. */
        private SessionHandler(SessionHandler greeted) {
            this(greeted.place, greeted.backlog);
            hostId = greeted.hostId;
            peer = greeted.peer;
        }

        /**
         * The connection said who it is: its next messages are decoded and taken by a worker (this handler and
         * the JSON decoder move there, in their places; the messages keep their order).
         */
        private void toWorkers(ChannelHandlerContext ctx) {
            if (ctx.executor() != ctx.channel().eventLoop()) {
                return; // there already
            }
            ChannelPipeline p = ctx.pipeline();
            ManagerProtocol.decodeOn(p, workers);
            p.remove(this);
            p.addLast(workers, "session", new SessionHandler(this));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            try {
                super.channelRead(ctx, msg);
            } finally {
                backlog.taken(ctx.channel());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent e && e.isSuccess()
                    && io.vnet.protocol.Tls.peerCertificate(ctx.channel()) == null) {
                // no certificate (only where enrolment is on): small messages, and a short while to enrol
                uncertified = true;
                place.done(); // its own deadline and the bound of enrolments govern it from here
                ctx.pipeline().replace("frame-decoder", "frame-decoder",
                        new io.netty.handler.codec.LengthFieldBasedFrameDecoder(MAX_UNCERTIFIED_MESSAGE, 0, 4, 0, 4));
                ctx.executor().schedule(() -> {
                    if (!enrolSeen) {
                        ctx.close();
                    }
                }, UNCERTIFIED_SECONDS, TimeUnit.SECONDS);
            }
            super.userEventTriggered(ctx, evt);
        }

        /** An enrol on a connection without a certificate: answered (enrolled or refused), then closed. */
        private void enrol(ChannelHandlerContext ctx, JsonNode msg) {
            if (enrolSeen) {
                ctx.close();
                return;
            }
            enrolSeen = true;
            place.done();
            String from = String.valueOf(ctx.channel().remoteAddress());
            if (enrolments == null || !uncertified) {
                refuseEnrolment(ctx, enrolments == null ? "this manager does not enrol hosts (no \"enrolment\" in its"
                        + " configuration)" : "a host with a certificate does not enrol", from);
                return;
            }
            io.vnet.protocol.messages.Enrol e;
            try {
                e = io.vnet.protocol.messages.Enrol.read(msg);
            } catch (IllegalArgumentException ex) {
                refuseEnrolment(ctx, ex.getMessage(), from);
                return;
            }
            try {
                enrolling.execute(() -> {
                    try {
                        io.vnet.protocol.messages.Enrolled done = enrolments.enrol(e, from);
                        enrolled.incrementAndGet();
                        ctx.writeAndFlush(done.toJson()).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                    } catch (Enrolments.Refused r) {
                        refuseEnrolment(ctx, r.getMessage(), from);
                    } catch (RuntimeException r) {
                        LOG.log(Level.WARNING, "enrolment from " + from + " failed", r);
                        refuseEnrolment(ctx, "the manager could not enrol the host now (" + r.getClass().getSimpleName()
                                + "); try again", from);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException busy) {
                refuseEnrolment(ctx, "the manager is enrolling " + MAX_ENROLMENTS_QUEUED + " hosts already; try again", from);
            }
        }

        private void refuseEnrolment(ChannelHandlerContext ctx, String why, String from) {
            LOG.log(Level.WARNING, "refused an enrolment from " + from + ": " + why + " (" + enrolmentsRefused.incrementAndGet()
                    + " refused)");
            ctx.writeAndFlush(new io.vnet.protocol.messages.Refused(why).toJson())
                    .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, JsonNode msg) {
            String type = msg.path("type").asText();
            if (peer != null) {
                try {
                    relay.fromPeer(peer, PeerMessage.read(msg));
                } catch (IllegalArgumentException e) {
                    LOG.log(Level.WARNING, "cluster: manager " + peer + " sent a message that is not valid: " + e.getMessage());
                }
                return;
            }
            if (hostId == null && PeerMessage.HELLO.equals(type)) {
                peerHello(ctx, msg);
                return;
            }
            if (hostId == null && ManagerProtocol.ENROL.equals(type)) {
                enrol(ctx, msg);
                return;
            }
            if (uncertified || enrolSeen) {
                LOG.log(Level.WARNING, "closing agent connection from " + ctx.channel().remoteAddress()
                        + ": without a certificate it may only enrol ('" + (type.length() > 20 ? type.substring(0, 20) : type)
                        + "')");
                enrolmentsRefused.incrementAndGet();
                ctx.close();
                return;
            }
            if (hostId == null && !ManagerProtocol.HELLO.equals(type)) {
                LOG.log(Level.WARNING, "closing agent connection from " + ctx.channel().remoteAddress()
                        + ": '" + type + "' before hello");
                ctx.close();
                return;
            }
            AgentMessage m = AgentMessage.read(msg); // what the manager cannot act on: refused, the connection closed
            if (m instanceof Hello hello) {
                String claimed = hello.hostId();
                String refusal = refusal(ctx, claimed, hello);
                if (refusal != null) {
                    LOG.log(Level.WARNING, "refused agent connection from " + ctx.channel().remoteAddress() + ": "
                            + refusal + " (" + refusedHellos.incrementAndGet() + " refused)");
                    // the agent logs and shows why; the connection closes once it is written, or at once if it cannot be
                    ctx.writeAndFlush(new io.vnet.protocol.messages.Refused(refusal).toJson())
                            .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                    return;
                }
                hostId = claimed;
                place.done();
                if (tls != null && tls.revocations().file() != null) {
                    ctx.writeAndFlush(revokedMessage());
                }
                io.vnet.protocol.CertIdentity identity = identity(ctx);
                sessions.hello(ctx.channel(), hello, identity)
                        .ifPresent(d -> ctx.writeAndFlush(AgentSessions.message(d)));
                Relay r = relay;
                if (r != null) {
                    r.hello(hostId, msg, identity, io.vnet.protocol.Tls.peerId(ctx.channel()) != null
                            ? io.vnet.manager.HostInfo.MUTUAL_TLS : io.vnet.manager.HostInfo.INSECURE,
                            ctx.channel().remoteAddress() instanceof InetSocketAddress isa
                                    ? isa.getAddress().getHostAddress() : null);
                    r.helloHere(hostId, hello.generation());
                }
                toWorkers(ctx); // last: what follows the hello goes to a worker
            } else if (m instanceof Ack ack) {
                sessions.ack(hostId, ack);
            } else if (m instanceof Report report) {
                deliver(hostId, report);
                Relay r = relay;
                if (r != null) {
                    r.report(hostId, msg);
                }
            } else if (m instanceof VmsUpdate update) {
                sessions.inventory(hostId, update.inventory(), true);
                Relay r = relay;
                if (r != null) {
                    r.vms(hostId, msg);
                }
            } else {
                LOG.log(Level.WARNING, "agent " + hostId + " sent unknown message type '" + type + "'");
            }
        }

        /**
         * Why a hello may not register {@code claimed}, or null: a host id must be valid, and the
         * certificate must name it (TLS) or the hello must carry its enrolment token (without TLS).
         */
        private String refusal(ChannelHandlerContext ctx, String claimed, Hello hello) {
            try {
                io.vnet.api.Ids.check("host id", claimed);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            if (hostId != null && !hostId.equals(claimed)) {
                return "it said hello as " + hostId + " before, now as " + claimed;
            }
            String incompatible = Hello.incompatible(hello.protocol(), hello.software());
            if (incompatible != null) {
                return "host " + claimed + ": " + incompatible;
            }
            String role = hello.role();
            if (!role.equals(io.vnet.protocol.CertIdentity.HOST) && !role.equals(io.vnet.protocol.CertIdentity.PROXY)) {
                return "host " + claimed + " says its role is '" + (role.length() > 20 ? role.substring(0, 20) + "..." : role)
                        + "'; expected host or proxy";
            }
            if (tls != null) {
                return certificateRefusal(ctx.channel(), claimed, role);
            }
            String expected = tokens.get(claimed);
            if (expected == null) {
                return "host " + claimed + " has no enrolment token in the manager's agentTokensFile";
            }
            return io.vnet.protocol.Secrets.matches(expected, hello.token()) ? null
                    : "host " + claimed + " did not give its enrolment token";
        }

        private io.vnet.protocol.CertIdentity identity(ChannelHandlerContext ctx) {
            try {
                return io.vnet.protocol.Tls.peerIdentity(ctx.channel());
            } catch (IllegalArgumentException e) {
                return null; // refused before: refusal() parsed it
            }
        }

        /**
         * Another manager's hello on this connection: taken when this manager is in a cluster, the connection's
         * certificate is a manager's and the cluster counts the sender live; else refused and closed.
         */
        private void peerHello(ChannelHandlerContext ctx, JsonNode msg) {
            String why;
            PeerMessage.Hello h = null;
            try {
                h = (PeerMessage.Hello) PeerMessage.read(msg);
                why = relay == null ? "this manager is not in a cluster" : PeerLinks.notAManager(ctx.channel());
                if (why == null && h.protocol() != PeerMessage.PROTOCOL) {
                    why = "it speaks the managers' protocol " + h.protocol() + ", this manager " + PeerMessage.PROTOCOL;
                }
                String id = h.managerId();
                if (why == null && cluster.members().stream().noneMatch(mb -> mb.id().equals(id))) {
                    why = "manager " + id + " is not a live member of the cluster";
                }
                if (why == null && id.equals(cluster.self())) {
                    why = "it says it is this manager (" + id + ")";
                }
            } catch (IllegalArgumentException | ClassCastException e) {
                why = e.getMessage();
            }
            if (why != null) {
                LOG.log(Level.WARNING, "refused a manager's connection from " + ctx.channel().remoteAddress() + ": " + why
                        + " (" + refusedPeers.incrementAndGet() + " refused)");
                ctx.close();
                return;
            }
            peer = h.managerId();
            place.done();
            toWorkers(ctx);
            LOG.log(Level.INFO, "cluster: manager " + peer + " linked from " + ctx.channel().remoteAddress());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            place.done();
            if (peer != null) {
                LOG.log(Level.WARNING, "cluster: manager " + peer + "'s link closed; its agents are gone until they"
                        + " say hello again");
                relay.peerGone(peer);
            }
            if (hostId != null) {
                boolean wasItsChannel = sessions.onChannel(hostId, ctx.channel());
                sessions.closed(hostId, ctx.channel());
                Relay r = relay;
                if (r != null && wasItsChannel) {
                    r.gone(hostId);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            boolean tlsFailure = cause instanceof javax.net.ssl.SSLException || cause.getCause() instanceof javax.net.ssl.SSLException;
            LOG.log(Level.WARNING, (tlsFailure ? "refused agent connection " : "agent connection ")
                    + (hostId != null ? hostId : ctx.channel().remoteAddress()) + ": "
                    + (tlsFailure ? "TLS handshake failed: " : "") + cause.getMessage() + "; closing");
            ctx.close();
        }
    }

    /** A report of agent {@code hostId} (connected here, or relayed by its manager): its session, then the listeners. */
    void deliver(String hostId, Report msg) {
        long start = System.nanoTime();
        sessions.report(hostId, msg);
        TrafficReport traffic = sessions.scope().traffic(sessions.allowed(hostId), TrafficReport.of(msg));
        io.vnet.manager.ClusterService c = cluster;
        if (c != null) {
            traffic = traffic.onlyOf(c::owns); // another manager's networks are its own listeners' business
        }
        if (traffic.skipped() > 0) {
            LOG.log(Level.WARNING, "agent " + hostId + " reported " + traffic.skipped() + " bad pair or rest"
                    + " entries; skipped them");
        }
        long now = System.currentTimeMillis();
        long interval = msg.intervalMs() == null ? 1000 : msg.intervalMs();
        for (TrafficListener l : listeners.get()) {
            try {
                l.onReport(hostId, now, interval, traffic.pairs(), traffic.rest());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "traffic listener " + l + " failed: " + e);
            }
        }
        reports.increment();
        reportNanos.add(System.nanoTime() - start);
    }

    /**
     * Why the certificate on {@code ch} may not register {@code claimed} in {@code role}, or null:
     * it is revoked; its subject is not a daemon's; its CN is not the host id; its role is not the
     * one the hello says (a proxy holds a proxy's certificate, a host a host's; the manager's
     * certificate registers nothing); or {@code claimed} has a live session with another certificate.
     */
    String certificateRefusal(Channel ch, String claimed, String role) {
        String revoked = tls.revokedPeer(ch);
        if (revoked != null) {
            tls.revocations().countRefusal();
            return revoked;
        }
        io.vnet.protocol.CertIdentity id;
        try {
            id = io.vnet.protocol.Tls.peerIdentity(ch);
        } catch (IllegalArgumentException e) {
            return "its certificate is not a VNET daemon's: " + e.getMessage();
        }
        if (!id.id().equals(claimed)) {
            return "it says it is host '" + claimed + "' but its certificate names '" + id.id() + "'";
        }
        if (!id.role().equals(role)) {
            return "host " + claimed + " says it is a " + role + " but holds the certificate of a " + id
                    + "; a " + role + " needs a " + role + "'s certificate (scripts/vnet-certs.sh DIR " + role
                    + (role.equals(io.vnet.protocol.CertIdentity.PROXY) ? " --tenant TENANT " : " ") + claimed + ")";
        }
        Channel live = sessions.liveChannel(claimed);
        if (live != null && live != ch && !io.vnet.protocol.Tls.sameCertificate(live, ch)) {
            return "host " + claimed + " has a live session from " + live.remoteAddress() + " with another certificate;"
                    + " a second certificate for a live identity is refused";
        }
        return null;
    }

    @Override
    public void close() {
        if (enrolling != null) {
            enrolling.shutdownNow();
        }
        if (revocationCheck != null) {
            revocationCheck.cancel(false);
        }
        server.close().awaitUninterruptibly();
        // the connections first; a closed pipeline's clean-up hops between its loop and its worker, so both
        // stop together, each once it had nothing to do for a moment
        open.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        io.netty.util.concurrent.Future<?> loops = group.shutdownGracefully(100, 2_000, TimeUnit.MILLISECONDS);
        io.netty.util.concurrent.Future<?> parsers = workers.shutdownGracefully(100, 2_000, TimeUnit.MILLISECONDS);
        loops.awaitUninterruptibly(3, TimeUnit.SECONDS);
        parsers.awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
