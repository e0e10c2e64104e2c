package io.vnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.it.bench.BenchOptions;
import io.vnet.it.bench.DataPlaneBenchmark;
import io.vnet.it.bench.RowResult;
import io.vnet.it.bench.Transport;
import io.vnet.it.fabric.Fabric;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every row of the data plane benchmark works end to end: a short run of each (1 s iperf3
 * with 1 and 4 streams, 5 pings, 2 pings a second apart, no warm-up) moves data and answers every ping. The figures
 * of so short a run mean nothing; the benchmark itself is scripts/bench-dataplane.sh.
 */
class DataPlaneBenchmarkIT {
    @Test
    void everyRowCarriesTrafficAndIsMeasured() throws Exception {
        BenchOptions defaults = BenchOptions.defaults(Fabric.repo());
        BenchOptions quick = new BenchOptions(List.of(Transport.values()), 1, 5, 0.01, 0, defaults.mtu(),
                Fabric.repo().resolve("integration-tests/tests/target/bench-dataplane-it.md"), 2);
        Map<Transport, RowResult> results = DataPlaneBenchmark.run(quick);
        assertEquals(List.of(Transport.values()), List.copyOf(results.keySet()), "every row ran, in order");
        for (RowResult r : results.values()) {
            String row = r.transport().label();
            assertEquals(5, r.pingsSent(), row);
            assertEquals(5, r.pingsReceived(), row + ": every ping answered");
            assertTrue(r.rttAvgMicros() > 0 && r.rttMaxMicros() >= r.rttAvgMicros() && r.rttMedianMicros() > 0, row + ": RTT read");
            assertEquals(2, r.idlePing().received(), row + ": every ping one second apart answered");
            assertTrue(r.oneStream().bytesReceived() > 10_000 && r.fourStreams().bytesReceived() > 10_000,
                    row + ": iperf3 moved data with 1 and 4 streams");
            assertTrue(r.gbps(1) > 0 && r.gbps(4) > 0, row);
            assertEquals(r.transport() == Transport.DIRECT ? 2 : 3, r.offloads().size(), row + ": offloads " + r.offloads());
            assertTrue(r.oneStream().clientCommand().contains("-P 1") && r.fourStreams().clientCommand().contains("-P 4"), row);
            boolean daemon = r.transport().isDaemon();
            assertEquals(daemon, !Double.isNaN(r.cpuSecondsPerGB()), row + ": CPU measured for user-space forwarders only");
            if (daemon) {
                // on the kernel path the agents carry nothing: their CPU per GB may round to 0
                boolean carries = r.transport() != Transport.AGENT_KERNEL;
                assertTrue((carries ? r.cpuSecondsPerGB() > 0 : r.cpuSecondsPerGB() >= 0) && r.peakRssMiB() > 1, row + ": "
                        + r.cpuSecondsPerGB() + " s/GB, " + r.peakRssMiB() + " MiB");
                assertTrue(r.idleCpuPercent() >= 0, row + ": idle CPU measured: " + r.idleCpuPercent());
            }
        }
    }
}
