package io.vnet.it.soak;

import io.vnet.it.machine.JvmProbe;
import io.vnet.it.machine.Trend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a soak found: every process's samples and each metric's trend, each VM pair's longest
 * silence outside migrations, the closed loop's decisions, the churn, the workload's outcome, the classes
 * whose live bytes grew most per process over the part judged (class histograms at a third of the run and at its
 * end: evidence for a metric that grows), and the failures against the criteria (empty: it passed).
 */
public record SoakResult(SoakOptions options, long startMs, long endMs, Map<String, List<JvmProbe.Sample>> series,
                         List<MetricRow> metrics, List<PairProbes.PairResult> pairs, long pairsRefused,
                         List<Churn.Event> churn, Map<String, List<Outages.Window>> migrations,
                         DecisionWatch.Summary decisions, boolean workloadOk, String workloadSummary,
                         List<String> samplerErrors, Map<String, List<String>> heapGrowthByClass,
                         List<String> failures) {

    /** The metrics sampled per process, each with its unit. */
    public enum Metric {
        HEAP("heap after GC", "MiB"),
        THREADS("threads", ""),
        FDS("open FDs", ""),
        RSS("RSS", "MiB"),
        CPU("CPU", "% of a core");

        private final String label;
        private final String unit;

        Metric(String label, String unit) {
            this.label = label;
            this.unit = unit;
        }

        public String label() {
            return label;
        }

        public String unit() {
            return unit;
        }

        /**
         * This metric's series from a process's samples: times and values. CPU is the share of a core
         * between a sample and the one before (so it starts at the second sample), NaN (not fitted) over an
         * interval shorter than half the run's usual one: the soak's last sample follows the end's class
         * histograms (a full GC in each process) by about 2 s, and the CPU over those seconds is the
         * histogram's, not the process's; the others are the samples' values (heap NaN where it could not be read).
         */
        public Series of(List<JvmProbe.Sample> samples) {
            int from = this == CPU ? 1 : 0;
            long usual = usualIntervalMs(samples);
            int n = Math.max(0, samples.size() - from);
            long[] t = new long[n];
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                JvmProbe.Sample s = samples.get(i + from);
                t[i] = s.epochMs();
                v[i] = switch (this) {
                    case HEAP -> s.heapKiB() / 1024.0;
                    case THREADS -> s.threads();
                    case FDS -> s.fds();
                    case RSS -> s.rssKiB() / 1024.0;
                    case CPU -> {
                        JvmProbe.Sample p = samples.get(i);
                        double dt = (s.epochMs() - p.epochMs()) / 1000.0;
                        yield dt > 0 && dt * 1000 * 2 >= usual ? 100 * (s.cpuSeconds() - p.cpuSeconds()) / dt : Double.NaN;
                    }
                };
            }
            return new Series(t, v);
        }

        /** The median of the intervals between the samples (0 with fewer than two). */
        static long usualIntervalMs(List<JvmProbe.Sample> samples) {
            long[] d = new long[Math.max(0, samples.size() - 1)];
            for (int i = 1; i < samples.size(); i++) {
                d[i - 1] = samples.get(i).epochMs() - samples.get(i - 1).epochMs();
            }
            java.util.Arrays.sort(d);
            return d.length == 0 ? 0 : d[d.length / 2];
        }
    }

    /** A metric's samples: epoch ms and values. */
    public record Series(long[] timesMs, double[] values) {
        public int size() {
            return timesMs.length;
        }

        /** The first value that is not NaN (NaN if none). */
        public double first() {
            for (double x : values) {
                if (!Double.isNaN(x)) {
                    return x;
                }
            }
            return Double.NaN;
        }

        /** The last value that is not NaN (NaN if none). */
        public double last() {
            for (int i = values.length - 1; i >= 0; i--) {
                if (!Double.isNaN(values[i])) {
                    return values[i];
                }
            }
            return Double.NaN;
        }
    }

    /**
     * One process's metric: first and last sample, the trend of the last two thirds (null if too few
     * samples: then {@code why}), and whether it passed (grows no faster than the limit).
     */
    public record MetricRow(String process, Metric metric, double first, double last, Trend trend, String why,
                            boolean pass) {
    }

    /**
     * The {@code top} classes whose bytes grew most from {@code before} to {@code after} (class histograms),
     * as "class +N KiB (from A to B KiB)", growth only.
     */
    public static List<String> growthByClass(Map<String, Long> before, Map<String, Long> after, int top) {
        java.util.Set<String> names = new java.util.HashSet<>(before.keySet());
        names.addAll(after.keySet());
        return names.stream()
                .map(n -> Map.entry(n, after.getOrDefault(n, 0L) - before.getOrDefault(n, 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(top)
                .map(e -> String.format(java.util.Locale.ROOT, "%s +%d KiB (%d to %d KiB)", e.getKey(), e.getValue() / 1024,
                        before.getOrDefault(e.getKey(), 0L) / 1024, after.getOrDefault(e.getKey(), 0L) / 1024))
                .toList();
    }

    /** The metric rows for these series, judged against {@code limitPercentPerHour} by {@code rule}. */
    public static List<MetricRow> judge(Map<String, List<JvmProbe.Sample>> series, double limitPercentPerHour,
                                        SoakOptions.GrowthRule rule) {
        List<MetricRow> out = new ArrayList<>();
        for (Map.Entry<String, List<JvmProbe.Sample>> e : series.entrySet()) {
            for (Metric m : Metric.values()) {
                Series s = m.of(e.getValue());
                Trend t = null;
                String why = null;
                try {
                    t = Trend.of(s.timesMs(), s.values());
                } catch (IllegalArgumentException tooFew) {
                    why = tooFew.getMessage();
                }
                out.add(new MetricRow(e.getKey(), m, s.first(), s.last(), t, why,
                        t != null && !(rule == SoakOptions.GrowthRule.AS_WRITTEN ? t.growing(limitPercentPerHour)
                                : t.growingBeyondNoise(limitPercentPerHour))));
            }
        }
        return out;
    }

    public boolean passed() {
        return failures.isEmpty();
    }

    /** The pair with the longest silence outside migrations (null if no pair was probed). */
    public PairProbes.PairResult worstPair() {
        return pairs.isEmpty() ? null : pairs.get(0);
    }
}
