package io.vnet.dataplane.forward;

/**
 * One address of a {@link LearnTable}: its MAC, the port it was last seen on, and when.
 * <p>
 * The MAC is fixed for the entry's life, so an entry found by its MAC always pairs that MAC
 * with a port of its own. {@code port} is changed only under the table's lock (the address
 * moved) and becomes null when the entry leaves the table, so that a reader still holding the
 * entry finds nothing. The entry sits in two {@link ClockRing}s, its table's and its port's,
 * through {@link #inTable} and {@link #inPort}; a frame from the address marks both links as
 * referenced. A frame rewrites the seen time at most once per {@link #REFRESH_NANOS}, so a busy
 * station does not make every frame write to memory other threads read.
 */
final class LearnedEntry {
    /** How stale the seen time may get before a frame from the address rewrites it. */
    static final long REFRESH_NANOS = 1_000_000_000L;

    final long mac;
    final ClockRing.Link inTable = new ClockRing.Link(this);
    final ClockRing.Link inPort = new ClockRing.Link(this);
    volatile Port port;
    volatile long seenNanos;
    /** When a link last claimed this address while it was held here and the claim was checked. */
    volatile long contestedNanos;

    LearnedEntry(long mac, Port port, long now) {
        this.mac = mac;
        this.port = port;
        this.seenNanos = now;
        this.contestedNanos = now - LearnTable.AGE_NANOS;
    }

    /** Another frame from the address on its port. Takes no lock and allocates nothing. */
    void seen(long now) {
        if (now - seenNanos > REFRESH_NANOS) {
            seenNanos = now;
        }
        inTable.reference();
        inPort.reference();
    }

    /** Whether the address was last seen more than {@link LearnTable#AGE_NANOS} before {@code now}. */
    boolean expired(long now) {
        return now - seenNanos > LearnTable.AGE_NANOS;
    }
}
