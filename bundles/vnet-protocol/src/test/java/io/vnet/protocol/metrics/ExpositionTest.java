package io.vnet.protocol.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExpositionTest {
    @Test
    void aFamilyIsItsHelpAndTypeThenItsSamples() {
        String text = new Exposition().counter("vnet_frames_total", "Frames.\nAll of them \\ counted.")
                .sample(3, "port", "to-h2").sample(4.5, "port", "to-h3")
                .gauge("vnet_up", "Up.").sample(1).text();
        assertEquals("""
                # HELP vnet_frames_total Frames.\\nAll of them \\\\ counted.
                # TYPE vnet_frames_total counter
                vnet_frames_total{port="to-h2"} 3
                vnet_frames_total{port="to-h3"} 4.5
                # HELP vnet_up Up.
                # TYPE vnet_up gauge
                vnet_up 1
                """, text);
    }

    @Test
    void labelValuesFromTenantsAndPeersCannotBreakALine() {
        String hostile = "a\"b\\c\nd\re\u0000f" + "x".repeat(500);
        String text = new Exposition().gauge("g", "h").sample(1, "network", hostile).text();
        List<String> lines = text.lines().toList();
        assertEquals(3, lines.size(), text);
        String sample = lines.get(2);
        assertTrue(sample.startsWith("g{network=\"a\\\"b\\\\c\\nd?e?f"), sample);
        assertTrue(sample.endsWith("...\"} 1"), "cut at " + Exposition.MAX_LABEL_VALUE + " characters: " + sample.length());
        assertTrue(sample.length() < Exposition.MAX_LABEL_VALUE + 40, sample);
        assertEquals("g{network=\"\"} 1", new Exposition().gauge("g", "h").sample(1, "network", null).text().lines().toList().get(2));
    }

    @Test
    void numbersAreWrittenAsPrometheusReadsThem() {
        assertEquals("NaN", Exposition.number(Double.NaN));
        assertEquals("+Inf", Exposition.number(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", Exposition.number(Double.NEGATIVE_INFINITY));
        assertEquals("-1", Exposition.number(-1));
        assertEquals("9007199254740", Exposition.number(9007199254740L));
        assertEquals("1.0E15", Exposition.number(1e15));
        assertEquals("1.5E-4", Exposition.number(0.00015));
    }

    @Test
    void namesAreCheckedAndAFamilyStaysTogether() {
        assertThrows(IllegalArgumentException.class, () -> new Exposition().gauge("0bad", "h"));
        assertThrows(IllegalArgumentException.class, () -> new Exposition().gauge("g", "h").sample(1, "bad-label", "v"));
        assertThrows(IllegalArgumentException.class, () -> new Exposition().gauge("g", "h").sample(1, "odd"));
        assertThrows(IllegalStateException.class, () -> new Exposition().sample(1));
        assertThrows(IllegalStateException.class, () -> new Exposition().gauge("g", "h").gauge("k", "h").gauge("g", "h"));
        assertThrows(IllegalStateException.class, () -> new Exposition().gauge("g", "h").gauge("k", "h").sample("g", 1));
    }

    @Test
    void theProcessReportsItsOwnMemoryFilesCpuAndThreads() {
        Exposition e = new Exposition();
        ProcessMetrics.write(e);
        String text = e.text();
        for (String name : List.of("process_resident_memory_bytes", "process_open_fds", "process_cpu_seconds_total",
                "process_start_time_seconds", "jvm_memory_used_bytes{area=\"heap\"}", "jvm_threads_current")) {
            String line = text.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow(() -> new AssertionError(name + " in\n" + text));
            assertTrue(Double.parseDouble(line.substring(name.length() + 1)) > 0, line);
        }
    }
}
