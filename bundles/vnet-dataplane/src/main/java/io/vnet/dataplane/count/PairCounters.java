package io.vnet.dataplane.count;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Per-pair frame and byte counters for the forwarding path. Each forwarding thread writes its
 * own table ({@link PairTable}, found through a ThreadLocal), so counting takes no lock and
 * allocates nothing, whether the frame's pair has a counter or is refused one. Readers merge all
 * tables.
 *
 * <p>Bounded: a thread's table holds at most {@value #MAX_PAIRS} pairs, at most {@value
 * #MAX_PAIRS_PER_NETWORK} of one network (half: a flooding network leaves the other half to the
 * others). A frame of a new pair beyond that is counted in its network's overflow (frames and
 * bytes, {@link #overflow()}) and the pair in an estimate of refused pairs ({@link
 * #refusedPairs()}), so every frame is counted somewhere. A full table takes about 1.3 MiB.
 *
 * <p>Cumulative and periodic views. {@link #snapshot()}, {@link #overflow()} and {@link
 * #refusedPairs()} are cumulative since each counter was created. {@link #interval()} is for the
 * one periodic reporter: it returns the growth since its previous call, and each call ends an
 * epoch, after which every table drops the pairs that counted nothing during the whole previous
 * epoch (so the live pairs turn over and a flood's addresses leave within two intervals). The
 * growth stays exact across that pruning: a pair is dropped only after a call that read its
 * final counts, and a pair counted again later is a new counter (a new born epoch) whose counts
 * are all growth. What the reporter remembers of the previous call is exactly the counters the
 * tables held then, so it is pruned with them. A table whose thread has ended is read one last
 * time by {@link #interval()} and then dropped (without a reporter: when a new thread starts
 * counting).
 */
public final class PairCounters {
    /** The most pairs one forwarding thread's table holds. */
    public static final int MAX_PAIRS = 16_384;
    /** The most pairs of one network one forwarding thread's table holds. */
    public static final int MAX_PAIRS_PER_NETWORK = MAX_PAIRS / 2;

    /** One pair's count, with its network and addresses as the low bits of longs. */
    public record Count(int vni, long src, long dst, long frames, long bytes) {
    }

    /** Frames of network {@code vni} whose pair had no room for a counter, and their bytes. */
    public record Overflow(int vni, long frames, long bytes) {
    }

    /** The growth of the counters over one reporting interval; see {@link #interval()}. */
    public record Counts(List<Count> pairs, List<Overflow> overflow, long refusedPairs) {
    }

    /** A counter as the reporter knows it: one table's pair (or network entry) of one born epoch. */
    private record Incarnation(PairTable table, int vni, long src, long dst, int born) {
    }

    private record Key(int vni, long src, long dst) {
    }

    private static final long NO_MAC = -1;

    private final int maxPairs;
    private final int maxPairsPerNetwork;
    private final PairTable.Epoch epoch = new PairTable.Epoch();
    private final CopyOnWriteArrayList<PairTable> tables = new CopyOnWriteArrayList<>();
    private final ThreadLocal<PairTable> mine = ThreadLocal.withInitial(this::newTable);
    private final CounterDeltas<Incarnation> deltas = new CounterDeltas<>();
    private final CounterDeltas<PairTable> refusedDeltas = new CounterDeltas<>();

    public PairCounters() {
        this(MAX_PAIRS, MAX_PAIRS_PER_NETWORK);
    }

    /** Counters with other bounds (tests). */
    PairCounters(int maxPairs, int maxPairsPerNetwork) {
        this.maxPairs = maxPairs;
        this.maxPairsPerNetwork = maxPairsPerNetwork;
    }

    private PairTable newTable() {
        // a table whose thread ended keeps its counts: they are cumulative, and only a reporter's
        // last read of them (interval()) lets it go
        PairTable t = new PairTable(epoch, maxPairs, maxPairsPerNetwork, Thread.currentThread());
        tables.add(t);
        return t;
    }

    /** Counts one frame of {@code bytes} from {@code src} to {@code dst} in network {@code vni}. */
    public void count(int vni, long src, long dst, int bytes) {
        mine.get().add(vni, src, dst, bytes);
    }

    /** Every pair the tables hold, cumulative since its counter was created, merged over threads. */
    public List<Count> snapshot() {
        Map<Key, long[]> merged = new HashMap<>();
        for (PairTable t : tables) {
            t.forEachPair((vni, src, dst, frames, bytes, born) -> add(merged, new Key(vni, src, dst), frames, bytes));
        }
        return counts(merged);
    }

    /** Per network, the frames (and bytes) that found no room for their pair, cumulative. */
    public List<Overflow> overflow() {
        Map<Integer, long[]> merged = new TreeMap<>();
        for (PairTable t : tables) {
            t.forEachNetwork((vni, frames, bytes, born) -> add(merged, vni, frames, bytes));
        }
        return overflows(merged);
    }

    /** How many pairs the tables count now, summed over threads (for metrics: read without a lock, so approximate). */
    public int size() {
        int n = 0;
        for (PairTable t : tables) {
            n += t.pairCount();
        }
        return n;
    }

    /** The estimate of the distinct pairs refused a counter, summed over the tables, cumulative. */
    public long refusedPairs() {
        long sum = 0;
        for (PairTable t : tables) {
            sum += t.refusedPairs();
        }
        return sum;
    }

    /**
     * For the one periodic reporter: the growth of every counter since the previous call (all of
     * it at the first call), merged over threads; pairs and networks that did not grow are left
     * out. Then ends the epoch, so that pairs idle since before the previous call are dropped.
     */
    public synchronized Counts interval() {
        Map<Key, long[]> pairs = new HashMap<>();
        Map<Integer, long[]> overflow = new TreeMap<>();
        long refused = 0;
        deltas.begin();
        refusedDeltas.begin();
        List<PairTable> ended = new ArrayList<>();
        for (PairTable t : tables) {
            if (!t.ownerAlive()) {
                ended.add(t); // nothing changes it any more: this is its last read
            }
            t.forEachPair((vni, src, dst, frames, bytes, born) -> {
                long[] g = deltas.growth(new Incarnation(t, vni, src, dst, born), frames, bytes);
                add(pairs, new Key(vni, src, dst), g[0], g[1]);
            });
            t.forEachNetwork((vni, frames, bytes, born) -> {
                long[] g = deltas.growth(new Incarnation(t, vni, NO_MAC, NO_MAC, born), frames, bytes);
                add(overflow, vni, g[0], g[1]);
            });
            refused += refusedDeltas.growth(t, t.refusedPairs(), 0)[0];
        }
        deltas.end();
        refusedDeltas.end();
        tables.removeAll(ended);
        epoch.value++;
        return new Counts(counts(pairs), overflows(overflow), refused);
    }

    /** How many tables there are (one per thread that counted and has not been dropped). */
    int tableCount() {
        return tables.size();
    }

    private static <K> void add(Map<K, long[]> merged, K key, long frames, long bytes) {
        if (frames == 0 && bytes == 0) {
            return;
        }
        long[] acc = merged.computeIfAbsent(key, k -> new long[2]);
        acc[0] += frames;
        acc[1] += bytes;
    }

    private static List<Count> counts(Map<Key, long[]> merged) {
        List<Count> out = new ArrayList<>(merged.size());
        merged.forEach((k, v) -> out.add(new Count(k.vni(), k.src(), k.dst(), v[0], v[1])));
        return out;
    }

    private static List<Overflow> overflows(Map<Integer, long[]> merged) {
        List<Overflow> out = new ArrayList<>(merged.size());
        merged.forEach((vni, v) -> out.add(new Overflow(vni, v[0], v[1])));
        return out;
    }
}
