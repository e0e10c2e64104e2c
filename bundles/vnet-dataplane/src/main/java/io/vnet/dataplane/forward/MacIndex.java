package io.vnet.dataplane.forward;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The hash index of a {@link LearnTable}: MAC address to {@link LearnedEntry}. Any number of
 * threads read it at once, without a lock and without allocating, while one writer at a time
 * (the holder of the table's lock) adds and removes entries.
 * <p>
 * Open addressing with linear probing over a power-of-two array of entries. The array holds
 * the entries themselves, whose MAC never changes, so a reader that finds its MAC in a slot has
 * that address's entry: there is no separate key for a concurrent write to tear from its value.
 * Slots are written with release and read with acquire, so an entry is seen whole. A removed
 * entry leaves a tombstone, which readers probe past and inserts reuse, so a concurrent change
 * never cuts a reader's probe short of an entry that is present.
 * <p>
 * When entries and tombstones would fill more than half the array, the writer builds a new
 * array with at least four slots per entry and publishes it through a volatile field; a reader
 * still on the old array meets the same entry objects, and misses only entries added since. A
 * rebuild costs O(capacity) and follows at least a quarter of the capacity in inserts since the
 * last one, so an insert costs O(1) amortised, and the capacity is less than eight times the
 * most entries held at once (and at least {@link #MIN_CAPACITY}). Probes start from a hash
 * keyed by a random seed of each index, so that a tenant cannot pick addresses that collide.
 */
final class MacIndex {
    static final int MIN_CAPACITY = 16;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(LearnedEntry[].class);
    /** Stands in a slot whose entry was removed; its MAC, -1, is no 48-bit address. */
    private static final LearnedEntry TOMBSTONE = new LearnedEntry(-1L, null, 0L);

    private final long seed;
    private volatile LearnedEntry[] slots = new LearnedEntry[MIN_CAPACITY];
    private int live;
    private int tombstones;

    MacIndex() {
        this(ThreadLocalRandom.current().nextLong());
    }

    MacIndex(long seed) {
        this.seed = seed;
    }

    /** The entry of {@code mac}, or null. Lock-free and allocation-free. */
    LearnedEntry get(long mac) {
        LearnedEntry[] s = slots;
        int mask = s.length - 1;
        int i = home(mac, mask);
        for (int probes = 0; probes <= mask; probes++) {
            LearnedEntry e = (LearnedEntry) SLOT.getAcquire(s, i);
            if (e == null) {
                return null;
            }
            if (e.mac == mac && e != TOMBSTONE) {
                return e;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Adds {@code entry}; its MAC must not be in the index. Writer only. */
    void add(LearnedEntry entry) {
        if ((live + tombstones + 1) * 2 > slots.length) {
            rebuild(capacityFor(live + 1));
        }
        LearnedEntry[] s = slots;
        int mask = s.length - 1;
        int i = home(entry.mac, mask);
        while (s[i] != null && s[i] != TOMBSTONE) {
            i = (i + 1) & mask;
        }
        if (s[i] == TOMBSTONE) {
            tombstones--;
        }
        SLOT.setRelease(s, i, entry);
        live++;
    }

    /** Removes {@code entry}; false if it was not in the index. Writer only. */
    boolean remove(LearnedEntry entry) {
        LearnedEntry[] s = slots;
        int mask = s.length - 1;
        int i = home(entry.mac, mask);
        for (int probes = 0; probes <= mask && s[i] != null; probes++) {
            if (s[i] == entry) {
                SLOT.setRelease(s, i, TOMBSTONE);
                live--;
                tombstones++;
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    int size() {
        return live;
    }

    /** The length of the slot array, to show that memory stays bounded. */
    int capacity() {
        return slots.length;
    }

    /** The capacity a rebuild gives for {@code entries}: a power of two, at least four slots each. */
    static int capacityFor(int entries) {
        int wanted = Math.max(MIN_CAPACITY, entries * 4);
        return Integer.highestOneBit(wanted - 1) << 1;
    }

    private void rebuild(int capacity) {
        LearnedEntry[] next = new LearnedEntry[capacity];
        int mask = capacity - 1;
        for (LearnedEntry e : slots) {
            if (e != null && e != TOMBSTONE) {
                int i = home(e.mac, mask);
                while (next[i] != null) {
                    i = (i + 1) & mask;
                }
                next[i] = e;
            }
        }
        tombstones = 0;
        slots = next;
    }

    /** MurmurHash3's 64-bit finaliser of the seeded address. */
    private int home(long mac, int mask) {
        long h = mac ^ seed;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
