package io.vnet.dataplane.count;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.Map;

/**
 * One forwarding thread's pair counters: an open-addressing table that only its owner thread
 * writes and that other threads read.
 *
 * <p>Slots. A pair's key word 1 holds the source and the VNI's low 16 bits, word 2 the
 * destination, the VNI's high 8 bits and an "occupied" bit. Each network seen also has one
 * entry, marked by a "network" bit in word 2, whose word 1 holds the VNI's low bits and, in its
 * low 48 bits, how many pairs of the network the table holds; its frames and bytes are the
 * network's overflow (below). Every slot also has an epoch word: the epoch it was created in
 * ("born", high 32 bits) and the last epoch it counted a frame in ("touched", low 32 bits).
 *
 * <p>Bounds. At most {@code maxPairs} pairs, and at most {@code maxPairsPerNetwork} of one
 * network, so that one flooding network leaves room to the others. A frame of a pair that does
 * not fit gets no slot: its frames and bytes are added to its network's entry (the overflow),
 * and the pair to an estimate of the pairs refused (a memory of the last {@value
 * #REFUSAL_MEMORY} refused pairs, by hash: a pair is counted again only if more than that many
 * other refused pairs came between its frames, so the estimate is exact for a few heavy pairs and
 * for floods of distinct ones). Network entries are bounded by the networks with a local port.
 * Counting a frame of a known pair, or refusing one, allocates nothing.
 *
 * <p>Pruning. A reader ends an epoch (through the shared {@link Epoch}). At its first frame after
 * that, the owner drops the pairs that counted nothing in the whole previous epoch (not touched
 * since two epochs ago), and the network entries left with no pair whose overflow also stayed
 * idle, by building a pruned copy (the one allocation, once per epoch, only when something is
 * idle). So a reader that reads the table once per epoch has read every dropped slot's final
 * counts before it goes. A slot created again later has a new born epoch.
 *
 * <p>Readers see counts through opaque reads and slots through release/acquire; a copy (growing
 * or pruning) is published through a volatile field, and the old copy is never written again.
 */
final class PairTable {
    /** The epoch shared by the tables of one set of counters, ended by their reader. */
    static final class Epoch {
        volatile int value;
    }

    interface PairVisitor {
        void visit(int vni, long src, long dst, long frames, long bytes, int born);
    }

    interface NetworkVisitor {
        void visit(int vni, long frames, long bytes, int born);
    }

    static final int REFUSAL_MEMORY = 1024;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long OCCUPIED = 1L << 63;
    private static final long NETWORK = 1L << 62;
    private static final long MAC = 0xFFFF_FFFF_FFFFL;
    private static final long TOUCHED = 0xFFFF_FFFFL;
    private static final int MIN_CAPACITY = 1024;

    private static final class Slots {
        final long[] k1;
        final long[] k2;
        final long[] frames;
        final long[] bytes;
        final long[] epochs;
        final int mask;

        Slots(int capacity) {
            k1 = new long[capacity];
            k2 = new long[capacity];
            frames = new long[capacity];
            bytes = new long[capacity];
            epochs = new long[capacity];
            mask = capacity - 1;
        }

        boolean full(int entries) {
            return entries > (mask + 1) * 3 / 4;
        }
    }

    private final Epoch epoch;
    private final int maxPairs;
    private final int maxPairsPerNetwork;
    private final Thread owner;
    private volatile Slots slots = new Slots(MIN_CAPACITY);
    private final long[] refusalMemory = new long[REFUSAL_MEMORY];
    /** The refused-pairs estimate, in a cell so that it is written opaquely. */
    private final long[] refused = new long[1];
    private int pairs;
    private int entries;
    private int epochSeen;

    PairTable(Epoch epoch, int maxPairs, int maxPairsPerNetwork, Thread owner) {
        this.epoch = epoch;
        this.maxPairs = maxPairs;
        this.maxPairsPerNetwork = maxPairsPerNetwork;
        this.owner = owner;
        this.epochSeen = epoch.value;
    }

    /** How many pairs it counts now (written by the owner thread; another thread may read a slightly older value). */
    int pairCount() {
        return pairs;
    }

    /** Whether the owner thread still runs (a dead owner's table never changes again). */
    boolean ownerAlive() {
        return owner.isAlive();
    }

    /** Counts one frame (owner thread only). */
    void add(int vni, long src, long dst, int nbytes) {
        int now = epoch.value;
        if (now != epochSeen) {
            epochSeen = now;
            prune(now);
        }
        long k1 = src | ((long) (vni & 0xFFFF) << 48);
        long k2 = dst | ((long) ((vni >>> 16) & 0xFF) << 48) | OCCUPIED;
        Slots s = slots;
        int i = hash(k1, k2) & s.mask;
        while (true) {
            long cur = s.k2[i];
            if (cur == k2 && s.k1[i] == k1) {
                bump(s, i, nbytes, now);
                return;
            }
            if (cur == 0) {
                addNew(vni, k1, k2, nbytes, now);
                return;
            }
            i = (i + 1) & s.mask;
        }
    }

    private void addNew(int vni, long k1, long k2, int nbytes, int now) {
        if (slots.full(entries + 2)) {
            grow();
        }
        Slots s = slots;
        int net = network(s, vni, now);
        if (pairs >= maxPairs || (s.k1[net] & MAC) >= maxPairsPerNetwork) {
            bump(s, net, nbytes, now);
            remember(k1, k2);
            return;
        }
        int i = free(s, hash(k1, k2));
        s.k1[i] = k1;
        s.frames[i] = 1;
        s.bytes[i] = nbytes;
        s.epochs[i] = ((long) now << 32) | (now & TOUCHED);
        LONGS.setRelease(s.k2, i, k2); // publishes the slot to readers
        LONGS.setOpaque(s.k1, net, s.k1[net] + 1);
        pairs++;
        entries++;
    }

    /** The slot of {@code vni}'s network entry, created if the network has none yet. */
    private int network(Slots s, int vni, int now) {
        long k1 = (long) (vni & 0xFFFF) << 48;
        long k2 = ((long) ((vni >>> 16) & 0xFF) << 48) | NETWORK | OCCUPIED;
        int i = hash(k1, k2) & s.mask;
        while (true) {
            long cur = s.k2[i];
            if (cur == k2 && (s.k1[i] & ~MAC) == k1) {
                return i;
            }
            if (cur == 0) {
                s.k1[i] = k1;
                s.epochs[i] = ((long) now << 32) | (now & TOUCHED);
                LONGS.setRelease(s.k2, i, k2);
                entries++;
                return i;
            }
            i = (i + 1) & s.mask;
        }
    }

    private static void bump(Slots s, int i, int nbytes, int now) {
        LONGS.setOpaque(s.frames, i, s.frames[i] + 1);
        LONGS.setOpaque(s.bytes, i, s.bytes[i] + nbytes);
        long e = s.epochs[i];
        if ((int) e != now) {
            LONGS.setOpaque(s.epochs, i, (e & ~TOUCHED) | (now & TOUCHED));
        }
    }

    /** Adds a refused pair to the estimate, unless it is among the last ones remembered. */
    private void remember(long k1, long k2) {
        long print = mix(k1, k2) | 1;
        int at = (int) (print >>> 40) & (REFUSAL_MEMORY - 1);
        if (refusalMemory[at] != print) {
            refusalMemory[at] = print;
            LONGS.setOpaque(refused, 0, refused[0] + 1);
        }
    }

    private static long mix(long k1, long k2) {
        long h = k1 * 0x9E3779B97F4A7C15L ^ k2 * 0xC2B2AE3D27D4EB4FL;
        return h ^ (h >>> 29);
    }

    private static int hash(long k1, long k2) {
        return (int) mix(k1, k2);
    }

    /** The hash a slot is placed by: a network entry's ignores its pair count. */
    private static int slotHash(long k1, long k2) {
        return (k2 & NETWORK) != 0 ? hash(k1 & ~MAC, k2) : hash(k1, k2);
    }

    private static int free(Slots s, int hash) {
        int i = hash & s.mask;
        while (s.k2[i] != 0) {
            i = (i + 1) & s.mask;
        }
        return i;
    }

    private static void copy(Slots from, int i, Slots to, long k1) {
        int j = free(to, slotHash(k1, from.k2[i]));
        to.k1[j] = k1;
        to.frames[j] = from.frames[i];
        to.bytes[j] = from.bytes[i];
        to.epochs[j] = from.epochs[i];
        to.k2[j] = from.k2[i];
    }

    private void grow() {
        Slots old = slots;
        Slots next = new Slots((old.mask + 1) * 2);
        for (int i = 0; i <= old.mask; i++) {
            if (old.k2[i] != 0) {
                copy(old, i, next, old.k1[i]);
            }
        }
        slots = next; // volatile: readers see the copied slots
    }

    private static boolean idle(long epochs, int now) {
        return now - (int) epochs >= 2;
    }

    private static int vni(long k1, long k2) {
        return (int) ((k1 >>> 48) & 0xFFFF) | (int) (((k2 >>> 48) & 0xFF) << 16);
    }

    /** Drops the pairs idle for a whole epoch, and network entries left with nothing, if any is idle. */
    private void prune(int now) {
        Slots s = slots;
        Map<Integer, long[]> kept = new HashMap<>();
        int idle = 0;
        for (int i = 0; i <= s.mask; i++) {
            long k2 = s.k2[i];
            if (k2 == 0 || (k2 & NETWORK) != 0) {
                continue;
            }
            if (idle(s.epochs[i], now)) {
                idle++;
            } else {
                kept.computeIfAbsent(vni(s.k1[i], k2), v -> new long[1])[0]++;
            }
        }
        if (idle == 0) {
            return;
        }
        int keptEntries = pairs - idle;
        for (int i = 0; i <= s.mask; i++) {
            long k2 = s.k2[i];
            if ((k2 & NETWORK) != 0 && (kept.containsKey(vni(s.k1[i], k2)) || !idle(s.epochs[i], now))) {
                keptEntries++;
            }
        }
        int capacity = MIN_CAPACITY;
        while (capacity * 3 / 4 < keptEntries + 2) {
            capacity *= 2;
        }
        Slots next = new Slots(capacity);
        for (int i = 0; i <= s.mask; i++) {
            long k2 = s.k2[i];
            if (k2 == 0) {
                continue;
            }
            if ((k2 & NETWORK) == 0) {
                if (!idle(s.epochs[i], now)) {
                    copy(s, i, next, s.k1[i]);
                }
            } else {
                long[] n = kept.get(vni(s.k1[i], k2));
                if (n != null || !idle(s.epochs[i], now)) {
                    copy(s, i, next, (s.k1[i] & ~MAC) | (n == null ? 0 : n[0]));
                }
            }
        }
        pairs -= idle;
        entries = keptEntries;
        slots = next; // volatile: readers see the pruned copy; the old one is never written again
    }

    /** Every pair the table holds, with its cumulative counts since it was created. */
    void forEachPair(PairVisitor v) {
        Slots s = slots;
        for (int i = 0; i <= s.mask; i++) {
            long k2 = (long) LONGS.getAcquire(s.k2, i);
            if (k2 != 0 && (k2 & NETWORK) == 0) {
                long k1 = s.k1[i];
                v.visit(vni(k1, k2), k1 & MAC, k2 & MAC, (long) LONGS.getOpaque(s.frames, i),
                        (long) LONGS.getOpaque(s.bytes, i), (int) ((long) LONGS.getOpaque(s.epochs, i) >>> 32));
            }
        }
    }

    /** Every network entry, with its cumulative overflow since it was created. */
    void forEachNetwork(NetworkVisitor v) {
        Slots s = slots;
        for (int i = 0; i <= s.mask; i++) {
            long k2 = (long) LONGS.getAcquire(s.k2, i);
            if ((k2 & NETWORK) != 0) {
                long k1 = (long) LONGS.getOpaque(s.k1, i);
                v.visit(vni(k1, k2), (long) LONGS.getOpaque(s.frames, i), (long) LONGS.getOpaque(s.bytes, i),
                        (int) ((long) LONGS.getOpaque(s.epochs, i) >>> 32));
            }
        }
    }

    /** The estimate of the distinct pairs refused a slot, cumulative. */
    long refusedPairs() {
        return (long) LONGS.getOpaque(refused, 0);
    }
}
