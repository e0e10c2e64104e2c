package io.vnet.it.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Latencies in milliseconds, collected from several threads; percentiles by nearest rank. */
public final class Latencies {
    private final List<Double> values = new ArrayList<>();

    public synchronized void add(double ms) {
        values.add(ms);
    }

    /** Adds every value of {@code other} (another instance). */
    public void addAll(Latencies other) {
        List<Double> copy;
        synchronized (other) {
            copy = new ArrayList<>(other.values);
        }
        synchronized (this) {
            values.addAll(copy);
        }
    }

    public synchronized int count() {
        return values.size();
    }

    /** The p-th percentile (0 < p <= 100) by nearest rank; NaN when empty. */
    public synchronized double percentile(double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }

    public synchronized double max() {
        return values.isEmpty() ? Double.NaN : Collections.max(values);
    }

    /** p50, p99 and max as a summary. */
    public Summary summary() {
        return new Summary(count(), percentile(50), percentile(99), max());
    }

    /** count, p50, p99, max (ms). */
    public record Summary(int count, double p50, double p99, double max) {
    }
}
