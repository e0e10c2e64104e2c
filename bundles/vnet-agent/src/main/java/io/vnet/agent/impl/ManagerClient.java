package io.vnet.agent.impl;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.vnet.api.Endpoint;
import io.vnet.dataplane.DataPlane;
import io.vnet.dataplane.TrafficGrowth;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import io.vnet.protocol.messages.Ack;
import io.vnet.protocol.messages.Hello;
import io.vnet.protocol.messages.Inventory;
import io.vnet.protocol.messages.ManagerMessage;
import io.vnet.protocol.messages.Report;
import io.vnet.protocol.messages.Revoked;
import io.vnet.protocol.messages.StateMessage;
import io.vnet.protocol.messages.VmsUpdate;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The agent's side of the manager channel: dials the manager (reconnecting with capped,
 * jittered exponential backoff), says hello, applies and acknowledges desired state, and reports the
 * per-pair traffic counted during each interval. When the manager is away the data plane
 * simply keeps forwarding with what it has.
 */
final class ManagerClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ManagerClient.class.getName());
    private static final long BACKOFF_MIN_MS = 100;
    private static final long BACKOFF_MAX_MS = 5000;

    /** The managers this agent may talk to (a cluster's), and the one it tries or talks to now. */
    private final List<Endpoint> managers;
    private volatile int current;
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
    /** Per link id: bytes out and in at the last report. */
    private final Map<String, long[]> lastLinkBytes = new HashMap<>();
    private volatile Channel channel;
    private volatile boolean closed;
    private long backoffMs = BACKOFF_MIN_MS;
    private long seq;
    /** The VMs libvirt runs here, or null when the agent does not follow libvirt. */
    private volatile LocalVms localVms;
    private volatile MacOwnership ownership;
    /** The host's own device addresses, never listed as VMs. */
    private final OwnAddresses ownAddresses = new OwnAddresses();
    private volatile String enrolmentToken;
    private volatile MemberLinks members;

    /** Where the manager's membership links go ({@link MemberLinks}). */
    void members(MemberLinks m) {
        this.members = m;
    }

    /** Why the manager last refused this agent's hello (null: it has not, or took a later one). */
    private volatile String refusal;
    /** When the live channel said hello (null: none). */
    private volatile java.time.Instant helloAt;

    /**
     * @param tls       mutual TLS towards the manager, or null for plain TCP
     * @param managerId the id the manager's certificate must carry (its CN), with TLS
     */
    ManagerClient(List<Endpoint> managers, String hostId, String role, Endpoint linkAddress, DataPlane dp,
                  ManagedState state, long intervalMs, io.vnet.protocol.Tls tls, String managerId) {
        if (managers.isEmpty()) {
            throw new IllegalArgumentException("managers: none");
        }
        this.tls = tls;
        this.managerId = managerId;
        this.managers = List.copyOf(managers);
        this.current = first(hostId, managers.size());
        this.hostId = hostId;
        this.role = role;
        this.linkAddress = linkAddress;
        this.dp = dp;
        this.state = state;
        this.intervalMs = intervalMs;
    }

    /** Without TLS: the enrolment token the manager gave this host, sent in every hello (before {@link #start()}). */
    void enrolment(String token) {
        this.enrolmentToken = token;
    }

    /** Registers the VMs libvirt runs here with the manager (before {@link #start()}). */
    /** Where the manager's owners messages go. */
    void ownership(MacOwnership o) {
        this.ownership = o;
    }

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
        ch.writeAndFlush(new VmsUpdate(hostId, inventory()).toJson());
    }

    /**
     * networks[], macs[] (bounded, see {@link MacInventory}), macsOmitted and vms[] (the latter only
     * when libvirt is followed).
     */
    private Inventory inventory() {
        LocalVms vms = localVms;
        MacInventory.Listed macs = MacInventory.list(vms != null ? vms.macs() : Map.of(),
                ownAddresses.withoutOwn(dp.localMacs()));
        List<io.vnet.api.NetworkId> networks = dp.networks().stream().map(n -> io.vnet.api.NetworkId.of(n.vni())).toList();
        return new Inventory(networks, macs.macs(), macs.omitted(), vms != null ? vms.registered() : null, List.of(), 0);
    }

    void start() {
        connect();
        reporter.scheduleAtFixedRate(this::report, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /**
     * The manager a host tries first: spread over the list by the host's id, so the hosts of a cluster
     * share its managers, and the same one after every restart.
     */
    static int first(String hostId, int managers) {
        return Math.floorMod(hostId.hashCode() * 0x9E3779B1, managers);
    }

    /** The manager this agent talks to now, or tries next. */
    Endpoint manager() {
        return managers.get(current);
    }

    /** The next manager of the list (the current one is away): the agent moves there, with its backoff. */
    private void next() {
        if (managers.size() > 1) {
            Endpoint was = manager();
            current = (current + 1) % managers.size();
            LOG.log(Level.INFO, "manager " + was + " is away: trying " + manager() + " next");
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        Endpoint manager = manager();
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
                        next();
                        retry();
                    }
                });
    }

    private void retry() {
        if (closed) {
            return;
        }
        long delay = jittered(backoffMs, java.util.concurrent.ThreadLocalRandom.current());
        backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
        group.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * A retry delay between half the backoff and all of it, at random: after a manager restart the
     * agents, which all lost it at the same moment, come back spread over time, not all at once.
     */
    static long jittered(long backoffMs, java.util.Random random) {
        return backoffMs / 2 + random.nextLong(backoffMs / 2 + 1);
    }

    /** The hello this agent says on connecting; bounded (see {@link MacInventory}), so it always fits. */
    ObjectNode hello() {
        // kernelPath: its VXLAN links may be fast paths in the kernel; without TLS the enrolment token says who it is
        return new Hello(Hello.PROTOCOL, SOFTWARE, hostId, role, state.generation(),
                linkAddress != null ? linkAddress.toString() : null, dp.kernelPath(), tls == null,
                tls == null ? enrolmentToken : null, inventory()).toJson();
    }

    /** This agent's version, as its bundle says it (null outside OSGi). */
    static final String SOFTWARE = software();

    /** Whether the channel to the manager is open now (its hello said). */
    boolean connected() {
        Channel ch = channel;
        return ch != null && ch.isActive() && helloAt != null;
    }

    /** For status and readiness: the manager's address and whether this agent is connected to it, or why not. */
    String describe() {
        Channel ch = channel;
        String r = refusal;
        if (ch != null && ch.isActive() && helloAt != null) {
            return manager() + ": connected since " + helloAt + (r != null ? "; refused: " + r : "");
        }
        return manager() + ": not connected" + (r != null ? "; refused: " + r : "");
    }

    private static String software() {
        org.osgi.framework.Bundle b = org.osgi.framework.FrameworkUtil.getBundle(ManagerClient.class);
        return b == null ? null : b.getVersion().toString();
    }

    /** Each link's measured round trip and the rates it carried since the last report, {@code coveredMs} ago. */
    private List<Report.LinkReport> links(long coveredMs) {
        List<Report.LinkReport> a = new java.util.ArrayList<>();
        Map<String, long[]> now = new HashMap<>();
        for (io.vnet.api.LinkPath p : dp.linkPaths()) {
            long[] last = lastLinkBytes.get(p.id());
            long out = last == null ? 0 : Math.max(0, p.bytesOut() - last[0]);
            long in = last == null ? 0 : Math.max(0, p.bytesIn() - last[1]);
            now.put(p.id(), new long[] {p.bytesOut(), p.bytesIn()});
            a.add(new Report.LinkReport(p.id(), p.peerHost(), p.transport(), p.up(), p.rttMicros(), p.minRttMicros(),
                    out * 8000 / Math.max(1, coveredMs), in * 8000 / Math.max(1, coveredMs), List.copyOf(p.networks())));
        }
        lastLinkBytes.clear();
        lastLinkBytes.putAll(now);
        return a;
    }

    /**
     * Sends the counts of the last interval. The data plane keeps the growth of its counters
     * itself ({@link DataPlane#trafficGrowth()}), so the state behind the deltas is bounded and
     * pruned with the counters; it is read every interval, with a manager or not.
     */
    private void report() {
        try {
            TrafficGrowth growth = dp.trafficGrowth();
            Channel ch = channel;
            if (ch == null || !ch.isActive()) {
                held = null; // counts of intervals without a manager are not replayed
                heldIntervals = 0;
                return;
            }
            io.netty.channel.ChannelFuture last = lastReport;
            if (last != null && last.channel() == ch && !last.isDone()) {
                // the manager has not read the last report yet: this interval's counts go with the next one
                held = held == null ? growth : held.plus(growth);
                heldIntervals++;
                reportsHeld.incrementAndGet();
                return;
            }
            if (held != null) {
                growth = held.plus(growth);
            }
            long covered = intervalMs * (heldIntervals + 1);
            held = null;
            heldIntervals = 0;
            lastReport = ch.writeAndFlush(report(growth, covered));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "traffic report failed: " + e);
        }
    }

    /**
     * The counts of intervals held back (null: none) while the connection's last report was still waiting
     * to be written: a manager that reads slower than its agents report (overloaded) makes each agent
     * send one report at a time, each with every interval's counts since the one before, instead of
     * queueing a report a second in the agent's memory without bound. Touched by the reporting thread only.
     */
    private TrafficGrowth held;
    private int heldIntervals;
    private io.netty.channel.ChannelFuture lastReport;
    private final java.util.concurrent.atomic.AtomicLong reportsHeld = new java.util.concurrent.atomic.AtomicLong();

    /** Intervals whose counts were held back and sent with a later report (the manager read slowly). */
    long reportsHeld() {
        return reportsHeld.get();
    }

    /**
     * How often a report carries the inventory when it has not changed: a report carries it when it changed
     * since the last one sent on this connection (the vms message said it at once) and in the report after that
     * (the manager writes a VM it saw in two inventories in a row), and at least this often,
     * which repairs a lost vms message without every report of every host repeating its VMs (the manager of a
     * zone parses ten thousand reports a second).
     */
    static final long INVENTORY_EVERY_MS = 30_000;
    private Inventory inventorySent;
    private long inventorySentAt;
    private Channel inventoryChannel;
    private boolean carryAgain;

    /** The report of one interval's {@code growth}: bounded (see {@link ReportTraffic}, {@link MacInventory}). */
    ObjectNode report(TrafficGrowth growth) {
        return report(growth, intervalMs);
    }

    /** The report of the {@code growth} of the last {@code coveredMs} (one interval, or more held back). */
    ObjectNode report(TrafficGrowth growth, long coveredMs) {
        ReportTraffic.Counted c = ReportTraffic.of(growth);
        Inventory inv = inventory();
        long now = System.nanoTime() / 1_000_000;
        Channel ch = channel;
        boolean changed = ch != inventoryChannel || !inv.equals(inventorySent);
        // the report after a change carries it again: the manager records a VM it saw in two inventories in a row
        boolean carry = changed || carryAgain || now - inventorySentAt >= INVENTORY_EVERY_MS;
        carryAgain = changed;
        if (carry) {
            inventorySent = inv;
            inventorySentAt = now;
            inventoryChannel = ch;
        }
        return new Report(hostId, ++seq, coveredMs, c.pairs(), c.rest(), c.refusedPairs(), 0,
                carry ? inv : Inventory.NONE, links(coveredMs)).toJson();
    }

    /** As {@link #revoked(Revoked)}, for the {@code fingerprints} of a revoked message ({@link Revoked#read}). */
    void revoked(JsonNode fingerprints) {
        ObjectNode m = Json.object();
        m.set("fingerprints", fingerprints);
        revoked(Revoked.read(m));
    }

    /**
     * The manager's deny list: at most {@link io.vnet.protocol.Revocations#MAX_ENTRIES} strings
     * are handed to the data plane (which refuses and counts what is not a fingerprint); a list
     * that is not an array of strings changes nothing.
     */
    void revoked(Revoked list) {
        if (!list.valid()) {
            LOG.log(Level.WARNING, "manager sent a revoked list that is not an array of strings; ignored");
            return;
        }
        dp.revokeCertificates(list.fingerprints());
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
                    LOG.log(Level.WARNING, "manager " + manager() + ": TLS handshake failed: " + f.cause().getMessage());
                    ctx.close();
                } else if (!managerId.equals(id)) {
                    LOG.log(Level.WARNING, "manager " + manager() + " presents a certificate for '" + id + "', expected '"
                            + managerId + "'; closing");
                    ctx.close();
                } else if (managerCertificateRefusal(ctx.channel()) != null) {
                    LOG.log(Level.WARNING, "manager " + manager() + ": " + managerCertificateRefusal(ctx.channel()) + "; closing");
                    ctx.close();
                } else {
                    registered(ctx);
                }
            });
        }

        /**
         * Why the manager's certificate on {@code ch} is not the manager's, or null: it is revoked,
         * or it names a role other than manager (a certificate without a role, made before roles,
         * is taken when its CN is the manager's name).
         */
        private String managerCertificateRefusal(Channel ch) {
            String revoked = tls.revokedPeer(ch);
            if (revoked != null) {
                return revoked;
            }
            try {
                io.vnet.protocol.CertIdentity who = io.vnet.protocol.Tls.peerIdentity(ch);
                return who.legacy() || io.vnet.protocol.CertIdentity.MANAGER.equals(who.role()) ? null
                        : "its certificate is a " + who.role() + "'s (" + who + "), not the manager's";
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }

        private void registered(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            backoffMs = BACKOFF_MIN_MS;
            LOG.log(Level.INFO, "connected to manager " + manager() + (tls != null ? " over mutual TLS" : ""));
            ObjectNode h = hello();
            int omitted = h.path("macsOmitted").asInt();
            if (omitted > 0) {
                LOG.log(Level.WARNING, "the hello lists " + h.path("macs").size() + " VM addresses and leaves out "
                        + omitted + " (at most " + ManagerProtocol.MAX_MACS_PER_NETWORK + " per network, "
                        + ManagerProtocol.MAX_MACS + " in all)");
            }
            ctx.writeAndFlush(h);
            helloAt = java.time.Instant.now();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, JsonNode json) {
            ManagerMessage msg = ManagerMessage.read(json);
            if (msg instanceof StateMessage.Lenient desired) {
                refusal = null; // a manager that sends a state took the hello
                List<String> errors = state.apply(desired, true);
                long gen = state.generation(); // the state refused an older one: the ack says what is applied
                ctx.writeAndFlush(new Ack(hostId, gen, errors.isEmpty(), errors).toJson());
                LOG.log(errors.isEmpty() ? Level.INFO : Level.WARNING, "applied desired state generation " + gen
                        + (errors.isEmpty() ? "" : " with errors " + errors));
            } else if (msg instanceof ManagerMessage.Owners owners) {
                MacOwnership o = ownership;
                if (o != null) {
                    o.fromManager(owners.message());
                }
            } else if (msg instanceof Revoked list) {
                revoked(list);
            } else if (msg instanceof io.vnet.protocol.messages.Members m) {
                MemberLinks ml = members;
                if (ml != null) {
                    List<String> errors = ml.apply(m, true);
                    if (!errors.isEmpty()) {
                        LOG.log(Level.WARNING, "membership links: " + errors);
                    }
                }
            } else if (msg instanceof io.vnet.protocol.messages.Refused no) {
                refusal = no.reason();
                LOG.log(Level.ERROR, "manager " + manager() + " refused this agent: " + no.reason()
                        + "; retrying with backoff");
            } else {
                LOG.log(Level.WARNING, "manager sent an unknown message type '" + msg.type() + "'");
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (channel == ctx.channel()) {
                channel = null;
                helloAt = null;
            }
            if (!closed) {
                LOG.log(Level.WARNING, "lost the manager " + manager() + "; forwarding goes on with the current state");
                next();
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
