package io.vnet.dataplane.impl;

import io.vnet.api.PortStats;
import io.vnet.dataplane.forward.PortCounters;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counters of links that were removed, so that what they counted (frames, bytes, drops by
 * reason) does not vanish with them: a drop while an adaptation replaces links still shows in
 * {@code vnetctl stats}. The counters of the last {@value #KEPT} removed links are kept live
 * (a link closing gracefully may still count what waited for its connection); older ones are
 * folded into fixed sums.
 */
final class RemovedLinks {
    /** How many removed links' counters are kept live. */
    static final int KEPT = 64;

    private final Deque<PortCounters> kept = new ArrayDeque<>();
    private long removed;
    private long framesIn;
    private long bytesIn;
    private long framesOut;
    private long bytesOut;
    private final Map<String, Long> drops = new TreeMap<>();

    /** A link was removed: its counters from now on count here. */
    synchronized void add(PortCounters counters) {
        removed++;
        kept.addLast(counters);
        if (kept.size() > KEPT) {
            fold(kept.removeFirst().snapshot("", "", "", ""));
        }
    }

    private void fold(PortStats s) {
        framesIn += s.framesIn();
        bytesIn += s.bytesIn();
        framesOut += s.framesOut();
        bytesOut += s.bytesOut();
        s.drops().forEach((reason, n) -> drops.merge(reason, n, Long::sum));
    }

    /** The sums over every link removed so far, as one stats entry. */
    synchronized PortStats stats(String kind) {
        long fi = framesIn;
        long bi = bytesIn;
        long fo = framesOut;
        long bo = bytesOut;
        Map<String, Long> d = new TreeMap<>(drops);
        for (PortCounters c : kept) {
            PortStats s = c.snapshot("", "", "", "");
            fi += s.framesIn();
            bi += s.bytesIn();
            fo += s.framesOut();
            bo += s.bytesOut();
            s.drops().forEach((reason, n) -> d.merge(reason, n, Long::sum));
        }
        return new PortStats(kind, io.vnet.dataplane.DataPlane.REMOVED_LINKS_STATS_ID, removed + " link(s) removed", "", fi, bi, fo, bo, d);
    }
}
