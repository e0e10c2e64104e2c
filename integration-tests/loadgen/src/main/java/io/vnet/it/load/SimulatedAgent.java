package io.vnet.it.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.vnet.api.PairCount;
import io.vnet.protocol.ManagerProtocol;
import io.vnet.protocol.Tls;
import io.vnet.protocol.messages.Ack;
import io.vnet.protocol.messages.Hello;
import io.vnet.protocol.messages.Inventory;
import io.vnet.protocol.messages.ManagerMessage;
import io.vnet.protocol.messages.Refused;
import io.vnet.protocol.messages.Report;
import io.vnet.protocol.messages.StateMessage;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * One simulated host: a real control-channel connection to a manager, from its own loopback
 * source address, with mutual TLS under its own certificate. It says hello with its inventory
 * ({@link Inventory}: its networks, its VMs' addresses and registrations), reports every interval
 * (at a phase of its own within the interval) the pairs its VMs send on in their networks' patterns
 * ({@link Traffic}; at most {@link ManagerProtocol#MAX_REPORT_PAIRS}, the largest first) and the probe
 * pairs the driver gave it, acknowledges each desired state with its generation, and ignores the
 * other messages. On losing its connection it dials the next manager of its list after a jittered,
 * capped exponential backoff. All its work runs on its channel's event loop.
 */
final class SimulatedAgent {
    /** The agent's own backoff (io.vnet.agent.impl.ManagerClient): 100 ms doubling to 5 s, each delay jittered. */
    static final long BACKOFF_MIN_MS = 100;
    static final long BACKOFF_MAX_MS = 5_000;
    static final String SOFTWARE = "loadgen";

    private final int index;
    private final String hostId;
    private final Fleet fleet;
    private final Certificates.Credential credential;
    private final InetSocketAddress local;
    private final Inventory inventory;
    /** As the agent's ManagerClient.INVENTORY_EVERY_MS. */
    static final long INVENTORY_EVERY_MS = 30_000;
    /** When a report last carried the inventory on this connection (-1: not yet). */
    private volatile long inventoryAt = -1;
    private final ConcurrentHashMap<String, ProbePair> probes = new ConcurrentHashMap<>();
    private SslContext ssl;
    private volatile int managerIndex;
    private long backoffMs = BACKOFF_MIN_MS;
    private boolean everConnected;
    private volatile boolean closed;
    private volatile Channel channel;
    private volatile boolean hello;
    private ScheduledFuture<?> reporting;
    private long seq;
    private long generation;
    private int[] versions;
    private List<Traffic.Edge> edges = List.of();
    private ChannelFuture lastReport;

    SimulatedAgent(int index, Fleet fleet, Certificates.Credential credential, InetSocketAddress local) {
        this.index = index;
        this.hostId = Layout.hostId(index);
        this.fleet = fleet;
        this.credential = credential;
        this.local = local;
        this.inventory = Inventories.of(fleet.layout(), index);
        this.managerIndex = index % fleet.managers().size();
    }

    int index() {
        return index;
    }

    String hostId() {
        return hostId;
    }

    boolean connected() {
        Channel ch = channel;
        return hello && ch != null && ch.isActive();
    }

    /** The index (in the fleet's list) of the manager it is connected to now, or -1 when it is not connected. */
    int connectedTo() {
        if (!connected()) {
            return -1;
        }
        int m = managerIndex; // does not change while connected
        return connected() ? m : -1;
    }

    /** Adds a probe pair to this agent's next reports (until {@link #stopProbe}). */
    void startProbe(ProbePair p) {
        probes.put(p.src() + ">" + p.dst(), p);
    }

    void stopProbe(ProbePair p) {
        probes.remove(p.src() + ">" + p.dst());
    }

    /** Dials the current manager of its list. */
    void connect() {
        if (closed) {
            return;
        }
        FleetCounters c = fleet.counters();
        c.connectAttempts.increment();
        if (everConnected) {
            c.reconnects.increment();
        }
        InetSocketAddress remote = fleet.managers().get(managerIndex);
        SslContext context;
        try {
            context = sslContext();
        } catch (SSLException e) {
            c.handshakeFailures.increment();
            c.lastRefusal = hostId + ": " + e.getMessage();
            retry();
            return;
        }
        new Bootstrap().group(fleet.group()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("tls", context.newHandler(ch.alloc(), remote.getHostString(), remote.getPort()));
                        ManagerProtocol.addCodec(ch.pipeline());
                        ch.pipeline().addLast("agent", new Handler());
                    }
                })
                .connect(remote, local)
                .addListener((ChannelFuture f) -> {
                    if (!f.isSuccess()) {
                        c.connectFailures.increment();
                        retry();
                    }
                });
    }

    private SslContext sslContext() throws SSLException {
        if (ssl == null) {
            ssl = SslContextBuilder.forClient().sslProvider(Tls.provider())
                    .keyManager(new FixedKeyManager(credential.key(), credential.certificate()))
                    .trustManager(fleet.ca()).endpointIdentificationAlgorithm(null).build();
        }
        return ssl;
    }

    /** After a lost or failed connection: the next manager of the list, after the backoff. */
    private void retry() {
        if (closed) {
            return;
        }
        long delay = backoffMs / 2 + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1);
        backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
        managerIndex = (managerIndex + 1) % fleet.managers().size();
        fleet.group().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void registered(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        backoffMs = BACKOFF_MIN_MS;
        ctx.writeAndFlush(new Hello(Hello.PROTOCOL, SOFTWARE, hostId, "host", generation,
                local.getHostString() + ":5800", false, false, null, inventory).toJson());
        inventoryAt = System.nanoTime() / 1_000_000; // the hello carried it
        hello = true;
        fleet.counters().connected.incrementAndGet();
        if (!everConnected) {
            everConnected = true;
            fleet.counters().everConnected.incrementAndGet();
        }
        long interval = fleet.reportMs();
        long phase = ThreadLocalRandom.current().nextLong(interval);
        reporting = ctx.channel().eventLoop().scheduleAtFixedRate(() -> report(ctx.channel()), phase, interval,
                TimeUnit.MILLISECONDS);
    }

    /** Intervals held back since the last report was sent (its write was not done: the manager read slowly). */
    private int heldIntervals;

    /** One interval's report: the pattern pairs (cached until a network of this host changes) and the probes. */
    private void report(Channel ch) {
        if (!ch.isActive()) {
            return;
        }
        if (lastReport != null && !lastReport.isDone()) {
            // the connection backs up: as the product's agent does, this interval's counts go with the next report
            fleet.counters().reportsSkipped.increment();
            heldIntervals++;
            return;
        }
        long interval = fleet.reportMs() * (heldIntervals + 1);
        heldIntervals = 0;
        int[] now = fleet.traffic().versionsOf(index, null);
        if (versions == null || !Arrays.equals(versions, now)) {
            versions = now;
            edges = fleet.traffic().edgesOf(index);
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        List<PairCount> pairs = new ArrayList<>(edges.size() + probes.size());
        for (Traffic.Edge e : edges) {
            long bytes = Math.max(1, (long) (e.bytesPerSecond() * interval / 1000.0 * (0.9 + 0.2 * r.nextDouble())));
            pairs.add(new PairCount(e.network(), e.src(), e.dst(), frames(bytes), bytes, e.sameHost()));
        }
        if (pairs.size() > ManagerProtocol.MAX_REPORT_PAIRS) {
            pairs.sort(Comparator.comparingLong(PairCount::bytes).reversed());
            pairs = new ArrayList<>(pairs.subList(0, ManagerProtocol.MAX_REPORT_PAIRS - Math.min(probes.size(), 64)));
        }
        List<ProbePair> sentProbes = new ArrayList<>(probes.size());
        for (ProbePair p : probes.values()) {
            long bytes = Math.max(1, p.bytesPerSecond() * interval / 1000);
            pairs.add(new PairCount(p.network(), p.src(), p.dst(), frames(bytes), bytes, false));
            if (!p.firstSent().isDone()) {
                sentProbes.add(p);
            }
        }
        // as the product's agent does: the inventory (which does not change here) at least every 30 s, and at the
        // first report of a connection, not in every report
        long nowMs = System.nanoTime() / 1_000_000;
        boolean carry = inventoryAt < 0 || nowMs - inventoryAt >= INVENTORY_EVERY_MS;
        if (carry) {
            inventoryAt = nowMs;
        }
        Report report = new Report(hostId, ++seq, interval, pairs, List.of(), 0, 0,
                carry ? inventory : io.vnet.protocol.messages.Inventory.NONE, List.of());
        int n = pairs.size();
        int to = managerIndex;
        lastReport = ch.writeAndFlush(report.toJson());
        lastReport.addListener(f -> {
            if (f.isSuccess()) {
                fleet.counters().reportsSent.increment();
                fleet.counters().reportsByManager.computeIfAbsent(to, k -> new java.util.concurrent.atomic.LongAdder())
                        .increment();
                fleet.counters().pairsSent.add(n);
                long at = System.currentTimeMillis();
                sentProbes.forEach(p -> p.firstSent().complete(at));
            }
        });
    }

    private static long frames(long bytes) {
        return Math.max(1, Math.min(bytes, (bytes + 1447) / 1448));
    }

    void close() {
        closed = true;
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<JsonNode> {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            tls.handshakeFuture().addListener(f -> {
                if (!f.isSuccess()) {
                    fleet.counters().handshakeFailures.increment();
                    fleet.counters().lastRefusal = hostId + ": TLS handshake failed: " + f.cause().getMessage();
                    ctx.close();
                    return;
                }
                String id = Tls.peerId(ctx.channel());
                if (!fleet.managerId().equals(id)) {
                    fleet.counters().handshakeFailures.increment();
                    fleet.counters().lastRefusal = hostId + ": the manager's certificate names '" + id + "'";
                    ctx.close();
                    return;
                }
                registered(ctx);
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, JsonNode json) {
            ManagerMessage m = ManagerMessage.read(json);
            if (m instanceof StateMessage.Lenient desired) {
                fleet.counters().statesReceived.increment();
                generation = Math.max(generation, desired.generation());
                ctx.writeAndFlush(new Ack(hostId, generation, true, List.of()).toJson());
                fleet.counters().acksSent.increment();
            } else if (m instanceof Refused no) {
                fleet.counters().refused.increment();
                fleet.counters().lastRefusal = hostId + ": refused: " + no.reason();
            } else {
                fleet.counters().otherMessages.increment(); // owners, revoked, members: nothing to do here
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (reporting != null) {
                reporting.cancel(false);
                reporting = null;
            }
            lastReport = null;
            if (hello && channel == ctx.channel()) {
                hello = false;
                channel = null;
                fleet.counters().connected.decrementAndGet();
                fleet.counters().lost.increment();
            }
            retry();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
