package io.vnet.it.load;

import java.util.ArrayList;
import java.util.List;

/**
 * Outcomes stamped with the time of what they measure (a probe's first report, a pattern change),
 * so that a run can be split afterwards into phases (before a failover, after it, after recovery):
 * a latency in ms, or a failure (missed, unclassified). Safe for several threads.
 */
public final class Timed {
    private record Event(long atMillis, double ms) {
    }

    private final List<Event> events = new ArrayList<>();

    public synchronized void add(long atMillis, double ms) {
        events.add(new Event(atMillis, ms));
    }

    public synchronized void fail(long atMillis) {
        events.add(new Event(atMillis, Double.NaN));
    }

    /** The latencies of the events in [from, to). */
    public synchronized Latencies latencies(long from, long to) {
        Latencies l = new Latencies();
        for (Event e : events) {
            if (e.atMillis() >= from && e.atMillis() < to && !Double.isNaN(e.ms())) {
                l.add(e.ms());
            }
        }
        return l;
    }

    /** The failures among the events in [from, to). */
    public synchronized long failures(long from, long to) {
        return events.stream().filter(e -> e.atMillis() >= from && e.atMillis() < to && Double.isNaN(e.ms())).count();
    }

    /** The latencies above {@code boundMs} among the events in [from, to). */
    public synchronized long over(double boundMs, long from, long to) {
        return events.stream().filter(e -> e.atMillis() >= from && e.atMillis() < to && e.ms() > boundMs).count();
    }
}
