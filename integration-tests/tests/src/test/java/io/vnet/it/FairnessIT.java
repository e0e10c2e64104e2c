package io.vnet.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.it.bench.FairnessBenchmark;
import io.vnet.it.bench.report.FairnessReport;
import io.vnet.it.bench.FairnessBenchmark.Result;
import io.vnet.it.bench.FairnessBenchmark.Star;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 5, CI-sized (5 s flows instead of the benchmark's 10): eight concurrent cross-host
 * iperf3 flows through a star of four hosts and a hub, over the agents' star on the kernel path
 * and over a kernel VXLAN star of the same shape in the same run, with the bounds asserted
 * as ratios: Jain's index over the run at least 0.9 and in every 1 s interval at least 0.8, the
 * eight flows' sum at least 0.8 of one flow alone, and the ping under that load at most 1 ms above
 * the kernel star's. The full run is {@code scripts/bench-fairness.sh}; the user-space star's
 * figures are in BENCHMARKS.md (it does not meet the interval and ping bounds).
 */
class FairnessIT {
    static final int SECONDS = 5;

    @Test
    void theAgentsKernelStarSharesFairlyWithShortQueues() throws Exception {
        Result kernel = FairnessBenchmark.run(Star.KERNEL_VXLAN, SECONDS);
        Result agents = FairnessBenchmark.run(Star.AGENTS_KERNEL, SECONDS);
        String figures = FairnessReport.row(kernel) + "\n" + FairnessReport.row(agents);
        System.out.println(figures);
        assertTrue(agents.jain() >= 0.9, "Jain over the run " + agents.jain() + "\n" + figures);
        assertTrue(agents.minIntervalJain() >= 0.8, "Jain in the worst second " + agents.minIntervalJain() + "\n" + figures);
        assertTrue(agents.aggregateBps() >= 0.8 * agents.singleFlowBps(), String.format(Locale.ROOT,
                "8 flows %.2f Gbit/s vs one alone %.2f%n%s", agents.aggregateBps() / 1e9, agents.singleFlowBps() / 1e9, figures));
        assertTrue(agents.pingsLost() == 0 && agents.pingAvgMs() <= kernel.pingAvgMs() + 1.0, String.format(Locale.ROOT,
                "ping under load %.2f ms (lost %d) vs the kernel star's %.2f ms%n%s", agents.pingAvgMs(), agents.pingsLost(),
                kernel.pingAvgMs(), figures));
    }
}
