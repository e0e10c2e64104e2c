package io.vnet.it.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.it.machine.JvmProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The soak's judgement of its samples, and what it says grew. */
class SoakResultTest {
    private static final long T0 = 1_700_000_000_000L;

    /** 31 samples a minute apart: heap {@code heapKiB(i)}, 40 threads, 60 FDs, RSS 200 MiB, 1 CPU second a minute. */
    private static List<JvmProbe.Sample> samples(java.util.function.IntToDoubleFunction heapKiB, int threadsFrom) {
        List<JvmProbe.Sample> out = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            out.add(new JvmProbe.Sample(T0 + i * 60_000L, heapKiB.applyAsDouble(i), 65536, 40 + (i >= threadsFrom ? 5 : 0),
                    60, 200 * 1024, i * 1.0, null));
        }
        return out;
    }

    @Test
    void aLeakingProcessFailsOnItsMetricAndTheOthersPass() {
        Map<String, List<JvmProbe.Sample>> series = new java.util.LinkedHashMap<>();
        series.put("agent h1", samples(i -> 10_000, 99));
        series.put("manager", samples(i -> 20_000 + 100 * i, 25)); // 30%/h of heap, and 5 threads more late
        List<SoakResult.MetricRow> rows = SoakResult.judge(series, 2, SoakOptions.GrowthRule.AS_WRITTEN);
        assertEquals(10, rows.size());
        for (SoakResult.MetricRow r : rows) {
            boolean leaking = r.process().equals("manager")
                    && (r.metric() == SoakResult.Metric.HEAP || r.metric() == SoakResult.Metric.THREADS);
            assertEquals(!leaking, r.pass(), r.process() + " " + r.metric() + ": " + r.trend());
        }
        SoakResult.MetricRow cpu = rows.get(4);
        assertEquals(SoakResult.Metric.CPU, cpu.metric());
        assertEquals(100.0 / 60, cpu.first(), 1e-9, "a CPU second a minute is 1.7% of a core");
        assertEquals(30, cpu.trend().samples(), "CPU starts at the second sample");
    }

    @Test
    void theCpuOfAShortLastIntervalIsNotFitted() {
        List<JvmProbe.Sample> s = samples(i -> 10_000, 99);
        JvmProbe.Sample last = s.get(s.size() - 1);
        // 2 s after the last regular sample, with 1 CPU second in them (the class histograms' full GC)
        s.add(new JvmProbe.Sample(last.epochMs() + 2000, 10_000, 65536, 40, 60, 200 * 1024, last.cpuSeconds() + 1, null));
        SoakResult.Series cpu = SoakResult.Metric.CPU.of(s);
        assertEquals(31, cpu.size());
        assertTrue(Double.isNaN(cpu.values()[30]), "50% of a core over 2 s is not the process's: " + cpu.values()[30]);
        assertEquals(100.0 / 60, cpu.values()[29], 1e-9);
        assertEquals(60_000, SoakResult.Metric.usualIntervalMs(s));
    }

    @Test
    void beyondNoiseKeepsWhatTheDataShow() {
        java.util.Random r = new java.util.Random(3);
        Map<String, List<JvmProbe.Sample>> series = Map.of("agent px", samples(i -> 10_000 * (1 + 0.02 * r.nextGaussian()), 99));
        SoakResult.MetricRow heap = SoakResult.judge(series, 2, SoakOptions.GrowthRule.BEYOND_NOISE).get(0);
        assertTrue(heap.pass(), heap.trend().toString());
        Map<String, List<JvmProbe.Sample>> leak = Map.of("agent px", samples(i -> 10_000 + 50 * i, 99)); // 30%/h
        assertFalse(SoakResult.judge(leak, 2, SoakOptions.GrowthRule.BEYOND_NOISE).get(0).pass());
    }

    @Test
    void growthByClassListsTheLargestGrowthFirst() {
        List<String> g = SoakResult.growthByClass(Map.of("[B", 1024L * 1000, "java.lang.String", 2048L, "Gone", 4096L),
                Map.of("[B", 1024L * 1500, "java.lang.String", 1024L * 10, "New", 1024L * 100), 2);
        assertEquals(List.of("[B +500 KiB (1000 to 1500 KiB)", "New +100 KiB (0 to 100 KiB)"), g);
    }
}
