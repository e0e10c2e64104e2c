package io.vnet.it.load;

import io.vnet.it.patterns.Pattern;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntPredicate;

/**
 * Classification time: after a network's pattern changes at T ({@link Traffic.Listener}), the time
 * until a scrape of the manager's {@code /metrics} ({@link MetricsWatch}) shows {@code
 * vnet_topology_class{network="VNI",class="C"} 1} with C the new pattern's class. A change not
 * classified within {@link #GIVE_UP_MS} is counted unclassified; so is one overtaken by the next
 * change of its network. "Late" counts those classified, but after {@code boundMs}. With several
 * managers a scrape counts only for the networks its manager owns ({@link #scraped(long, MetricsText,
 * IntPredicate)}).
 */
public final class ClassificationProbe implements Traffic.Listener {
    static final long GIVE_UP_MS = 30_000;

    private record Pending(String expected, long since) {
    }

    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final Latencies latencies = new Latencies();
    private final LongAdder changes = new LongAdder();
    private final LongAdder unclassified = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final LongAdder leftOut = new LongAdder();
    /** Outcomes by the change's time: a latency, or unclassified (to split a run into phases). */
    private final Timed timed = new Timed();
    /** Every measured change by its time (a latency of 0: only counted). */
    private final Timed changeTimes = new Timed();
    private final long boundMs;
    private volatile boolean measuring;

    public ClassificationProbe(long boundMs) {
        this.boundMs = boundMs;
    }

    /** Only changes from now on are measured (the first patterns, set before the agents connected, are not changes). */
    public void measureFromNow() {
        measuring = true;
    }

    @Override
    public void changed(Layout.Network network, Pattern from, Pattern to, long atMillis) {
        if (!measuring) {
            return;
        }
        changes.increment();
        changeTimes.add(atMillis, 0);
        Pending before = pending.put(network.vni(), new Pending(NetworkPatterns.topologyClass(to), atMillis));
        if (before != null) {
            unclassified.increment(); // overtaken by the next change
            timed.fail(before.since());
        }
    }

    /** A scrape at {@code at}: settles the pending changes it shows classified, gives up the old ones. */
    public void scraped(long at, MetricsText m) {
        scraped(at, m, vni -> true);
    }

    /** As {@link #scraped(long, MetricsText)}, the scrape counting only for the networks (VNIs) {@code counts}. */
    public void scraped(long at, MetricsText m, IntPredicate counts) {
        Map<Integer, String> classes = m.topologyClasses();
        for (Iterator<Map.Entry<Integer, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Pending> e = it.next();
            Pending p = e.getValue();
            if (counts.test(e.getKey()) && p.expected().equals(classes.get(e.getKey())) && at >= p.since()) {
                long ms = at - p.since();
                if (!pending.remove(e.getKey(), p)) {
                    continue; // another manager's scrape settled it (or a change overtook it) meanwhile
                }
                latencies.add(ms);
                timed.add(p.since(), ms);
                if (ms > boundMs) {
                    late.increment();
                }
            } else if (at - p.since() > GIVE_UP_MS && pending.remove(e.getKey(), p)) {
                unclassified.increment();
                timed.fail(p.since());
            }
        }
    }

    /** Ends the run: what is still pending past the bound counts as unclassified. */
    public void finish(long now) {
        for (Iterator<Map.Entry<Integer, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Pending p = it.next().getValue();
            if (now - p.since() > boundMs) {
                unclassified.increment();
                timed.fail(p.since());
            } else {
                leftOut.increment(); // younger than the bound at the end: not measured
            }
            it.remove();
        }
    }

    /** Latencies and unclassified changes by the change's time. */
    public Timed timed() {
        return timed;
    }

    /** The measured changes by their time. */
    public Timed changeTimes() {
        return changeTimes;
    }

    /** The bound past which a classification is late (ms). */
    public long boundMs() {
        return boundMs;
    }

    public Latencies latencies() {
        return latencies;
    }

    public long changes() {
        return changes.sum();
    }

    public long unclassified() {
        return unclassified.sum();
    }

    /** Changes still young at the end of the run (under the bound): not measured. */
    public long leftOut() {
        return leftOut.sum();
    }

    /** Classified, but after the bound. */
    public long late() {
        return late.sum();
    }
}
