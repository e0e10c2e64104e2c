package io.vnet.it.bench.report;

import io.vnet.it.bench.FairnessBenchmark;
import io.vnet.it.bench.FairnessBenchmark.Result;
import io.vnet.it.bench.FairnessBenchmark.Tenants;
import java.util.List;
import java.util.Locale;

/** The fairness benchmark's report ({@link FairnessBenchmark} measures): the setting, a row per path, the two tenants. */
public final class FairnessReport {
    /** The table's header, its column names and separator lines. */
    public static final String HEADER = "| path | one flow alone Gbit/s | 8 flows in all Gbit/s (× one flow) | Jain over the run"
            + " | Jain, worst 1 s (each second) | each flow Gbit/s | ping under load avg / median / max ms |\n"
            + "|---|---|---|---|---|---|---|\n";

    private FairnessReport() {
    }

    /** What was run: the hosts, the flows and the ping. */
    public static String intro(int seconds) {
        return "Four hosts around a hub, two VMs each (MTU " + FairnessBenchmark.MTU + "), eight concurrent iperf3 TCP flows of "
                + seconds + " s (`iperf3 -J -c VM -t " + seconds + " -P 1`), each host sending two and receiving two; a ping"
                + " every 0.1 s from h1a to h3b under that load.\n\n";
    }

    /** One path's figures as a Markdown table row. */
    public static String row(Result r) {
        List<Double> per = r.jainPerInterval();
        return String.format(Locale.ROOT, "| %s | %.2f | %.2f (%.2f×) | %.3f | %.3f (%s) | %s | %.2f / %.2f / %.1f (%d of %d lost) |",
                r.path().label, r.singleFlowBps() / 1e9, r.aggregateBps() / 1e9, r.aggregateBps() / r.singleFlowBps(),
                r.jain(), r.minIntervalJain(), String.join(" ", per.stream()
                        .map(j -> String.format(Locale.ROOT, "%.2f", j)).toList()), String.join(" ", r.flows().stream()
                        .map(f -> String.format(Locale.ROOT, "%.2f", f.bitsPerSecond() / 1e9)).toList()),
                r.pingAvgMs(), r.pingMedianMs(), r.pingMaxMs(), r.pingsLost(), r.pingsSent());
    }

    /** Two tenants' shares of one link, as a sentence. */
    public static String tenants(Tenants t, boolean kernel, int seconds) {
        return String.format(Locale.ROOT, "%nTwo tenants sharing one agents' link (%s) between two hosts, both at"
                + " once for %d s: network 100 with 7 flows (`iperf3 -P 7`) got %.2f Gbit/s (%.2f of the link), network 200"
                + " with 1 flow got %.2f Gbit/s (%.2f).%n", kernel ? "VXLAN on the kernel path" : "mutual TLS", seconds,
                t.manyBps() / 1e9, t.manyShare(), t.oneBps() / 1e9, t.oneShare());
    }
}
