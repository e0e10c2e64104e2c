package io.vnet.vttif.impl;

import io.vnet.vttif.MacPair;
import io.vnet.vttif.PairCount;
import io.vnet.vttif.TrafficMatrix;
import io.vnet.vttif.TrafficSample;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The low-pass filter of one network: a sliding window (a moving average, the simplest
 * low-pass filter). At time {@code now} the window holds every report whose interval ends
 * after {@code now - window}, from any number of agents, and a pair's rate is the sum of its
 * bytes in those reports divided by the time they cover. A burst shorter than the window is
 * thus spread over the window, and old traffic leaves it completely after one window.
 * Broadcast, multicast and self pairs never enter it.
 */
public final class TrafficWindow {
    private final long windowMillis;
    private final PriorityQueue<TrafficSample> samples =
            new PriorityQueue<>(Comparator.comparingLong(TrafficSample::endMillis));
    private final Map<MacPair, Long> bytes = new HashMap<>();
    private long horizon = Long.MIN_VALUE;

    public TrafficWindow(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    /**
     * Adds a report; false (and nothing added) if it ended before the window of the last
     * {@link #advance} began, that is, if it arrived too late to count.
     */
    public boolean add(TrafficSample sample) {
        if (sample.endMillis() <= horizon) {
            return false;
        }
        samples.add(sample);
        apply(sample, +1);
        return true;
    }

    /**
     * Starts the window at {@code now} without reporting anything: for a network first heard of
     * after evaluations began, so that it refuses reports as late as every other network does.
     */
    public void startAt(long now) {
        horizon = Math.max(horizon, now - windowMillis);
    }

    /** Whether the window holds no report. */
    public boolean isEmpty() {
        return samples.isEmpty();
    }

    /**
     * Moves the window to end at {@code now} and returns the average rates in bytes per second.
     * Pairs whose two directions together stay below {@code minPairRate} are left out.
     */
    public TrafficMatrix advance(long now, double minPairRate) {
        startAt(now);
        while (!samples.isEmpty() && samples.peek().endMillis() <= horizon) {
            apply(samples.poll(), -1);
        }
        if (samples.isEmpty()) {
            return TrafficMatrix.empty();
        }
        long start = Long.MAX_VALUE;
        long end = now;
        for (TrafficSample s : samples) {
            start = Math.min(start, s.startMillis());
            end = Math.max(end, s.endMillis());
        }
        double seconds = Math.max(1, end - start) / 1000.0;
        TrafficMatrix.Builder m = TrafficMatrix.builder();
        for (Map.Entry<MacPair, Long> e : bytes.entrySet()) {
            long both = e.getValue() + bytes.getOrDefault(e.getKey().reversed(), 0L);
            if (both / seconds >= minPairRate) {
                m.add(e.getKey().src(), e.getKey().dst(), e.getValue() / seconds);
            }
        }
        return m.build();
    }

    private void apply(TrafficSample sample, int sign) {
        for (Map.Entry<MacPair, PairCount> e : sample.counts().entrySet()) {
            long b = e.getValue().bytes();
            if (b > 0 && e.getKey().isUnicastConversation()) {
                bytes.merge(e.getKey(), sign * b, (x, y) -> x + y == 0 ? null : x + y);
            }
        }
    }
}
