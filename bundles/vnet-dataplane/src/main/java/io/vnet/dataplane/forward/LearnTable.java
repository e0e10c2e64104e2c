package io.vnet.dataplane.forward;

import io.vnet.api.MacAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * MAC learning of one network: which port a source address was last seen on. An entry not
 * seen for {@link #AGE_NANOS} is expired: lookups ignore it, and it is dropped when room is
 * needed.
 * <p>
 * <b>Bounds.</b> The table holds at most {@code maxPerNetwork} addresses, and at most
 * {@code maxPerPort} learned on any one port. A new address that would pass a cap is always
 * learned, never refused: room is made first by dropping expired entries, then, if still
 * full, by evicting the least recently seen entry, of that port for the per-port cap and of
 * the table for the per-network cap ({@link #evicted} counts these). "Least recently seen" is
 * approximated by CLOCK ({@link ClockRing}): the table and each port keep their entries in a
 * ring, a frame from an address marks it, and the ring's hand evicts the first entry from the
 * oldest that was not marked since the hand last passed it, giving the marked ones a second
 * chance. Expired entries are dropped first: when a cap is reached the whole table is swept
 * for them, at most once per quarter of its size in new addresses (so sweeps cost O(1)
 * amortised), and in between the hand drops an expired entry it meets before evicting a live
 * one ({@link #expired} counts both). An address that moves to another port keeps its entry,
 * which leaves the old port's ring for the new one's; room is made in the new port, never by
 * evicting the moving entry, and the network's count does not change.
 * <p>
 * <b>Costs and threads.</b> {@link #lookup}, and {@link #learn} of an address already learned
 * on that port, run on every frame, on several threads at once: they read a {@link MacIndex}
 * without a lock and allocate nothing. A new address, a move and the forgetting take the
 * table's lock and cost O(1) amortised (forgetting a port, O(its addresses)); listings take the
 * lock and cost O(size). Readers never see an address on another address's port: an entry's MAC
 * is fixed and its port is one volatile field, so a reader gets the old port or the new one.
 */
final class LearnTable {
    static final long AGE_NANOS = 300_000_000_000L;
    /** The per-network cap the forwarder uses, and the per-port cap by default. */
    public static final int DEFAULT_MAX_PER_NETWORK = 4_096;
    /** The largest cap accepted, so that the index's arrays stay addressable. */
    public static final int MAX_CAP = 1 << 24;
    /** A sweep for expired entries may follow this share of the table's size in new addresses. */
    private static final int SWEEP_SHARE = 4;

    private final int maxPerNetwork;
    private final int maxPerPort;
    private final MacIndex index = new MacIndex();
    /** Every entry; guarded by this. */
    private final ClockRing table = new ClockRing();
    /** The entries of each port that has any; guarded by this. */
    private final Map<Port, ClockRing> byPort = new IdentityHashMap<>();
    /** New addresses since the last sweep for expired entries; guarded by this. */
    private int admittedSinceSweep;
    private volatile int size;
    private volatile long evicted;
    private volatile long expired;

    /** A table with the forwarder's caps: {@link #DEFAULT_MAX_PER_NETWORK}, on any one port too. */
    LearnTable() {
        this(DEFAULT_MAX_PER_NETWORK);
    }

    /** A table of at most {@code maxPerNetwork} addresses, on any one port too. */
    LearnTable(int maxPerNetwork) {
        this(maxPerNetwork, maxPerNetwork);
    }

    /** A table of at most {@code maxPerNetwork} addresses, and at most {@code maxPerPort} on one port. */
    LearnTable(int maxPerNetwork, int maxPerPort) {
        if (maxPerNetwork < 1 || maxPerNetwork > MAX_CAP) {
            throw new IllegalArgumentException("maxPerNetwork " + maxPerNetwork + " is not in 1.." + MAX_CAP);
        }
        if (maxPerPort < 1 || maxPerPort > maxPerNetwork) {
            throw new IllegalArgumentException("maxPerPort " + maxPerPort + " is not in 1.." + maxPerNetwork);
        }
        this.maxPerNetwork = maxPerNetwork;
        this.maxPerPort = maxPerPort;
    }

    /** Learns that {@code mac} was seen on {@code port} at {@code now}. */
    void learn(long mac, Port port, long now) {
        LearnedEntry e = index.get(mac);
        if (e != null && e.port == port) {
            e.seen(now);
            return;
        }
        learnLocked(mac, port, now);
    }

    /** The port {@code mac} was learned on, or null if it was not or has expired. */
    Port lookup(long mac, long now) {
        LearnedEntry e = index.get(mac);
        if (e == null) {
            return null;
        }
        Port p = e.port;
        if (p == null || e.expired(now)) {
            return null;
        }
        return p;
    }

    /**
     * The entry of {@code mac} if it was learned on a local interface and seen there within
     * {@code holdNanos} before {@code now} (the address is held there), else null.
     */
    LearnedEntry heldLocally(long mac, long now, long holdNanos) {
        LearnedEntry e = index.get(mac);
        if (e == null) {
            return null;
        }
        Port p = e.port;
        return p != null && !p.isLink() && now - e.seenNanos < holdNanos ? e : null;
    }

    /** Forgets every address learned on {@code port}. */
    synchronized void forget(Port port) {
        ClockRing ring = byPort.get(port);
        while (ring != null && !ring.isEmpty()) {
            drop(ring.first());
        }
    }

    /** Forgets address {@code mac}, wherever it was learned; false if it was not known. */
    synchronized boolean forget(long mac) {
        LearnedEntry e = index.get(mac);
        if (e == null) {
            return false;
        }
        drop(e);
        return true;
    }

    /** Addresses learned on local interfaces (the VMs behind this daemon's bridges). */
    synchronized void collectLocal(List<Long> out, long now) {
        table.forEach(e -> {
            if (!e.port.isLink() && now - e.seenNanos < AGE_NANOS) {
                out.add(e.mac);
            }
        });
    }

    /** The live entries, "vni V MAC -> PORT (seen S s ago)", sorted. */
    synchronized List<String> describe(int vni, long now) {
        List<String> out = new ArrayList<>();
        table.forEach(e -> {
            long ago = now - e.seenNanos;
            if (ago < AGE_NANOS) {
                out.add("vni " + vni + " " + MacAddress.format(e.mac) + " -> " + e.port.id()
                        + " (seen " + ago / 1_000_000_000L + "s ago)");
            }
        });
        out.sort(null);
        return out;
    }

    /** How many addresses the table holds, expired ones not yet dropped included. */
    int size() {
        return size;
    }

    /** How many live addresses were evicted to make room for new ones. */
    long evicted() {
        return evicted;
    }

    /** How many expired addresses were dropped to make room for new ones. */
    long expired() {
        return expired;
    }

    /** How many addresses are learned on {@code port}. */
    synchronized int learnedOn(Port port) {
        ClockRing ring = byPort.get(port);
        return ring == null ? 0 : ring.size();
    }

    /** The index's slot count, which stays below eight times the per-network cap. */
    int indexCapacity() {
        return index.capacity();
    }

    private synchronized void learnLocked(long mac, Port port, long now) {
        LearnedEntry e = index.get(mac);
        if (e == null) {
            admit(mac, port, now);
        } else if (e.port == port) {
            e.seen(now);
        } else {
            move(e, port, now);
        }
    }

    private void admit(long mac, Port port, long now) {
        makeRoom(byPort.get(port), maxPerPort, now);
        makeRoom(table, maxPerNetwork, now);
        LearnedEntry e = new LearnedEntry(mac, port, now);
        index.add(e);
        table.addLast(e.inTable);
        joinPort(e);
        admittedSinceSweep++;
        size = table.size();
    }

    private void move(LearnedEntry e, Port to, long now) {
        e.seenNanos = now; // so that making room cannot drop it as expired
        makeRoom(byPort.get(to), maxPerPort, now);
        leavePort(e);
        e.port = to;
        joinPort(e);
    }

    /** Leaves {@code ring} (null: no entries) below {@code cap}, sweeping or evicting as the class says. */
    private void makeRoom(ClockRing ring, int cap, long now) {
        if (ring == null || ring.size() < cap) {
            return;
        }
        if (admittedSinceSweep * SWEEP_SHARE >= table.size()) {
            sweepExpired(now);
        }
        while (ring.size() >= cap) {
            LearnedEntry victim = ring.victim(now);
            if (victim.expired(now)) {
                expired++;
            } else {
                evicted++;
            }
            drop(victim);
        }
    }

    private void sweepExpired(long now) {
        table.forEach(e -> {
            if (e.expired(now)) {
                expired++;
                drop(e);
            }
        });
        admittedSinceSweep = 0;
    }

    private void drop(LearnedEntry e) {
        leavePort(e);
        table.remove(e.inTable);
        index.remove(e);
        e.port = null;
        size = table.size();
    }

    private void joinPort(LearnedEntry e) {
        byPort.computeIfAbsent(e.port, p -> new ClockRing()).addLast(e.inPort);
    }

    private void leavePort(LearnedEntry e) {
        ClockRing ring = byPort.get(e.port);
        ring.remove(e.inPort);
        if (ring.isEmpty()) {
            byPort.remove(e.port);
        }
    }
}
