package io.vnet.it.experiment;

import io.vnet.it.patterns.Pattern;
import io.vnet.it.patterns.Patterns;
import io.vnet.it.patterns.RankLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The iteration times of a patterns run, placed on the wall clock and summarised over the
 * steady part of a phase.
 *
 * <p>Rank 0 prints when (epoch ms) it starts each phase and, per iteration, how long it took
 * (compute + exchange + barrier). Iterations follow each other without a gap, so the start of
 * an iteration is the phase's start plus the times of the iterations before it in the phase.
 * This needs every iteration printed ({@code printEvery} 1, the default of
 * {@link Patterns.Options#of(String)}).
 */
public final class IterationTimes {
    private IterationTimes() {
    }

    /** One iteration of rank 0 on the wall clock (epoch ms, fractional). */
    public record Timed(long index, int phase, Pattern pattern, double startEpochMs, double endEpochMs, double timeMs,
                        double commMs) {
    }

    /**
     * A phase's steady part: how many iterations it had, how many were left out at its start
     * (warm-up, or before the overlay changed), and the median, mean, 10th and 90th percentile
     * of those counted; {@code fromEpochMs..toEpochMs} is the stretch they cover. With no
     * iteration counted, the times are NaN.
     */
    public record Steady(int phase, Pattern pattern, int total, int skipped, int counted, double medianMs, double meanMs,
                         double p10Ms, double p90Ms, long fromEpochMs, long toEpochMs) {
        public boolean empty() {
            return counted == 0;
        }
    }

    /** Rank 0's iterations on the wall clock, in order. */
    public static List<Timed> timeline(RankLog log) {
        List<Timed> out = new ArrayList<>();
        for (RankLog.PhaseStart s : log.starts()) {
            double t = s.epochMs();
            long expect = -1;
            for (RankLog.Iteration it : log.iterationsOf(s.phase())) {
                if (expect >= 0 && it.index() != expect) {
                    throw new IllegalArgumentException("iteration " + expect + " of phase " + s.phase()
                            + " was not printed (print every iteration to place them on the clock)");
                }
                expect = it.index() + 1;
                out.add(new Timed(it.index(), it.phase(), it.pattern(), t, t + it.timeMs(), it.timeMs(), it.commMs()));
                t += it.timeMs();
            }
        }
        return out;
    }

    /** The epoch ms at which rank 0 began phase {@code phase}, or -1 if it did not. */
    public static long phaseStart(RankLog log, int phase) {
        for (RankLog.PhaseStart s : log.starts()) {
            if (s.phase() == phase) {
                return s.epochMs();
            }
        }
        return -1;
    }

    /**
     * The steady part of phase {@code phase}: its iterations without the first
     * {@code skipFirst}, without those that started less than {@code warmupMs} after the
     * phase began, and without those that started before {@code notBeforeEpochMs} (e.g. the
     * moment a new overlay was in place; 0 for none).
     */
    public static Steady steady(RankLog log, int phase, int skipFirst, double warmupMs, long notBeforeEpochMs) {
        List<Timed> all = timeline(log).stream().filter(t -> t.phase() == phase).toList();
        Pattern p = all.isEmpty() ? null : all.get(0).pattern();
        long start = phaseStart(log, phase);
        double from = Math.max(start + warmupMs, notBeforeEpochMs);
        List<Timed> kept = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (i >= skipFirst && all.get(i).startEpochMs() >= from) {
                kept.add(all.get(i));
            }
        }
        if (kept.isEmpty()) {
            return new Steady(phase, p, all.size(), all.size(), 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1, -1);
        }
        double[] times = kept.stream().mapToDouble(Timed::timeMs).toArray();
        return new Steady(phase, p, all.size(), all.size() - kept.size(), kept.size(), percentile(times, 50),
                Arrays.stream(times).average().orElse(Double.NaN), percentile(times, 10), percentile(times, 90),
                (long) kept.get(0).startEpochMs(), (long) Math.ceil(kept.get(kept.size() - 1).endEpochMs()));
    }

    /** Median iteration time (ms) of phase {@code phase} of a run, leaving out its first {@code skipFirst} iterations. */
    public static double medianIterationMs(Patterns.Result r, int phase, int skipFirst) {
        return steady(r.rank0(), phase, skipFirst, 0, 0).medianMs();
    }

    /** As {@link #medianIterationMs}, counting only iterations that began at or after {@code notBeforeEpochMs}. */
    public static double medianIterationMs(Patterns.Result r, int phase, int skipFirst, long notBeforeEpochMs) {
        return steady(r.rank0(), phase, skipFirst, 0, notBeforeEpochMs).medianMs();
    }

    /** The {@code q}-th percentile (0..100) by linear interpolation; NaN for no values. */
    public static double percentile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        double pos = q / 100.0 * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return v[lo] + (v[hi] - v[lo]) * (pos - lo);
    }
}
