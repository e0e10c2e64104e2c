package io.vnet.dataplane.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.vnet.api.DropReason;
import io.vnet.api.LinkSpec;
import io.vnet.api.PortStats;
import io.vnet.dataplane.forward.FlowHash;
import io.vnet.dataplane.forward.Offload;
import io.vnet.dataplane.forward.PortCounters;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An overlay link as the forwarder sees it: a port whose frames go out as records on the
 * link's current connection. With no connection frames are dropped and counted. While the
 * connection cannot take more (its send buffer is full: {@link Links#WATER_MARK}), frames
 * wait in a {@link FairQueue}, bounded, shared fairly between networks and flows, sparse flows
 * first; what does not fit is dropped from the longest flow and counted {@code congested}, and the
 * VMs' own transports slow down, as they do on a real LAN.
 */
public final class LinkPort implements OverlayLink {
    private static final System.Logger LOG = System.getLogger(LinkPort.class.getName());
    static final long DRAIN_MS = 1000;
    /** The most bytes that wait for a link's connection ({@link FairQueue}); beyond, the longest flow loses. */
    static final long QUEUE_BYTES = 1 << 20;
    /** What a network or flow sends per turn: one whole offloaded record. */
    static final int QUANTUM = 64 * 1024 + 64;

    private final LinkNetworks networks;
    private final String portId;
    private final PortCounters counters = new PortCounters();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong refusedSessions = new AtomicLong();
    private volatile Channel channel;
    /** Whether the peer on {@link #channel} said it reads version-2 (offloaded) frames. */
    private volatile boolean peerReadsOffloads;
    /** The largest ordinary frame the peer said it takes (unknown: no limit). */
    private volatile int peerMaxFrame = Integer.MAX_VALUE;
    /** Whether the peer on {@link #channel} takes keepalive echoes (it said "echo"). */
    private volatile boolean peerEchoes;
    /** Smoothed and smallest round trip of this connection's keepalives, in nanoseconds; -1: none yet. */
    private volatile long srttNanos = -1;
    private volatile long minRttNanos = -1;
    private volatile String state;
    private volatile boolean closed;
    /** Frames waiting for the connection to take more; guarded by itself. */
    private final FairQueue<Records.FrameRecord> waiting = new FairQueue<>(QUEUE_BYTES, QUANTUM);
    /** Whether frames wait: then new ones queue behind them (a flow's frames keep their order). */
    private volatile boolean backlog;
    private final java.util.concurrent.atomic.AtomicBoolean drainScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    /** Whether {@link #drain} runs now, and whether it should go round once more when done. */
    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean drainAgain;

    public LinkPort(LinkSpec spec) {
        this.networks = new LinkNetworks(spec);
        this.portId = "link:" + spec().id();
        this.state = spec().dials() ? "connecting" : "waiting";
    }

    @Override
    public LinkSpec spec() {
        return networks.spec();
    }

    @Override
    public boolean carries(int vni) {
        return networks.carries(vni);
    }

    /**
     * The link now carries the networks of {@code next}, the same link otherwise (its connection
     * stays); the forwarder must be told ({@code Forwarder.networksChanged}).
     */
    @Override
    public void carry(LinkSpec next) {
        networks.carry(next);
    }

    @Override
    public String id() {
        return portId;
    }

    @Override
    public boolean isLink() {
        return true;
    }

    @Override
    public boolean floods() {
        return spec().flood();
    }

    @Override
    public boolean isUp() {
        return channel != null;
    }

    @Override
    public PortCounters counters() {
        return counters;
    }

    @Override
    public void send(int vni, ByteBuf frame) {
        sendRecord(vni, frame, Offload.NONE);
    }

    /** An offloaded frame goes whole to a peer that reads version-2 records, else segmented. */
    @Override
    public void send(int vni, ByteBuf frame, long offload) {
        if (offload != Offload.NONE && !peerReadsOffloads) {
            OverlayLink.super.send(vni, frame, offload);
        } else {
            sendRecord(vni, frame, offload);
        }
    }

    private void sendRecord(int vni, ByteBuf frame, long offload) {
        Channel ch = channel;
        if (ch == null) {
            counters.drop(DropReason.LINK_DOWN);
            frame.release();
            return;
        }
        Records.FrameRecord r = new Records.FrameRecord(vni, frame, offload);
        if (!backlog && ch.isWritable()) {
            counters.out(frame.readableBytes());
            ch.writeAndFlush(r, ch.voidPromise());
            return;
        }
        List<Records.FrameRecord> dropped;
        synchronized (waiting) {
            dropped = waiting.offer(vni, FlowHash.of(vni, frame), r, frame.readableBytes());
            backlog = true;
        }
        for (Records.FrameRecord d : dropped) {
            counters.drop(DropReason.CONGESTED);
            d.frame().release();
        }
        if (ch.eventLoop().inEventLoop()) {
            drain(ch);
        } else if (drainScheduled.compareAndSet(false, true)) {
            ch.eventLoop().execute(() -> {
                drainScheduled.set(false);
                drain(ch);
            });
        }
    }

    /**
     * Hands waiting frames to {@code ch}, fairly, while it takes more; called on its event loop
     * after a frame was queued and when it becomes writable again. A flush can make the
     * connection writable again at once and so call this from within itself: that call only
     * asks the running one to go round again, so the stack stays flat.
     */
    void drain(Channel ch) {
        if (ch != channel) {
            return; // not (or no longer) this link's connection: its frames wait for the current one
        }
        if (!draining.compareAndSet(false, true)) {
            drainAgain = true;
            return;
        }
        try {
            do {
                drainAgain = false;
                boolean wrote = false;
                while (ch.isWritable()) {
                    Records.FrameRecord r;
                    synchronized (waiting) {
                        r = waiting.poll();
                        if (r == null) {
                            backlog = false;
                            break;
                        }
                    }
                    counters.out(r.frame().readableBytes());
                    ch.write(r, ch.voidPromise());
                    wrote = true;
                }
                if (wrote) {
                    ch.flush();
                }
            } while (drainAgain);
        } finally {
            draining.set(false);
        }
        if (channel == null) {
            discardWaiting(); // the connection went while frames waited for it
        } else if (backlog && ch.isWritable() && ch.isActive()) {
            // it became writable as this call ended (a nested call found it running): go round on the loop
            ch.eventLoop().execute(() -> drain(ch));
        }
    }

    /** Drops what waits (the connection is gone), counted {@code link-down}. */
    private void discardWaiting() {
        List<Records.FrameRecord> gone;
        synchronized (waiting) {
            gone = waiting.clear();
            backlog = false;
        }
        for (Records.FrameRecord r : gone) {
            counters.drop(DropReason.LINK_DOWN);
            r.frame().release();
        }
    }

    /** Bytes waiting for the connection now. */
    long waitingBytes() {
        synchronized (waiting) {
            return waiting.bytes();
        }
    }

    /**
     * Why {@code ch}, a new connection that said the right hello, may not carry this link, or null:
     * the link has a live session (its connection is open, so its peer answers keepalives) and the
     * newcomer did not present the same certificate. A live, authenticated session is never
     * replaced by another claiming the same peer; the peer itself reconnecting (same certificate)
     * replaces it.
     */
    synchronized String refusal(Channel ch) {
        Channel old = channel;
        if (old == null || old == ch || !old.isActive() || io.vnet.protocol.Tls.sameCertificate(old, ch)) {
            return null;
        }
        return "link " + spec().id() + " has a live session with " + spec().peerHost() + " from " + old.remoteAddress()
                + "; a new session for a live peer is refused while the first answers keepalives";
    }

    /** How many connections claiming this link's peer were refused while its session was live. */
    long refusedSessions() {
        return refusedSessions.get();
    }

    /**
     * The connection {@code ch} said the right hello: it carries this link from now on, unless
     * {@link #refusal} refuses it (then it is closed and false returned).
     */
    boolean attach(Channel ch) {
        Channel old;
        synchronized (this) {
            if (closed) {
                ch.close();
                return false;
            }
            String refused = refusal(ch);
            if (refused != null) {
                refusedSessions.incrementAndGet();
                LOG.log(Level.WARNING, "refused connection from " + ch.remoteAddress() + ": " + refused);
                ch.close();
                return false;
            }
            old = channel;
            peerReadsOffloads = false;
            peerMaxFrame = Integer.MAX_VALUE;
            peerEchoes = false;
            srttNanos = -1;
            minRttNanos = -1;
            channel = ch;
            state = "up";
        }
        sessions.incrementAndGet();
        LOG.log(Level.INFO, "link " + spec().id() + " up: peer " + spec().peerHost() + " at " + ch.remoteAddress());
        if (old != null && old != ch) {
            LOG.log(Level.INFO, "link " + spec().id() + ": the new connection replaces the one from " + old.remoteAddress()
                    + (old.isActive() ? " (the same certificate: the peer reconnected)" : ""));
            old.close();
        }
        return true;
    }

    /** The peer on {@code ch} said what it reads: offloaded frames go to it whole if it can take them. */
    void peerCapabilities(Channel ch, Records.Capabilities c) {
        synchronized (this) {
            if (channel != ch) {
                return;
            }
            peerMaxFrame = c.maxFrame();
            peerEchoes = c.echo();
            peerReadsOffloads = c.version() >= Records.VERSION_OFFLOAD;
        }
        LOG.log(Level.INFO, "link " + spec().id() + ": peer " + spec().peerHost() + " takes frames up to " + c.maxFrame()
                + " bytes" + (peerReadsOffloads ? " and offloaded frames (large TCP segments cross whole)" : ""));
    }

    @Override
    public int maxFrame() {
        return peerMaxFrame;
    }

    boolean peerEchoes(Channel ch) {
        return peerEchoes && channel == ch;
    }

    /** One round trip of a keepalive on {@code ch}, measured on this daemon's clock. */
    void roundTrip(Channel ch, long nanos) {
        if (channel != ch || nanos < 0) {
            return;
        }
        long s = srttNanos;
        srttNanos = s < 0 ? nanos : s - (s >> 3) + (nanos >> 3);
        long m = minRttNanos;
        if (m < 0 || nanos < m) {
            minRttNanos = nanos;
        }
    }

    /** What this link measured: round trips of its keepalives and the bytes it carried. */
    @Override
    public io.vnet.api.LinkPath path() {
        long s = srttNanos;
        long m = minRttNanos;
        return new io.vnet.api.LinkPath(spec().id(), spec().peerHost(), "tcp", channel != null, s < 0 ? -1 : s / 1000,
                m < 0 ? -1 : m / 1000, counters.bytesOut(), counters.bytesIn(), spec().networks());
    }

    /** Whether offloaded frames cross this link whole (the peer reads version-2 records). */
    public boolean carriesOffloads() {
        return peerReadsOffloads;
    }

    /** {@code ch} closed; returns true if it was this link's current connection. */
    boolean detach(Channel ch) {
        synchronized (this) {
            if (channel != ch) {
                return false;
            }
            channel = null;
            state = closed ? "closed" : spec().dials() ? "connecting" : "waiting";
        }
        discardWaiting();
        LOG.log(Level.WARNING, "link " + spec().id() + " down: lost peer " + spec().peerHost() + " at " + ch.remoteAddress());
        return true;
    }

    boolean isClosed() {
        return closed;
    }

    /** The connection carrying this link now, or null. */
    Channel channel() {
        return channel;
    }

    /**
     * Stops sending at once, then closes gracefully: the write side is shut (the peer sees the
     * end of the stream and stops using the link) while frames already in flight from the
     * peer are still read and delivered for {@link #DRAIN_MS} ms.
     */
    void close() {
        Channel ch;
        synchronized (this) {
            closed = true;
            ch = channel;
            channel = null;
            state = "closed";
        }
        discardWaiting();
        if (ch == null) {
            return;
        }
        if (ch instanceof DuplexChannel d && ch.isActive()) {
            d.shutdownOutput();
            ch.eventLoop().schedule(() -> ch.close(), DRAIN_MS, TimeUnit.MILLISECONDS);
        } else {
            ch.close();
        }
    }

    static String vniList(LinkSpec l) {
        StringBuilder b = new StringBuilder();
        for (int v : l.vnis()) {
            b.append(b.length() == 0 ? "" : ",").append(v);
        }
        return b.toString();
    }

    @Override
    public PortStats stats() {
        String peer = spec().peerHost() + (spec().dials() ? " via " + spec().connect() : " (accepting)")
                + ", sessions " + sessions.get() + (refusedSessions.get() > 0 ? ", refused " + refusedSessions.get() : "")
                + (spec().flood() ? ", flood" : "") + ", vnis " + vniList(spec())
                + (peerReadsOffloads ? ", offloads" : "")
                + (peerMaxFrame != Integer.MAX_VALUE ? ", max frame " + peerMaxFrame : "")
                + (srttNanos >= 0 ? String.format(java.util.Locale.ROOT, ", rtt %.0f us", srttNanos / 1e3) : "")
                + (backlog ? ", waiting " + waitingBytes() + " bytes" : "");
        return counters.snapshot("link", spec().id(), state, peer);
    }
}
