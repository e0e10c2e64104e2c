package io.vnet.it.load;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** What the simulated agents did, counted as they do it (read by the progress line and the result). */
public final class FleetCounters {
    /** Agents whose connection is up and whose hello was written. */
    public final AtomicInteger connected = new AtomicInteger();
    /** Agents that said hello at least once. */
    public final AtomicInteger everConnected = new AtomicInteger();
    public final LongAdder connectAttempts = new LongAdder();
    /** Connections made again after one was lost (or failed). */
    public final LongAdder reconnects = new LongAdder();
    public final LongAdder connectFailures = new LongAdder();
    public final LongAdder handshakeFailures = new LongAdder();
    public final LongAdder lost = new LongAdder();
    public final LongAdder reportsSent = new LongAdder();
    public final LongAdder pairsSent = new LongAdder();
    public final LongAdder statesReceived = new LongAdder();
    public final LongAdder acksSent = new LongAdder();
    public final LongAdder refused = new LongAdder();
    public final LongAdder otherMessages = new LongAdder();
    /** Report ticks that found the previous report still unwritten (the connection backed up): skipped. */
    public final LongAdder reportsSkipped = new LongAdder();
    /** Reports written, by the index of the manager (in the fleet's list) they went to. */
    public final java.util.concurrent.ConcurrentHashMap<Integer, LongAdder> reportsByManager =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** The latest reason a hello was refused or a handshake failed (for the log). */
    public volatile String lastRefusal;

    /** Reports written to manager {@code index} so far. */
    public long reportsSentTo(int index) {
        LongAdder a = reportsByManager.get(index);
        return a == null ? 0 : a.sum();
    }
}
