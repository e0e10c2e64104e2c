package io.vnet.manager.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ownership changes that the listeners have not heard yet, bounded whatever the listeners' pace:
 * per network at most two, a loss and then an acquisition. A change merges with what waits for
 * its network:
 * <ul>
 *   <li>a loss replaces everything that waits (an acquisition not heard yet need not be; a
 *       loss heard of a network a listener did not hold is a no-op for every listener);</li>
 *   <li>an acquisition replaces a waiting acquisition and stays behind a waiting loss (so a
 *       listener that held the network forgets it before restoring it under the new epoch).</li>
 * </ul>
 * What the merges left out is counted ({@link #merged}). Networks are handed out in the order
 * their first waiting change came; a network's changes in their order. Thread-safe.
 */
final class PendingChanges {
    /** One change: {@code acquired} with its lease's epoch, or lost. */
    record Change(int vni, boolean acquired, long epoch) {
        static Change lost(int vni) {
            return new Change(vni, false, 0);
        }

        static Change acquired(int vni, long epoch) {
            return new Change(vni, true, epoch);
        }
    }

    private final Map<Integer, List<Change>> waiting = new LinkedHashMap<>();
    private final AtomicLong merged = new AtomicLong();

    /** Adds {@code c}, merged with what waits for its network; returns whether nothing waited before (a drain is due). */
    synchronized boolean add(Change c) {
        boolean wasEmpty = waiting.isEmpty();
        List<Change> w = waiting.computeIfAbsent(c.vni(), k -> new ArrayList<>(2));
        if (!c.acquired()) {
            merged.addAndGet(w.size());
            w.clear();
            w.add(c);
        } else {
            boolean lossWaits = !w.isEmpty() && !w.get(0).acquired();
            int dropped = w.size() - (lossWaits ? 1 : 0);
            merged.addAndGet(dropped);
            w.clear();
            if (lossWaits) {
                w.add(Change.lost(c.vni()));
            }
            w.add(c);
        }
        return wasEmpty;
    }

    /** Takes everything that waits, in order. */
    synchronized List<Change> take() {
        List<Change> out = new ArrayList<>();
        waiting.values().forEach(out::addAll);
        waiting.clear();
        return out;
    }

    /** Changes waiting now (at most two per network). */
    synchronized int size() {
        return waiting.values().stream().mapToInt(List::size).sum();
    }

    /** Changes that merges left out since the start (never heard by the listeners, as they no longer held). */
    long merged() {
        return merged.get();
    }
}
