package io.vnet.manager.impl;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One network's total traffic rate (bytes/s, from VTTIF's smoothed matrix), sampled at each
 * tick of the loop and kept for a while, so that a decision's realised gain can compare the
 * rate before it with the rate once the new overlay has settled. For a BSP application the rate
 * is inversely proportional to the iteration time, so the ratio of rates is the ratio of
 * iteration times.
 */
final class RateMeter {
    private static final long KEEP_MS = 120_000;
    private final Deque<long[]> samples = new ArrayDeque<>(); // {millis, Double.doubleToLongBits(rate)}

    synchronized void sample(long millis, double rate) {
        samples.addLast(new long[] {millis, Double.doubleToLongBits(rate)});
        while (!samples.isEmpty() && samples.peekFirst()[0] < millis - KEEP_MS) {
            samples.removeFirst();
        }
    }

    /** The mean of the samples taken in [from, to], NaN if there is none. */
    synchronized double mean(long from, long to) {
        double sum = 0;
        int n = 0;
        for (long[] s : samples) {
            if (s[0] >= from && s[0] <= to) {
                sum += Double.longBitsToDouble(s[1]);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
