package io.vnet.vttif.impl;

import io.vnet.api.MacAddress;
import io.vnet.vttif.MacPair;
import io.vnet.vttif.Omitted;
import io.vnet.vttif.PairTraffic;
import io.vnet.vttif.TrafficMatrix;
import io.vnet.vttif.TrafficSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The low-pass filter of one network: a sliding window (a moving average, the simplest
 * low-pass filter). At time {@code now} the window holds every report whose interval ends
 * after {@code now - window}, from any number of agents, and a pair's rate is the sum of its
 * bytes in those reports divided by the time they cover. A burst shorter than the window is
 * thus spread over the window, and old traffic leaves it completely after one window.
 * Broadcast, multicast and self pairs never enter it.
 *
 * <p>Bounded, whatever the reports hold:
 * <ul>
 * <li>a report keeps at most {@code maxReportPairs} pairs, its largest by bytes; the others are
 *     cut and counted ({@link Omitted#reportPairs()}, {@link Omitted#reportBytes()});</li>
 * <li>the window holds at most {@code maxWindowPairs} pairs over all its reports: past that its
 *     oldest reports leave early, counted ({@link Omitted#earlyReports()}). The rates stay
 *     consistent, since they are the bytes held over the time the held reports cover: the
 *     window just covers less time;</li>
 * <li>the matrix has at most {@code maxNodes} VMs, the largest talkers (bytes sent and received
 *     in the window over the pairs above the minimum rate; equal ones by address). The pairs of
 *     the others are left out of the matrix, counted ({@link Omitted#nodes()}, {@link
 *     Omitted#bytesPerSecond()}).</li>
 * </ul>
 * The pairs summed in the window are thus at most {@code maxWindowPairs}, and the matrix, which
 * is sparse, holds at most that many weights.
 */
public final class TrafficWindow {
    /** One report as held: its time and its kept pairs with their bytes. */
    private record Held(long startMillis, long endMillis, MacPair[] pairs, long[] bytes) {
    }

    private static final Comparator<Map.Entry<MacPair, PairTraffic>> LARGEST_FIRST =
            Comparator.<Map.Entry<MacPair, PairTraffic>>comparingLong(e -> -e.getValue().bytes())
                    .thenComparing(e -> e.getKey().src()).thenComparing(e -> e.getKey().dst());

    private final long windowMillis;
    private final int maxNodes;
    private final int maxReportPairs;
    private final int maxWindowPairs;
    private final PriorityQueue<Held> held = new PriorityQueue<>(Comparator.comparingLong(Held::endMillis));
    private final Map<MacPair, Long> bytes = new HashMap<>();
    private int heldPairs;
    private long horizon = Long.MIN_VALUE;
    private long cutPairs;
    private long cutBytes;
    private long earlyReports;
    private int omittedNodes;
    private double omittedRate;
    private long cappedEvaluations;

    /**
     * @param maxNodes       the most VMs in a matrix
     * @param maxReportPairs the most pairs kept of one report
     * @param maxWindowPairs the most pairs held over all the reports in the window, at least
     *                       {@code maxReportPairs}
     */
    public TrafficWindow(long windowMillis, int maxNodes, int maxReportPairs, int maxWindowPairs) {
        if (maxNodes < 2 || maxReportPairs < 1 || maxWindowPairs < maxReportPairs) {
            throw new IllegalArgumentException("invalid window bounds: " + maxNodes + " nodes, " + maxReportPairs
                    + " pairs per report, " + maxWindowPairs + " pairs in all (expected nodes >= 2, 1 <= pairs per"
                    + " report <= pairs in all)");
        }
        this.windowMillis = windowMillis;
        this.maxNodes = maxNodes;
        this.maxReportPairs = maxReportPairs;
        this.maxWindowPairs = maxWindowPairs;
    }

    /**
     * Adds a report; false (and nothing added) if it ended before the window of the last
     * {@link #advance} began, that is, if it arrived too late to count.
     *
     * @throws IllegalArgumentException if a pair's bytes in the window would overflow a long; the
     *                                  window is then inconsistent and must be {@link #clear}ed
     */
    public boolean add(TrafficSample sample) {
        if (sample.endMillis() <= horizon) {
            return false;
        }
        Held h = hold(sample);
        held.add(h);
        heldPairs += h.pairs().length;
        apply(h, +1);
        while (heldPairs > maxWindowPairs && held.size() > 1) {
            remove(held.poll());
            earlyReports++;
        }
        return true;
    }

    /** The report's unicast pairs with traffic, at most {@code maxReportPairs} of them, the largest. */
    private Held hold(TrafficSample sample) {
        List<Map.Entry<MacPair, PairTraffic>> kept = new ArrayList<>();
        for (Map.Entry<MacPair, PairTraffic> e : sample.counts().entrySet()) {
            if (e.getValue().bytes() > 0 && e.getKey().isUnicastConversation()) {
                kept.add(e);
            }
        }
        if (kept.size() > maxReportPairs) {
            kept.sort(LARGEST_FIRST);
            List<Map.Entry<MacPair, PairTraffic>> cut = kept.subList(maxReportPairs, kept.size());
            cutPairs += cut.size();
            for (Map.Entry<MacPair, PairTraffic> e : cut) {
                cutBytes += e.getValue().bytes();
            }
            kept = kept.subList(0, maxReportPairs);
        }
        MacPair[] pairs = new MacPair[kept.size()];
        long[] counts = new long[kept.size()];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = kept.get(i).getKey();
            counts[i] = kept.get(i).getValue().bytes();
        }
        return new Held(sample.startMillis(), sample.endMillis(), pairs, counts);
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
        return held.isEmpty();
    }

    /** Drops every report held (after a failure), keeping the counters and the horizon. */
    public void clear() {
        held.clear();
        bytes.clear();
        heldPairs = 0;
        omittedNodes = 0;
        omittedRate = 0;
    }

    /**
     * Moves the window to end at {@code now} and returns the average rates in bytes per second.
     * Pairs whose two directions together stay below {@code minPairRate} are left out, and so are
     * the pairs of VMs beyond the {@code maxNodes} largest talkers.
     */
    public TrafficMatrix advance(long now, double minPairRate) {
        startAt(now);
        while (!held.isEmpty() && held.peek().endMillis() <= horizon) {
            remove(held.poll());
        }
        omittedNodes = 0;
        omittedRate = 0;
        if (held.isEmpty()) {
            return TrafficMatrix.empty();
        }
        long start = Long.MAX_VALUE;
        long end = now;
        for (Held h : held) {
            start = Math.min(start, h.startMillis());
            end = Math.max(end, h.endMillis());
        }
        double seconds = Math.max(1, end - start) / 1000.0;
        List<Map.Entry<MacPair, Long>> significant = new ArrayList<>();
        Map<MacAddress, Long> talk = new HashMap<>();
        for (Map.Entry<MacPair, Long> e : bytes.entrySet()) {
            long both = saturatedSum(e.getValue(), bytes.getOrDefault(e.getKey().reversed(), 0L));
            if (both / seconds >= minPairRate) {
                significant.add(e);
                talk.merge(e.getKey().src(), e.getValue(), TrafficWindow::saturatedSum);
                talk.merge(e.getKey().dst(), e.getValue(), TrafficWindow::saturatedSum);
            }
        }
        Set<MacAddress> nodes = largestTalkers(talk);
        TrafficMatrix.Builder m = TrafficMatrix.builder();
        for (Map.Entry<MacPair, Long> e : significant) {
            double rate = e.getValue() / seconds;
            if (nodes.contains(e.getKey().src()) && nodes.contains(e.getKey().dst())) {
                m.add(e.getKey().src(), e.getKey().dst(), rate);
            } else {
                omittedRate += rate;
            }
        }
        omittedNodes = talk.size() - nodes.size();
        if (omittedNodes > 0) {
            cappedEvaluations++;
        }
        return m.build();
    }

    /** The {@code maxNodes} VMs that sent and received the most bytes (all of them if fewer). */
    private Set<MacAddress> largestTalkers(Map<MacAddress, Long> talk) {
        if (talk.size() <= maxNodes) {
            return talk.keySet();
        }
        List<Map.Entry<MacAddress, Long>> byTalk = new ArrayList<>(talk.entrySet());
        byTalk.sort(Comparator.<Map.Entry<MacAddress, Long>>comparingLong(e -> -e.getValue())
                .thenComparing(Map.Entry::getKey));
        Set<MacAddress> out = new HashSet<>();
        for (int i = 0; i < maxNodes; i++) {
            out.add(byTalk.get(i).getKey());
        }
        return out;
    }

    /**
     * What this window left out: {@code failedEvaluations} is the caller's count, passed
     * through.
     */
    public Omitted omitted(long failedEvaluations) {
        return new Omitted(cutPairs, cutBytes, earlyReports, omittedNodes, omittedRate, cappedEvaluations,
                failedEvaluations);
    }

    /** The sum of two byte counts (never negative), at most {@link Long#MAX_VALUE}. */
    private static long saturatedSum(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private void remove(Held h) {
        apply(h, -1);
        heldPairs -= h.pairs().length;
    }

    private void apply(Held h, int sign) {
        for (int i = 0; i < h.pairs().length; i++) {
            MacPair pair = h.pairs()[i];
            long b = h.bytes()[i];
            if (sign > 0) {
                long sum = bytes.getOrDefault(pair, 0L);
                try {
                    sum = Math.addExact(sum, b);
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("invalid traffic: the bytes of " + pair
                            + " in the window overflow a long");
                }
                bytes.put(pair, sum);
            } else {
                bytes.merge(pair, -b, (x, y) -> x + y == 0 ? null : x + y);
            }
        }
    }
}
