package io.vnet.dataplane.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.vnet.api.DropReason;
import io.vnet.api.LinkSpec;
import io.vnet.api.PortStats;
import io.vnet.dataplane.forward.FlowHash;
import io.vnet.dataplane.forward.Offload;
import io.vnet.dataplane.forward.PortCounters;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An overlay link as the forwarder sees it: a port whose frames go out as records on the
 * link's current session. With no connection frames are dropped and counted. A session is one
 * connection (lane 0) or, where both daemons take them, several ({@link Lane}s, joined to the
 * first by its token: {@link Records.Join}); each frame goes on a lane served by the sending
 * thread's event loop if there is one (by its flow's hash among them; else among all, see
 * {@link #pick}), on lane 0 while that lane is not up, so a flow's frames keep their order while
 * the lanes stay as they are. While a lane's connection cannot take more, frames wait in
 * its fair queue; what does not fit is dropped from the longest flow and counted
 * {@code congested}, and the VMs' own transports slow down, as they do on a real LAN.
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
    private final AtomicLong refusedJoins = new AtomicLong();
    /** The session's connections; lane 0 always exists, the others once they join. */
    private final Lane[] lanes = new Lane[Records.MAX_LANES];
    /** How many lanes the current session has (1: one connection). */
    private volatile int laneCount = 1;
    /** The current session's token (further lanes present it), or null. */
    private volatile String sessionToken;
    /** Whether the peer on the session's first connection said it reads version-2 (offloaded) frames. */
    private volatile boolean peerReadsOffloads;
    /** The largest ordinary frame the peer said it takes (unknown: no limit). */
    private volatile int peerMaxFrame = Integer.MAX_VALUE;
    /** Whether the peer on the session's first connection takes keepalive echoes (it said "echo"). */
    private volatile boolean peerEchoes;
    /** Smoothed and smallest round trip of this connection's keepalives, in nanoseconds; -1: none yet. */
    private volatile long srttNanos = -1;
    private volatile long minRttNanos = -1;
    private volatile String state;
    private volatile boolean closed;

    public LinkPort(LinkSpec spec) {
        this.networks = new LinkNetworks(spec);
        this.portId = "link:" + spec().id();
        this.state = spec().dials() ? "connecting" : "waiting";
        this.lanes[0] = new Lane(0, counters, QUEUE_BYTES, QUANTUM);
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
    public boolean floods(int vni) {
        return spec().floods(vni);
    }

    @Override
    public boolean isUp() {
        return lanes[0].isUp();
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
        Lane lane = lanes[0];
        Channel ch = lane.channel();
        if (ch == null) {
            counters.drop(DropReason.LINK_DOWN);
            frame.release();
            return;
        }
        int n = laneCount;
        if (n > 1) {
            Lane l = pick(n, FlowHash.of(vni, frame));
            Channel c = l == null ? null : l.channel();
            if (c != null) {
                lane = l;
                ch = c;
            }
        }
        lane.send(ch, new Records.FrameRecord(vni, frame, offload));
    }

    /**
     * The lane for a frame of flow {@code flow}: among the session's {@code n} lanes, those whose
     * connection is served by the sending thread's event loop, else all of them, by the flow's hash.
     * A flow's frames reach a link from one thread (one TAP queue, which the kernel picks by flow,
     * or one lane of another link), so they stay on one lane, and a frame read on a loop leaves on
     * that loop's connection without changing threads.
     */
    private Lane pick(int n, int flow) {
        int local = 0;
        for (int i = 0; i < n; i++) {
            Channel c = lanes[i] == null ? null : lanes[i].channel();
            if (c != null && c.eventLoop().inEventLoop()) {
                local++;
            }
        }
        if (local == 0) {
            return lanes[Math.floorMod(flow, n)];
        }
        int k = Math.floorMod(flow, local);
        for (int i = 0; i < n; i++) {
            Channel c = lanes[i] == null ? null : lanes[i].channel();
            if (c != null && c.eventLoop().inEventLoop() && k-- == 0) {
                return lanes[i];
            }
        }
        return lanes[0];
    }

    /** Hands what waits for lane {@code index} to {@code ch}. */
    void drain(int index, Channel ch) {
        Lane l = lanes[index];
        if (l != null) {
            l.drain(ch);
        }
    }

    /** Bytes waiting for the connections now. */
    long waitingBytes() {
        long sum = 0;
        for (Lane l : lanes) {
            sum += l == null ? 0 : l.waitingBytes();
        }
        return sum;
    }

    private boolean backlog() {
        for (Lane l : lanes) {
            if (l != null && l.backlog()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why {@code ch}, a new connection that said the right hello, may not carry this link, or null:
     * the link has a live session (its connection is open, so its peer answers keepalives) and the
     * newcomer did not present the same certificate. A live, authenticated session is never
     * replaced by another claiming the same peer; the peer itself reconnecting (same certificate)
     * replaces it.
     */
    synchronized String refusal(Channel ch) {
        Channel old = lanes[0].channel();
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
            old = lanes[0].channel();
            peerReadsOffloads = false;
            peerMaxFrame = Integer.MAX_VALUE;
            peerEchoes = false;
            srttNanos = -1;
            minRttNanos = -1;
            lanes[0].channel(ch);
            state = "up";
        }
        endLanes(); // the lanes of an earlier session go with it
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
            if (lanes[0].channel() != ch) {
                return;
            }
            peerMaxFrame = c.maxFrame();
            peerEchoes = c.echo();
            peerReadsOffloads = c.version() >= Records.VERSION_OFFLOAD;
        }
        LOG.log(Level.INFO, "link " + spec().id() + ": peer " + spec().peerHost() + " takes frames up to " + c.maxFrame()
                + " bytes" + (peerReadsOffloads ? " and offloaded frames (large TCP segments cross whole)" : ""));
    }

    /**
     * The session on {@code ch} gets {@code count} lanes with {@code token}: the accepting side
     * offering them (a fresh token), or the dialling side taking an offer. Returns false (nothing
     * changes) if {@code ch} is no longer the session's first connection.
     */
    synchronized boolean useLanes(Channel ch, int count, String token) {
        if (lanes[0].channel() != ch || closed || count < 1 || count > Records.MAX_LANES) {
            return false;
        }
        for (int i = 1; i < count; i++) {
            if (lanes[i] == null) {
                lanes[i] = new Lane(i, counters, QUEUE_BYTES, QUANTUM);
            }
        }
        sessionToken = count > 1 ? token : null;
        laneCount = count;
        return true;
    }

    /** The current session's token, or null if it has one lane. */
    String sessionToken() {
        return sessionToken;
    }

    /** How many lanes the current session has. */
    int laneCount() {
        return laneCount;
    }

    /** Frames sent on each lane so far (lane 0 first), over every session. */
    long[] laneFrames() {
        long[] out = new long[laneCount];
        for (int i = 0; i < out.length; i++) {
            Lane l = lanes[i];
            out[i] = l == null ? 0 : l.frames();
        }
        return out;
    }

    /** The connection of lane {@code index} now, or null. */
    Channel laneChannel(int index) {
        Lane l = lanes[index];
        return l == null ? null : l.channel();
    }

    /** How many of them are up now. */
    int lanesUp() {
        int up = 0;
        for (int i = 0; i < laneCount; i++) {
            Lane l = lanes[i];
            up += l != null && l.isUp() ? 1 : 0;
        }
        return up;
    }

    /**
     * Why {@code ch}, a connection asking to join lane {@code index} of this link's session with
     * {@code token}, may not, or null: the session must be live, offer that lane and have that
     * token, and with TLS the newcomer must present the certificate of the session's first
     * connection. Counted when refused.
     */
    synchronized String joinRefusal(Channel ch, int index, String token) {
        Channel first = lanes[0].channel();
        String why = null;
        String current = sessionToken;
        if (first == null || !first.isActive() || closed) {
            why = "link " + spec().id() + " has no live session to join";
        } else if (current == null || token == null || !java.security.MessageDigest.isEqual(
                current.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                token.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            why = "link " + spec().id() + ": the join does not present the current session's token";
        } else if (index < 1 || index >= laneCount) {
            why = "link " + spec().id() + ": the session has no lane " + index + " (lanes " + laneCount + ")";
        } else if (io.vnet.protocol.Tls.peerId(first) != null && !io.vnet.protocol.Tls.sameCertificate(first, ch)) {
            why = "link " + spec().id() + ": the join's certificate is not the one of the session's first connection";
        }
        if (why != null) {
            refusedJoins.incrementAndGet();
        }
        return why;
    }

    /**
     * {@code ch} carries lane {@code index} of the session whose token is {@code token} from now on
     * (a connection it replaces is closed); false, and {@code ch} closed, if that session is over.
     */
    boolean attachLane(int index, Channel ch, String token) {
        Channel old;
        synchronized (this) {
            if (closed || token == null || !token.equals(sessionToken) || index < 1 || index >= laneCount) {
                ch.close();
                return false;
            }
            old = lanes[index].channel();
            lanes[index].channel(ch);
        }
        LOG.log(Level.DEBUG, "link " + spec().id() + ": lane " + index + " up (" + ch.remoteAddress() + ")");
        if (old != null && old != ch) {
            old.close();
        }
        return true;
    }

    /** {@code ch}, lane {@code index}, closed; returns true if it was that lane's connection. */
    boolean detachLane(int index, Channel ch) {
        Lane l = lanes[index];
        synchronized (this) {
            if (l == null || l.channel() != ch) {
                return false;
            }
            l.channel(null);
        }
        l.discardWaiting();
        LOG.log(Level.DEBUG, "link " + spec().id() + ": lane " + index + " down");
        return true;
    }

    /** Whether {@code token} is still the session's (a lane to dial again belongs to it). */
    boolean sessionIs(String token) {
        return token != null && token.equals(sessionToken) && !closed;
    }

    /** Ends every lane but the first: the session they joined is over. */
    private void endLanes() {
        Channel[] gone = new Channel[Records.MAX_LANES];
        synchronized (this) {
            sessionToken = null;
            laneCount = 1;
            for (int i = 1; i < lanes.length; i++) {
                if (lanes[i] != null) {
                    gone[i] = lanes[i].channel();
                    lanes[i].channel(null);
                }
            }
        }
        for (int i = 1; i < lanes.length; i++) {
            if (lanes[i] != null) {
                lanes[i].discardWaiting();
            }
            if (gone[i] != null) {
                gone[i].close();
            }
        }
    }

    @Override
    public int maxFrame() {
        return peerMaxFrame;
    }

    boolean peerEchoes(Channel ch) {
        return peerEchoes && lanes[0].channel() == ch;
    }

    /** One round trip of a keepalive on {@code ch}, measured on this daemon's clock. */
    void roundTrip(Channel ch, long nanos) {
        if (lanes[0].channel() != ch || nanos < 0) {
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
        return new io.vnet.api.LinkPath(spec().id(), spec().peerHost(), "tcp", lanes[0].isUp(), s < 0 ? -1 : s / 1000,
                m < 0 ? -1 : m / 1000, counters.bytesOut(), counters.bytesIn(), spec().networks());
    }

    /** Whether offloaded frames cross this link whole (the peer reads version-2 records). */
    public boolean carriesOffloads() {
        return peerReadsOffloads;
    }

    /** {@code ch} closed; returns true if it was this link's current connection. */
    boolean detach(Channel ch) {
        synchronized (this) {
            if (lanes[0].channel() != ch) {
                return false;
            }
            lanes[0].channel(null);
            state = closed ? "closed" : spec().dials() ? "connecting" : "waiting";
        }
        lanes[0].discardWaiting();
        endLanes();
        LOG.log(Level.WARNING, "link " + spec().id() + " down: lost peer " + spec().peerHost() + " at " + ch.remoteAddress());
        return true;
    }

    boolean isClosed() {
        return closed;
    }

    /** The session's first connection (lane 0's), or null. */
    Channel channel() {
        return lanes[0].channel();
    }

    /**
     * Stops sending at once, then closes gracefully: the write side is shut (the peer sees the
     * end of the stream and stops using the link) while frames already in flight from the
     * peer are still read and delivered for {@link #DRAIN_MS} ms.
     */
    void close() {
        synchronized (this) {
            closed = true;
            sessionToken = null;
            laneCount = 1;
            state = "closed";
        }
        for (Lane l : lanes) {
            if (l != null) {
                Channel c = l.channel();
                l.channel(null);
                l.discardWaiting();
                Lane.closeGracefully(c, DRAIN_MS);
            }
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
                + (laneCount > 1 ? ", lanes " + lanesUp() + "/" + laneCount : "")
                + (refusedJoins.get() > 0 ? ", refused joins " + refusedJoins.get() : "")
                + (backlog() ? ", waiting " + waitingBytes() + " bytes" : "");
        return counters.snapshot("link", spec().id(), state, peer);
    }
}
