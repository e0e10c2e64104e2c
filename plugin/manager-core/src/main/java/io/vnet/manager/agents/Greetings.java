package io.vnet.manager.agents;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The agent channel's connections that have not yet said who they are: accepted, in their TLS
 * handshake, or handshaken and not yet through their hello (an agent's, another manager's, or an
 * enrol). They are bounded: at most {@link Limits#max} at once, at most {@link Limits#perAddress} from
 * one source address, and each has {@link Limits#seconds} to say hello, after which it is closed.
 * A connection beyond a bound is closed as soon as it is accepted, before any TLS work, and counted.
 *
 * <p>Why: a handshake takes several turns of the event loop that also reads the connected agents'
 * reports. When a manager of a cluster dies, its thousands of agents dial the survivor at once; without
 * a bound every one of them starts a handshake, each gets a sliver of the loop, and none finishes
 * before its 10 s timeout, so the agents retry and the same happens again (measured: 0 of 3,330 back
 * at 10,000 agents). With a bound the admitted ones finish, the refused ones cost an accept and a close
 * and come back after their backoff. The per-address bound and the deadline keep one peer that opens
 * connections and says nothing from taking every place.
 */
public final class Greetings {
    /**
     * @param max        connections in their greeting at once, from all addresses
     * @param perAddress of them from one source address
     * @param seconds    how long a connection has, from its accept, to say hello
     */
    public record Limits(int max, int perAddress, int seconds) {
        static final int DEFAULT_MAX = 128;
        static final int DEFAULT_PER_ADDRESS = 4;
        static final int DEFAULT_SECONDS = 20;
        static final Limits DEFAULTS = new Limits(DEFAULT_MAX, DEFAULT_PER_ADDRESS, DEFAULT_SECONDS);
        static final java.util.Set<String> FIELDS = java.util.Set.of("max", "perAddress", "seconds");

        public Limits {
            if (max < 1 || max > 100_000) {
                throw new IllegalArgumentException("greetings.max: expected 1..100000, got " + max);
            }
            if (perAddress < 1 || perAddress > max) {
                throw new IllegalArgumentException("greetings.perAddress: expected 1.." + max + " (greetings.max), got "
                        + perAddress);
            }
            if (seconds < 1 || seconds > 600) {
                throw new IllegalArgumentException("greetings.seconds: expected 1..600, got " + seconds);
            }
        }
    }

    /** Why a connection was closed at its accept. */
    enum Refusal { BUSY, ADDRESS }

    private final Limits limits;
    /** Greetings in progress by source address; its size is at most {@code limits.max}. Guarded by this. */
    private final Map<InetAddress, Integer> byAddress = new HashMap<>();
    private int inProgress;
    private long admitted;
    private long refusedBusy;
    private long refusedAddress;
    private long timedOut;

    Greetings(Limits limits) {
        this.limits = limits;
    }

    Limits limits() {
        return limits;
    }

    /** What {@link #admit} gave: a place, or the reason there is none. */
    record Admission(Place place, Refusal refusal) {
    }

    /**
     * A place for a new connection from {@code from} (null when unknown: counted against the total only), or
     * the reason it has none (counted). The place is given back with {@link Place#done()}.
     */
    synchronized Admission admit(InetAddress from) {
        if (inProgress >= limits.max()) {
            refusedBusy++;
            return new Admission(null, Refusal.BUSY);
        }
        if (from != null) {
            int n = byAddress.getOrDefault(from, 0);
            if (n >= limits.perAddress()) {
                refusedAddress++;
                return new Admission(null, Refusal.ADDRESS);
            }
            byAddress.put(from, n + 1);
        }
        inProgress++;
        admitted++;
        return new Admission(new Place(from), null);
    }

    /** A connection's place among the greetings; given back once, whatever calls {@link #done()} again. */
    final class Place {
        private final InetAddress from;
        private boolean done;

        private Place(InetAddress from) {
            this.from = from;
        }

        /** The connection said hello, was refused, or closed: its place is free. */
        void done() {
            release();
        }

        /** Its deadline passed: true (counted) if it was still greeting, and its place is given back. */
        boolean expire() {
            synchronized (Greetings.this) {
                if (release()) {
                    timedOut++;
                    return true;
                }
                return false;
            }
        }

        /** Gives the place back; false if it was given back before. */
        private boolean release() {
            synchronized (Greetings.this) {
                if (done) {
                    return false;
                }
                done = true;
                inProgress--;
                if (from != null) {
                    byAddress.computeIfPresent(from, (a, n) -> n <= 1 ? null : n - 1);
                }
                return true;
            }
        }

        boolean isDone() {
            synchronized (Greetings.this) {
                return done;
            }
        }
    }

    synchronized int inProgress() {
        return inProgress;
    }

    synchronized int addresses() {
        return byAddress.size();
    }

    synchronized long admitted() {
        return admitted;
    }

    synchronized long refused(Refusal why) {
        return why == Refusal.BUSY ? refusedBusy : refusedAddress;
    }

    synchronized long timedOut() {
        return timedOut;
    }
}
