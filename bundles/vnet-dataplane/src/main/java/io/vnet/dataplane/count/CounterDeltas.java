package io.vnet.dataplane.count;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns cumulative counters (frames and bytes per key) into their growth from one interval to
 * the next, for one reader. Each interval is {@link #begin()}, a {@link #growth} per key read,
 * {@link #end()}. A key's growth is its counts less those of the previous interval; a key that
 * was not read in the previous interval grows by all its counts, and so does one whose counts
 * went back (a counter that restarted from zero). {@link #end()} forgets every key not read in
 * the interval, so what is remembered is exactly the keys of the last interval: bounded by the
 * counters themselves, and pruned with them.
 */
public final class CounterDeltas<K> {
    private Map<K, long[]> last = new HashMap<>();
    private Map<K, long[]> now;

    public void begin() {
        now = new HashMap<>();
    }

    /** The growth {frames, bytes} of {@code key} since the previous interval. */
    public long[] growth(K key, long frames, long bytes) {
        now.put(key, new long[] {frames, bytes});
        long[] before = last.get(key);
        if (before == null || frames < before[0] || bytes < before[1]) {
            return new long[] {frames, bytes};
        }
        return new long[] {frames - before[0], bytes - before[1]};
    }

    public void end() {
        last = now;
        now = null;
    }

    /** How many keys are remembered from the last interval. */
    public int size() {
        return last.size();
    }
}
