package io.vnet.it.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The soak's growth check on synthetic series, one sample a minute unless said otherwise. */
class TrendTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long MINUTE = 60_000;

    private static long[] minutes(int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = T0 + i * MINUTE;
        }
        return t;
    }

    @Test
    void aFlatSeriesDoesNotGrow() {
        double[] v = new double[31];
        java.util.Arrays.fill(v, 50_000);
        Trend t = Trend.of(minutes(31), v);
        assertEquals(0, t.slopePerHour(), 1e-9);
        assertEquals(0, t.percentPerHour(), 1e-9);
        assertEquals(50_000, t.start(), 1e-6);
        assertFalse(t.growing());
    }

    @Test
    void aLinearLeakIsMeasuredExactlyAndJudgedAgainstTwoPercentPerHour() {
        // 100 MB growing by 3 MB an hour: 3%/h of the fitted start of the judged part
        int n = 31;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 100_000 + 3_000 * i / 60.0;
        }
        Trend t = Trend.of(minutes(n), v);
        assertEquals(21, t.used(), "the last two thirds of 31 samples: the first 10 are left out");
        assertEquals(T0 + 10 * MINUTE, t.fromMs());
        assertEquals(3_000, t.slopePerHour(), 1e-6);
        assertEquals(100_000 + 3_000 * 10 / 60.0, t.start(), 1e-6);
        assertEquals(100 * 3_000 / (100_000 + 500.0), t.percentPerHour(), 1e-9);
        assertTrue(t.growing());
        // 1.5 MB an hour is below the limit
        for (int i = 0; i < n; i++) {
            v[i] = 100_000 + 1_500 * i / 60.0;
        }
        assertFalse(Trend.of(minutes(n), v).growing());
    }

    @Test
    void warmUpInTheFirstThirdIsLeftOut() {
        // a heap that fills up over the first 10 minutes and then stays flat
        int n = 31;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i < 10 ? 20_000 + 3_000 * i : 50_000;
        }
        Trend t = Trend.of(minutes(n), v);
        assertEquals(0, t.percentPerHour(), 1e-9);
        assertFalse(t.growing());
        // the same warm-up judged over the whole run would be growth: the rule's cut is what keeps it out
        long[] late = new long[n - 10];
        double[] lv = new double[n - 10];
        for (int i = 0; i < late.length; i++) {
            late[i] = T0 + i * MINUTE;
            lv[i] = v[i];
        }
        assertTrue(Trend.of(late, lv).growing(), "the ramp itself is growth");
    }

    @Test
    void aSlowLeakUnderNoiseIsFoundOverTwoHoursAndNoiseAloneIsNot() {
        Random r = new Random(19);
        int n = 121; // two hours, a sample a minute
        double[] leak = new double[n];
        double[] noise = new double[n];
        for (int i = 0; i < n; i++) {
            double jitter = r.nextGaussian() * 200; // 0.2% of the level
            leak[i] = 100_000 + 5_000 * i / 60.0 + jitter; // 5%/h
            noise[i] = 100_000 + jitter;
        }
        assertTrue(Trend.of(minutes(n), leak).growing());
        Trend flat = Trend.of(minutes(n), noise);
        assertTrue(Math.abs(flat.percentPerHour()) < 1, "noise of 0.2% gives no slope near the limit: " + flat);
    }

    @Test
    void aFallingSeriesOrAStepDownIsNotGrowth() {
        int n = 31;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i < 20 ? 300 : 280; // threads: a pool shrank
        }
        Trend t = Trend.of(minutes(n), v);
        assertTrue(t.percentPerHour() < 0, t.toString());
        assertFalse(t.growing());
    }

    @Test
    void aStepUpInTheJudgedPartIsGrowth() {
        // file descriptors: 120, then 20 more for good two thirds into the run (never closed)
        int n = 31;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i < 20 ? 120 : 140;
        }
        Trend t = Trend.of(minutes(n), v);
        assertTrue(t.growing(), t.toString());
    }

    @Test
    void gapsAreLeftOutAndTooFewSamplesAreRefused() {
        int n = 9;
        double[] v = {1, 1, 1, 10, Double.NaN, 10, Double.NaN, 10, 10};
        Trend t = Trend.of(minutes(n), v);
        assertEquals(4, t.used());
        assertEquals(0, t.percentPerHour(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Trend.of(minutes(2), new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> Trend.of(minutes(4), new double[] {1, Double.NaN, Double.NaN, 2}));
        assertThrows(IllegalArgumentException.class, () -> Trend.of(new long[] {T0, T0, T0}, new double[] {1, 2, 3}));
    }

    @Test
    void aSeriesStartingAtZeroThatRisesIsUnboundedGrowth() {
        double[] v = {0, 0, 0, 0, 0, 1, 2};
        double[] w = {-1, 0, 0, 0, 0, 0, 0}; // a rate that went to 0 and stays: no growth
        Trend t = Trend.of(minutes(7), v);
        assertTrue(t.growing(), t.toString());
        assertFalse(Trend.of(minutes(7), new double[] {0, 0, 0, 0, 0, 0, 0}).growing());
        assertFalse(Trend.of(minutes(7), w).growing());
    }

    @Test
    void theHeapLinesOfEachCollectorAreRead() {
        String g1 = """
                12345:
                Command executed successfully
                 garbage-first heap   total 65536K, used 23456K [0x00000000f0000000, 0x0000000100000000)
                  region size 1024K, 3 young (3072K), 1 survivors (1024K)
                 Metaspace       used 40000K, committed 41000K, reserved 1114112K
                  class space    used 5000K, committed 5500K, reserved 1048576K
                """;
        assertEquals(23456, JvmProbe.parseHeapUsedKiB(g1));
        String serial = """
                 def new generation   total 4928K, used 1234K [0x00000000fc000000, 0x00000000fc550000, 0x00000000fd550000)
                  eden space 4416K,  27% used [0x00000000fc000000, 0x00000000fc134b28, 0x00000000fc450000)
                 tenured generation   total 10944K, used 5000K [0x00000000fd550000, 0x00000000fe000000, 0x0000000100000000)
                 Metaspace       used 9000K, committed 9100K, reserved 1114112K
                """;
        assertEquals(6234, JvmProbe.parseHeapUsedKiB(serial));
        String parallel = """
                 PSYoungGen      total 38400K, used 665K [0x00000000d5580000, 0x00000000d8000000, 0x0000000100000000)
                 ParOldGen       total 87552K, used 100K [0x0000000080000000, 0x0000000085580000, 0x00000000d5580000)
                """;
        assertEquals(765, JvmProbe.parseHeapUsedKiB(parallel));
        assertThrows(IllegalStateException.class, () -> JvmProbe.parseHeapUsedKiB("12345:\nNo such process\n"));
    }

    @Test
    void theMarginSaysWhatTheRunCanResolve() {
        // an exact line has no margin
        double[] line = new double[31];
        for (int i = 0; i < line.length; i++) {
            line[i] = 1_000 + i;
        }
        assertEquals(0, Trend.of(minutes(31), line).marginPercentPerHour(), 1e-9);
        // five minutes sampled every 10 s: a flat heap with 1.5% noise has a slope far above 2%/h by chance, and a
        // margin that covers it; the rule as written calls it growth, the rule beyond noise does not
        Random r = new Random(6);
        long[] t = new long[31];
        double[] heap = new double[31];
        for (int i = 0; i < t.length; i++) {
            t[i] = T0 + i * 10_000L;
            heap[i] = 10_000 * (1 + 0.015 * r.nextGaussian());
        }
        Trend noisy = Trend.of(t, heap);
        assertTrue(noisy.marginPercentPerHour() > 10 * Trend.LIMIT_PERCENT_PER_HOUR, "5 minutes cannot resolve 2%/h: " + noisy);
        assertTrue(Math.abs(noisy.percentPerHour()) <= noisy.marginPercentPerHour(), noisy.toString());
        assertFalse(noisy.growingBeyondNoise(2));
        // ... but a thread more every 90 s over the same 5 minutes is shown beyond noise
        double[] threads = new double[31];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = 33 + (i * 10) / 90;
        }
        Trend leak = Trend.of(t, threads);
        assertTrue(leak.growingBeyondNoise(2), leak.toString());
        // and over two hours a minute apart, a 5%/h leak under 0.2% noise is shown beyond noise too
        Random q = new Random(19);
        double[] slow = new double[121];
        for (int i = 0; i < slow.length; i++) {
            slow[i] = 100_000 + 5_000 * i / 60.0 + q.nextGaussian() * 200;
        }
        Trend two = Trend.of(minutes(121), slow);
        assertTrue(two.growingBeyondNoise(2), two.toString());
        assertTrue(two.marginPercentPerHour() < 0.5, two.toString());
        assertEquals(2.086, Trend.t975(20), 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, Trend.of(minutes(3), new double[] {1, 2, 3}).marginPercentPerHour());
    }

    @Test
    void theCommittedHeapAndAClassHistogramAreRead() {
        String g1 = " garbage-first heap   total 65536K, used 23456K [0x00000000f0000000, 0x0000000100000000)\n";
        assertEquals(new JvmProbe.Heap(23456, 65536), JvmProbe.parseHeap(g1));
        String histogram = """
                12345:
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:         12000        1500000  [B (java.base@17.0.15)
                   2:          9000         216000  java.lang.String (java.base@17.0.15)
                   3:           100           4800  io.vnet.dataplane.forward.LearnTable$Entry
                Total         21100        1720800
                """;
        java.util.Map<String, Long> h = JvmProbe.parseHistogram(histogram, 2);
        assertEquals(java.util.List.of("[B", "java.lang.String"), java.util.List.copyOf(h.keySet()));
        assertEquals(216000L, h.get("java.lang.String"));
        assertEquals(3, JvmProbe.parseHistogram(histogram, 10).size(), "the total line is no class");
    }
}
