package io.vnet.agent.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import io.vnet.api.Endpoint;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.dataplane.DataPlane;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The agent's side of the manager channel: dials the manager (reconnecting with capped
 * exponential backoff), says hello, applies and acknowledges desired state, and reports the
 * per-pair traffic counted during each interval. When the manager is away the data plane
 * simply keeps forwarding with what it has.
 */
final class ManagerClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ManagerClient.class.getName());
    private static final long BACKOFF_MIN_MS = 100;
    private static final long BACKOFF_MAX_MS = 5000;

    private record PairKey(int vni, MacAddress src, MacAddress dst, boolean sameHost) {
    }

    private final Endpoint manager;
    private final String hostId;
    private final String role;
    private final Endpoint linkAddress;
    private final DataPlane dp;
    private final ManagedState state;
    private final long intervalMs;
    private final io.vnet.protocol.Tls tls;
    private final String managerId;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("vnet-manager-channel", true), NioIoHandler.newFactory());
    private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vnet-report");
        t.setDaemon(true);
        return t;
    });
    private final Map<PairKey, long[]> lastCounts = new HashMap<>();
    /** Per link id: bytes out and in at the last report. */
    private final Map<String, long[]> lastLinkBytes = new HashMap<>();
    private volatile Channel channel;
    private volatile boolean closed;
    private long backoffMs = BACKOFF_MIN_MS;
    private long seq;
    /** The VMs libvirt runs here, or null when the agent does not follow libvirt. */
    private volatile LocalVms localVms;

    /**
     * @param tls       mutual TLS towards the manager, or null for plain TCP
     * @param managerId the id the manager's certificate must carry (its CN), with TLS
     */
    ManagerClient(Endpoint manager, String hostId, String role, Endpoint linkAddress, DataPlane dp,
                  ManagedState state, long intervalMs, io.vnet.protocol.Tls tls, String managerId) {
        this.tls = tls;
        this.managerId = managerId;
        this.manager = manager;
        this.hostId = hostId;
        this.role = role;
        this.linkAddress = linkAddress;
        this.dp = dp;
        this.state = state;
        this.intervalMs = intervalMs;
    }

    /** Registers the VMs libvirt runs here with the manager (before {@link #start()}). */
    void follow(LocalVms vms) {
        this.localVms = vms;
    }

    /**
     * The host's networks or VMs changed: tells the manager at once (a {@value
     * ManagerProtocol#VMS} message), rather than at the next report.
     */
    void vmsChanged() {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            return; // the next hello carries them
        }
        ObjectNode m = Json.object().put("type", ManagerProtocol.VMS).put("hostId", hostId);
        inventory(m);
        ch.writeAndFlush(m);
    }

    /** networks[], macs[] and vms[] (the latter only when libvirt is followed). */
    private void inventory(ObjectNode m) {
        ArrayNode nets = m.putArray("networks");
        dp.networks().forEach(n -> nets.add(n.vni()));
        m.set("macs", macs());
        LocalVms vms = localVms;
        if (vms != null) {
            m.set("vms", vms.json());
        }
    }

    void start() {
        connect();
        reporter.scheduleAtFixedRate(this::report, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void connect() {
        if (closed) {
            return;
        }
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            tls.addClient(ch, manager.host(), manager.port());
                        }
                        ManagerProtocol.addCodec(ch.pipeline());
                        ch.pipeline().addLast("manager", new Handler());
                    }
                })
                .connect(manager.host(), manager.port())
                .addListener((ChannelFuture f) -> {
                    if (!f.isSuccess()) {
                        LOG.log(Level.DEBUG, "manager " + manager + " unreachable: " + f.cause().getMessage());
                        retry();
                    }
                });
    }

    private void retry() {
        if (closed) {
            return;
        }
        long delay = backoffMs;
        backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
        group.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private ObjectNode hello() {
        ObjectNode h = Json.object().put("type", ManagerProtocol.HELLO).put("hostId", hostId).put("role", role)
                .put("generation", state.generation());
        if (linkAddress != null) {
            h.put("linkAddress", linkAddress.toString());
        }
        inventory(h);
        return h;
    }

    /** The VM addresses behind this host: learned from traffic, and those of the VMs libvirt runs here. */
    private ArrayNode macs() {
        Map<NetworkId, java.util.Set<MacAddress>> all = new java.util.TreeMap<>();
        dp.localMacs().forEach((n, macs) -> all.computeIfAbsent(n, k -> new java.util.TreeSet<>()).addAll(macs));
        LocalVms vms = localVms;
        if (vms != null) {
            vms.macs().forEach((n, macs) -> all.computeIfAbsent(n, k -> new java.util.TreeSet<>()).addAll(macs));
        }
        ArrayNode a = Json.array();
        for (Map.Entry<NetworkId, java.util.Set<MacAddress>> e : all.entrySet()) {
            for (MacAddress m : e.getValue()) {
                a.addObject().put("vni", e.getKey().vni()).put("mac", m.toString());
            }
        }
        return a;
    }

    /** Each link's measured round trip and the rates it carried since the last report. */
    private ArrayNode links() {
        ArrayNode a = Json.array();
        Map<String, long[]> now = new HashMap<>();
        for (io.vnet.api.LinkPath p : dp.linkPaths()) {
            long[] last = lastLinkBytes.get(p.id());
            long out = last == null ? 0 : Math.max(0, p.bytesOut() - last[0]);
            long in = last == null ? 0 : Math.max(0, p.bytesIn() - last[1]);
            now.put(p.id(), new long[] {p.bytesOut(), p.bytesIn()});
            a.addObject().put("id", p.id()).put("peer", p.peerHost()).put("transport", p.transport()).put("up", p.up())
                    .put("rttMicros", p.rttMicros()).put("minRttMicros", p.minRttMicros())
                    .put("outBitsPerSecond", out * 8000 / Math.max(1, intervalMs))
                    .put("inBitsPerSecond", in * 8000 / Math.max(1, intervalMs));
            ArrayNode vnis = ((ObjectNode) a.get(a.size() - 1)).putArray("vnis");
            p.networks().forEach(n -> vnis.add(n.vni()));
        }
        lastLinkBytes.clear();
        lastLinkBytes.putAll(now);
        return a;
    }

    /** Sends the counts of the last interval (the growth of the cumulative counters). */
    private void report() {
        try {
            Map<PairKey, long[]> deltas = new HashMap<>();
            for (PairCount p : dp.pairCounts()) {
                PairKey k = new PairKey(p.network().vni(), p.src(), p.dst(), p.sameHost());
                long[] last = lastCounts.get(k);
                long df = p.frames() - (last == null ? 0 : last[0]);
                long db = p.bytes() - (last == null ? 0 : last[1]);
                lastCounts.put(k, new long[] {p.frames(), p.bytes()});
                if (df > 0) {
                    deltas.put(k, new long[] {df, db});
                }
            }
            Channel ch = channel;
            if (ch == null || !ch.isActive()) {
                return; // counts of intervals without a manager are not replayed
            }
            ObjectNode r = Json.object().put("type", ManagerProtocol.REPORT).put("hostId", hostId)
                    .put("seq", ++seq).put("intervalMs", intervalMs);
            ArrayNode pairs = r.putArray("pairs");
            deltas.forEach((k, v) -> pairs.addObject().put("vni", k.vni()).put("src", k.src().toString())
                    .put("dst", k.dst().toString()).put("frames", v[0]).put("bytes", v[1]).put("sameHost", k.sameHost()));
            inventory(r);
            r.set("links", links());
            ch.writeAndFlush(r);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "traffic report failed: " + e);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<JsonNode> {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            io.netty.handler.ssl.SslHandler ssl = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
            if (ssl == null) {
                registered(ctx);
                return;
            }
            ssl.handshakeFuture().addListener(f -> {
                String id = io.vnet.protocol.Tls.peerId(ctx.channel());
                if (!f.isSuccess()) {
                    LOG.log(Level.WARNING, "manager " + manager + ": TLS handshake failed: " + f.cause().getMessage());
                    ctx.close();
                } else if (!managerId.equals(id)) {
                    LOG.log(Level.WARNING, "manager " + manager + " presents a certificate for '" + id + "', expected '"
                            + managerId + "'; closing");
                    ctx.close();
                } else {
                    registered(ctx);
                }
            });
        }

        private void registered(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            backoffMs = BACKOFF_MIN_MS;
            LOG.log(Level.INFO, "connected to manager " + manager + (tls != null ? " over mutual TLS" : ""));
            ctx.writeAndFlush(hello());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, JsonNode msg) {
            if (ManagerProtocol.STATE.equals(msg.path("type").asText())) {
                long gen = msg.path("generation").asLong(-1);
                List<String> errors = state.apply(msg, true);
                ObjectNode ack = Json.object().put("type", ManagerProtocol.ACK).put("hostId", hostId)
                        .put("generation", gen).put("ok", errors.isEmpty());
                ArrayNode e = ack.putArray("errors");
                errors.forEach(e::add);
                ctx.writeAndFlush(ack);
                LOG.log(errors.isEmpty() ? Level.INFO : Level.WARNING, "applied desired state generation " + gen
                        + (errors.isEmpty() ? "" : " with errors " + errors));
            } else {
                LOG.log(Level.WARNING, "manager sent an unknown message type '" + msg.path("type").asText() + "'");
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (channel == ctx.channel()) {
                channel = null;
            }
            if (!closed) {
                LOG.log(Level.WARNING, "lost the manager " + manager + "; forwarding goes on with the current state");
                retry();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.WARNING, "manager channel: " + cause.getMessage() + "; closing");
            ctx.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        reporter.shutdownNow();
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
