package io.vnet.it.bench.report;

import io.vnet.it.bench.MpiBenchmark;
import io.vnet.it.bench.MpiBenchmark.Network;
import io.vnet.it.bench.MpiBenchmark.Options;
import io.vnet.it.bench.MpiBenchmark.Run;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The MPI benchmark's report ({@link MpiBenchmark} measures): the table per pattern and path, and the targets. */
public final class MpiReport {
    private MpiReport() {
    }

    /**
     * The run's table: per pattern, each path's mean, p95 and max, and the agents against the
     * kernel star; {@code openMpiVersion} as {@link MpiBenchmark#openMpiVersion()} read it.
     */
    public static String table(Options o, Map<Network, List<Run>> results, String openMpiVersion) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "OpenMPI %s, %d ranks (one per VM, rank r on host r mod %d), %d iterations of"
                + " %d ms compute (a sleep) and one exchange of %d bytes per message; statistics over iterations %d-%d"
                + " (the first %d make the connections), after a warm-up run of %d iterations of each pattern on the same VMs;"
                + " each iteration's time is the slowest rank's.%n%n",
                openMpiVersion, MpiBenchmark.RANKS, MpiBenchmark.HOSTS, o.iterations(), o.computeMs(), o.messageBytes(), MpiBenchmark.SKIP + 1, o.iterations(),
                MpiBenchmark.SKIP, o.warmupIterations()));
        md.append("| pattern | path | mean ms | p95 ms | max ms | p95 / mean | × kernel VXLAN star (mean) | agents counted / bytes sent |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (String pattern : o.patterns()) {
            Run ref = MpiBenchmark.find(results, Network.KERNEL_VXLAN, pattern);
            for (Network p : o.paths()) {
                Run r = MpiBenchmark.find(results, p, pattern);
                if (r == null) {
                    continue;
                }
                md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.2f | %s | %s |%n", pattern, p.label,
                        r.mean() * 1e3, r.p95() * 1e3, r.max() * 1e3, r.p95() / r.mean(),
                        ref == null ? "n/a" : String.format(Locale.ROOT, "%.2f", r.mean() / ref.mean()),
                        Double.isNaN(r.counted()) ? "–" : String.format(Locale.ROOT, "%.2f", r.counted())));
            }
        }
        for (Network agentsPath : List.of(Network.AGENTS, Network.AGENTS_KERNEL)) {
            if (o.paths().contains(agentsPath)) {
                targets(md, o, results, agentsPath);
            }
        }
        return md.toString();
    }

    private static void targets(StringBuilder md, Options o, Map<Network, List<Run>> results, Network agentsPath) {
        md.append("\nTargets (issue 16, item 6), over ").append(agentsPath.label).append(":\n\n");
        for (String pattern : o.patterns()) {
            Run a = MpiBenchmark.find(results, agentsPath, pattern);
            Run k = MpiBenchmark.find(results, Network.KERNEL_VXLAN, pattern);
            if (a == null || k == null) {
                md.append("- ").append(pattern).append(": agents or kernel star not run — **NOT MEASURED**\n");
                continue;
            }
            boolean mean = a.mean() <= 1.5 * k.mean();
            boolean tail = a.p95() <= 2 * a.mean();
            boolean counted = a.counted() >= 0.9;
            md.append(String.format(Locale.ROOT, "- %s: mean %.1f ms ≤ 1.5× kernel star %.1f ms — **%s**; p95 %.1f ms ≤ 2× mean"
                    + " — **%s**; agents counted %.2f of the bytes sent (≥ 0.9) — **%s**%n", pattern, a.mean() * 1e3,
                    k.mean() * 1e3, mean ? "met" : "NOT MET", a.p95() * 1e3, tail ? "met" : "NOT MET", a.counted(),
                    counted ? "met" : "NOT MET"));
        }
    }

}
