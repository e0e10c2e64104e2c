package io.vnet.dataplane.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.vnet.api.DropReason;
import io.vnet.api.Endpoint;
import io.vnet.api.LinkSpec;
import io.vnet.api.PortStats;
import io.netty.buffer.PooledByteBufAllocator;
import io.vnet.dataplane.forward.Coalescer;
import io.vnet.dataplane.forward.Forwarder;
import io.vnet.dataplane.forward.Frames;
import io.vnet.dataplane.forward.InferredOffload;
import io.vnet.dataplane.forward.PortCounters;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemon's VXLAN links: one UDP socket sends and receives them all. A datagram belongs to
 * the link whose peer has its source address (a kernel vxlan device picks its source port
 * per flow, so the port is not part of the match). Datagrams from unknown addresses, without
 * the VNI flag, or too short to hold a frame are dropped and counted.
 *
 * <p>With {@link #probe} the links' peers are probed every keepalive interval ({@link
 * VxlanLiveness}): datagrams for {@link Vxlan#PROBE_VNI} are probes and echoes between agents,
 * answered (at most {@value VxlanLiveness#ECHO_BURST} per link and interval, the rest counted as
 * refused) and never forwarded; a malformed one is dropped as such.
 */
public final class VxlanLinks implements LinkTransport, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VxlanLinks.class.getName());
    /** Datagrams read per system call where the transport can (epoll's recvmmsg). */
    static final int RECV_BATCH = 8;
    /** Whether the socket asks for UDP GRO (off with -Dvnet.vxlan.gro=false, to compare). */
    static final boolean UDP_GRO = !"false".equals(System.getProperty("vnet.vxlan.gro"));
    /** The largest UDP payload an IPv4 datagram holds: what one slot of a read takes. */
    static final int MAX_DATAGRAM = 65_535 - 20 - 8;

    private final Forwarder forwarder;
    private final boolean coalesce;
    private final Channel socket;
    private final Map<InetAddress, VxlanPort> byPeer = new ConcurrentHashMap<>();
    private final Map<String, VxlanPort> byId = new ConcurrentHashMap<>();
    private final PortCounters unidentified = new PortCounters();
    /** Datagrams the socket failed to send (an underlay that is down: no route), logged at most every 10 s. */
    private final java.util.concurrent.atomic.AtomicLong sendErrors = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastSendErrorLog;
    /** Probes not answered: over a link's echo budget for the interval. */
    private final java.util.concurrent.atomic.AtomicLong echoesRefused = new java.util.concurrent.atomic.AtomicLong();
    /** The liveness detection time in nanoseconds, 0 while the peers are not probed. */
    private volatile long probeTimeoutNanos;
    private volatile io.netty.util.concurrent.ScheduledFuture<?> prober;

    /**
     * @param coalesce merge the TCP segments that arrive in one batch of datagrams into large
     *                 offloaded segments (see {@link Coalescer}), for ports that carry them
     */
    public VxlanLinks(Endpoint listen, EventLoopGroup group, Class<? extends Channel> datagramClass,
                      Forwarder forwarder, boolean coalesce) throws IOException {
        this(new InetSocketAddress(listen.host(), listen.port()), group, datagramClass, forwarder, coalesce);
    }

    /** As above, bound to {@code bind} (port 0: a port of the kernel's choice, for links that only send from it). */
    public VxlanLinks(InetSocketAddress bind, EventLoopGroup group, Class<? extends Channel> datagramClass,
                      Forwarder forwarder, boolean coalesce) throws IOException {
        this.forwarder = forwarder;
        this.coalesce = coalesce;
        Bootstrap b = new Bootstrap().group(group).channel(datagramClass);
        if (datagramClass == EpollDatagramChannel.class) {
            // Every slot of a read holds the largest datagram there is: a kernel VXLAN peer's
            // large TCP send crosses a veth whole, and with UDP GRO a peer's UDP GSO send comes
            // as one train of datagrams of one size, which Netty hands on one datagram at a time.
            // Netty reads the train's segment size only with recvmsg (one per system call);
            // without GRO, recvmmsg reads up to RECV_BATCH datagrams per call.
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM
                            * (UDP_GRO ? 1 : RECV_BATCH)));
            if (UDP_GRO) {
                b.option(EpollChannelOption.UDP_GRO, true);
            }
        } else {
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM));
        }
        ChannelFuture f = b
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                .handler(new Receiver())
                .bind(bind).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IOException("cannot bind the VXLAN socket " + bind + ": " + f.cause().getMessage(), f.cause());
        }
        socket = f.channel();
        LOG.log(Level.INFO, "VXLAN links on udp " + socket.localAddress());
    }

    /**
     * The MTU of the interface the kernel routes to {@code peer} through (a connected UDP
     * socket finds it without sending anything), or 1500 if that cannot be found.
     */
    static int underlayMtu(InetSocketAddress peer) {
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket()) {
            probe.connect(peer);
            java.net.NetworkInterface nif = java.net.NetworkInterface.getByInetAddress(probe.getLocalAddress());
            if (nif != null && nif.getMTU() > Vxlan.OVERHEAD + 68) {
                return nif.getMTU();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot find the underlay MTU towards " + peer + " (" + e.getMessage()
                    + "); assuming 1500");
        }
        return 1500;
    }

    @Override
    public VxlanPort add(LinkSpec spec) {
        InetSocketAddress peer;
        try {
            peer = new InetSocketAddress(InetAddress.getByName(spec.connect().host()), spec.connect().port());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("link " + spec.id() + ": cannot resolve " + spec.connect().host());
        }
        int innerMtu = underlayMtu(peer) - Vxlan.OVERHEAD;
        long timeout = probeTimeoutNanos;
        VxlanPort port = new VxlanPort(spec, peer, socket, innerMtu, timeout > 0 ? new VxlanLiveness(timeout) : null);
        if (byId.putIfAbsent(spec.id(), port) != null) {
            throw new IllegalArgumentException("link " + spec.id() + " exists already");
        }
        if (byPeer.putIfAbsent(peer.getAddress(), port) != null) {
            byId.remove(spec.id());
            throw new IllegalArgumentException("link " + spec.id() + ": another VXLAN link already has peer "
                    + peer.getAddress().getHostAddress());
        }
        LOG.log(Level.INFO, "link " + spec.id() + " carries packets up to " + innerMtu + " bytes (the underlay's MTU less "
                + Vxlan.OVERHEAD + " bytes of VXLAN encapsulation); bigger ones are answered with ICMP"
                + " fragmentation-needed, or fragmented if they allow it");
        return port;
    }

    @Override
    public VxlanPort remove(String id) {
        VxlanPort p = byId.remove(id);
        if (p != null) {
            byPeer.remove(p.peer().getAddress(), p);
        }
        return p;
    }

    @Override
    public VxlanPort get(String id) {
        return byId.get(id);
    }

    @Override
    public List<VxlanPort> all() {
        List<VxlanPort> out = new ArrayList<>(byId.values());
        out.sort((a, b) -> a.spec().id().compareTo(b.spec().id()));
        return out;
    }

    /**
     * Probes every link added from now on every {@code interval}, and judges it down when its peer,
     * an agent that answered, sends no echo for {@code detection} (see {@link VxlanLiveness}).
     * Call once, before links are added.
     */
    public void probe(java.time.Duration interval, java.time.Duration detection) {
        if (prober != null) {
            throw new IllegalStateException("the VXLAN links are probed already");
        }
        if (interval.isNegative() || interval.isZero() || detection.compareTo(interval) < 0) {
            throw new IllegalArgumentException("probing needs 0 < interval <= detection time");
        }
        probeTimeoutNanos = detection.toNanos();
        long tick = Math.max(1, interval.toMillis() / JUDGEMENTS);
        prober = socket.eventLoop().scheduleAtFixedRate(() -> {
            boolean probe = ticks++ % JUDGEMENTS == 0;
            judgeAll(probe);
        }, tick, tick, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Judgements per keepalive interval: a silence is seen at most a quarter interval after the detection time. */
    static final int JUDGEMENTS = 4;
    private long ticks;

    /** Sends every probed link its probe and judges it (on the socket's event loop). */
    void probeAll() {
        judgeAll(true);
    }

    /** Judges every probed link; with {@code probe}, a new interval: each link is sent its probe. */
    private void judgeAll(boolean probe) {
        long now = System.nanoTime();
        for (VxlanPort p : byId.values()) {
            VxlanLiveness l = p.liveness();
            if (l == null) {
                continue;
            }
            if (l.judge(now)) {
                if (l.up()) {
                    LOG.log(Level.INFO, "link " + p.spec().id() + ": peer " + p.spec().peerHost() + " answers again; up");
                } else {
                    LOG.log(Level.WARNING, "link " + p.spec().id() + ": peer " + p.spec().peerHost() + " echoed no probe for "
                            + l.silentFor(now) / 1_000_000 + " ms; down (its frames take the flooding tree)");
                }
            }
            if (!probe) {
                continue;
            }
            l.interval();
            if (socket.isActive() && socket.isWritable()) {
                ByteBuf out = socket.alloc().directBuffer(Vxlan.HEADER + Vxlan.PROBE_BODY);
                Vxlan.writeProbe(out, false, now);
                l.sent(now);
                socket.write(new DatagramPacket(out, p.peer()), socket.voidPromise());
            }
        }
        if (probe) {
            socket.flush();
        }
    }

    /** A probe or echo from {@code port}'s peer: answered or taken as liveness; a malformed one is dropped. */
    private void probeIn(VxlanPort port, ByteBuf in) {
        VxlanLiveness l = port.liveness();
        int kind = Vxlan.probeKind(in);
        if (kind == 0) {
            port.counters().drop(DropReason.MALFORMED);
            return;
        }
        if (l == null) {
            return; // this daemon does not probe: nothing to answer or judge (a kernel-path daemon's socket)
        }
        long now = System.nanoTime();
        long clock = Vxlan.probeClock(in);
        if (kind == Vxlan.ECHO) {
            l.echoed(now, clock);
        } else if (l.probed(now)) {
            ByteBuf out = socket.alloc().directBuffer(Vxlan.HEADER + Vxlan.PROBE_BODY);
            Vxlan.writeProbe(out, true, clock);
            socket.writeAndFlush(new DatagramPacket(out, port.peer()), socket.voidPromise());
        } else {
            echoesRefused.incrementAndGet();
        }
    }

    /** Probes left unanswered because a link's peer sent more than its budget in an interval. */
    public long echoesRefused() {
        return echoesRefused.get();
    }

    public PortStats listenerStats() {
        long timeout = probeTimeoutNanos;
        return unidentified.snapshot("listener", "vxlan", "listening on udp " + socket.localAddress(),
                byId.size() + " VXLAN link(s)" + (timeout > 0 ? ", probed (down after " + timeout / 1_000_000
                        + " ms without an echo), " + echoesRefused.get() + " probes refused over budget" : "")
                + (sendErrors.get() > 0 ? ", " + sendErrors.get() + " send errors" : ""));
    }

    private final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
        /** Merges the TCP segments of a batch of datagrams (null: every frame goes on alone). */
        private final Coalescer coalescer = coalesce ? new Coalescer(PooledByteBufAllocator.DEFAULT, forwarder::forward)
                : null;

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (coalescer != null) {
                coalescer.flush();
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (coalescer != null) {
                coalescer.flush();
            }
            ctx.fireChannelInactive();
        }

        /** A send that failed (no route to a peer while the underlay is down): counted, logged now and then, not fatal. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            long n = sendErrors.incrementAndGet();
            long now = System.nanoTime();
            if (n == 1 || now - lastSendErrorLog > 10_000_000_000L) {
                lastSendErrorLog = now;
                LOG.log(Level.WARNING, "VXLAN socket: " + cause.getMessage() + " (" + n + " send errors so far)");
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            VxlanPort port = byPeer.get(packet.sender().getAddress());
            ByteBuf in = packet.content();
            PortCounters counters = port != null ? port.counters() : unidentified;
            if (port == null) {
                counters.drop(DropReason.UNIDENTIFIED);
                return;
            }
            if (!Vxlan.valid(in)) {
                counters.drop(DropReason.MALFORMED);
                return;
            }
            if (Vxlan.vni(in) == Vxlan.PROBE_VNI) {
                probeIn(port, in);
                return;
            }
            int len = in.readableBytes() - Vxlan.HEADER;
            if (len < Frames.ETH_HEADER) {
                counters.drop(DropReason.RUNT);
                return;
            }
            counters.in(len);
            ByteBuf frame = in.retainedSlice(in.readerIndex() + Vxlan.HEADER, len);
            // a kernel VXLAN peer on an underlay that does not complete checksums or cut large
            // segments (a veth, a bridge) leaves them to offload: passed on as a TAP's header would
            long offload = InferredOffload.of(frame, port.mtu());
            if (coalescer != null) {
                coalescer.offer(port, Vxlan.vni(in), frame, offload);
            } else {
                forwarder.forward(port, Vxlan.vni(in), frame, offload);
            }
        }
    }

    @Override
    public void close() {
        io.netty.util.concurrent.ScheduledFuture<?> p = prober;
        if (p != null) {
            p.cancel(false);
        }
        socket.close().awaitUninterruptibly();
    }
}
