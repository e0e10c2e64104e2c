package io.vnet.dataplane.link;

/**
 * Whether a VXLAN link's peer is alive, from liveness probes ({@link Vxlan#PROBE_VNI}).
 *
 * <p>Every keepalive interval each end sends a probe; an agent answers a probe from a known peer
 * with an echo of its clock. A peer that never probed nor echoed is taken for a kernel VXLAN
 * endpoint, which cannot answer: its link is judged by the local socket alone (up while the socket
 * is open), as before probes existed. Once the peer has probed or echoed, it is an agent, and the
 * link is down when no echo of one of our recent probes came for the detection time (counted from
 * the last echo, or from when the peer was first heard): a cut in either direction stops the echoes.
 * An echo brings the link up again at once. Only an echo of one of the last {@value #REMEMBERED}
 * probes sent counts, so a stray or forged echo cannot hold a dead link up.
 *
 * <p>The round trip is taken from each accepted echo (a smoothed value and the minimum), as a TCP
 * link's keepalive echoes give it. Times are {@link System#nanoTime()} values passed in; the methods
 * run on the socket's event loop, and {@link #up()} and the round trips may be read from any thread.
 */
final class VxlanLiveness {
    /** How many of the last probes sent an echo may answer. */
    static final int REMEMBERED = 4;
    /** Echoes answered per keepalive interval at most: a peer sends one probe per interval. */
    static final int ECHO_BURST = 4;

    private final long timeoutNanos;
    private final long[] sent = new long[REMEMBERED];
    private int next;
    /** When the peer was first heard probing or echoing (0: never, a kernel peer or not yet). */
    private volatile long agentSince;
    private volatile long lastEcho;
    private volatile boolean down;
    private volatile long rttNanos = -1;
    private volatile long minRttNanos = -1;
    private int echoBudget = ECHO_BURST;

    VxlanLiveness(long timeoutNanos) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("detection time must be positive");
        }
        this.timeoutNanos = timeoutNanos;
    }

    /** Remembers a probe sent now with clock {@code clock}. */
    void sent(long clock) {
        sent[next] = clock;
        next = (next + 1) % REMEMBERED;
    }

    /** A probe came from the peer at {@code now}: it is an agent. Returns whether to answer it (false: over budget). */
    boolean probed(long now) {
        heard(now);
        if (echoBudget == 0) {
            return false;
        }
        echoBudget--;
        return true;
    }

    /**
     * An echo carrying {@code clock} came at {@code now}. Returns false if it answers none of the
     * probes remembered (ignored).
     */
    boolean echoed(long now, long clock) {
        boolean ours = false;
        for (long s : sent) {
            if (s != 0 && s == clock) {
                ours = true;
                break;
            }
        }
        if (!ours || now - clock < 0) {
            return false;
        }
        heard(now);
        lastEcho = now;
        down = false;
        long rtt = now - clock;
        rttNanos = rttNanos < 0 ? rtt : (7 * rttNanos + rtt) / 8;
        minRttNanos = minRttNanos < 0 ? rtt : Math.min(minRttNanos, rtt);
        return true;
    }

    private void heard(long now) {
        if (agentSince == 0) {
            agentSince = now == 0 ? 1 : now;
        }
    }

    /** A new keepalive interval: the echo budget is full again. */
    void interval() {
        echoBudget = ECHO_BURST;
    }

    /**
     * Judges the link at {@code now} (called several times per keepalive interval, so that a
     * silence is seen soon after it passes the detection time). Returns true if the judgement
     * changed (down to up or up to down).
     */
    boolean judge(long now) {
        long since = agentSince;
        if (since == 0) {
            return false;
        }
        long last = Math.max(since, lastEcho);
        boolean dead = now - last > timeoutNanos;
        if (dead != down) {
            down = dead;
            return true;
        }
        return false;
    }

    /** False once an agent peer went silent past the detection time. */
    boolean up() {
        return !down;
    }

    /** Whether the peer ever probed or echoed (an agent); false for a kernel peer. */
    boolean answers() {
        return agentSince != 0;
    }

    /** The nanoseconds since the last echo at {@code now}, or -1 if none came. */
    long silentFor(long now) {
        long last = Math.max(agentSince, lastEcho);
        return last == 0 ? -1 : now - last;
    }

    long rttMicros() {
        long r = rttNanos;
        return r < 0 ? -1 : r / 1000;
    }

    long minRttMicros() {
        long r = minRttNanos;
        return r < 0 ? -1 : r / 1000;
    }
}
