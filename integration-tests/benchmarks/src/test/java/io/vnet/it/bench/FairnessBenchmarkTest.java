package io.vnet.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vnet.protocol.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fairness benchmark's arithmetic: Jain's index and the per-second rates read from iperf3's report. */
class FairnessBenchmarkTest {
    @Test
    void jainIsOneForEqualSharesAndOneOverNWhenOneFlowTakesAll() {
        assertEquals(1.0, FairnessBenchmark.jain(new double[] {3, 3, 3, 3}), 1e-12);
        assertEquals(0.25, FairnessBenchmark.jain(new double[] {8, 0, 0, 0}), 1e-12);
        // the measurement: two host pairs at 0.03-0.04 Gbit/s, the others at 0.30-0.45
        assertEquals(0.580, FairnessBenchmark.jain(new double[] {0.03, 0.04, 0.03, 0.04, 0.30, 0.45, 0.40, 0.35}), 0.001);
    }

    @Test
    void wholeSecondsOfTheSendersReportAreRead() throws Exception {
        String report = """
                {"intervals": [
                  {"sum": {"seconds": 1.0001, "bits_per_second": 1.5e9}},
                  {"sum": {"seconds": 0.999, "bits_per_second": 2.5e9}},
                  {"sum": {"seconds": 0.2, "bits_per_second": 9e9}}]}
                """;
        assertEquals(List.of(1.5e9, 2.5e9), FairnessBenchmark.intervals(Json.MAPPER.readTree(report)));
    }
}
