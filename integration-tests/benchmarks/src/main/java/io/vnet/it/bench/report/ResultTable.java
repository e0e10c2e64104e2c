package io.vnet.it.bench.report;

import io.vnet.it.bench.BenchOptions;
import io.vnet.it.bench.RowResult;
import io.vnet.it.bench.RowRunner;
import io.vnet.it.bench.Transport;
import java.util.Map;
import java.util.Optional;

/** The run's results as Markdown: one table row per transport, how each path was built, and the targets. */
public final class ResultTable {
    private ResultTable() {
    }

    public static String markdown(BenchOptions o, String command, String machine, Map<Transport, RowResult> results) {
        StringBuilder md = new StringBuilder();
        md.append("Command: `").append(command).append("`\n\n");
        md.append("Machine: ").append(machine).append("\n\n");
        md.append(String.format("Settings: VM MTU %d in every row over an underlay of MTU 1500 (less where a row's"
                + " encapsulation needs it: its MTU column); iperf3 TCP %d s with 1 and"
                + " with 4 streams from va to vb (one-off server `iperf3 -s -1` in vb); %d pings every %s s before the"
                + " iperf3 runs, then %d pings one second apart (the idle path; the forwarders' idle CPU is taken meanwhile); %s; a fresh fabric per row.%n%n", o.mtu(), o.seconds(), o.pings(), o.pingInterval(), o.idlePings(),
                o.warmupSeconds() > 0 ? "a " + o.warmupSeconds() + " s 1-stream iperf3 and " + RowRunner.WARMUP_PINGS
                        + " pings every " + (RowRunner.WARMUP_PING_INTERVAL * 1000) + " ms as warm-up first" : "no warm-up"));
        md.append("| row | MTU | 1 stream Gbit/s | 4 streams Gbit/s | iperf3 retransmits (1 / 4 streams) | ping avg / max (median) µs | ping 1/s median (avg) µs | idle CPU % of a core | × kernel VXLAN (1 / 4 streams)"
                + " | × VXLAN over wireguard-go (1 / 4 streams) | × tinc (1 / 4 streams) | forwarder CPU s/GB | forwarder peak RSS MiB | offloads (ha side) | exact commands (in va) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RowResult r : results.values()) {
            Transport t = r.transport();
            Transport tincRef = t.tincReference();
            md.append("| ").append(t.label()).append(" (`").append(t.id()).append("`)")
                    .append(" | ").append(r.mtu())
                    .append(" | ").append(String.format("%.2f", r.gbps(1)))
                    .append(" | ").append(String.format("%.2f", r.gbps(4)))
                    .append(" | ").append(r.oneStream().retransmits()).append(" / ").append(r.fourStreams().retransmits())
                    .append(" | ").append(String.format("%.0f / %.0f (%.0f)", r.rttAvgMicros(), r.rttMaxMicros(), r.rttMedianMicros()))
                    .append(r.pingsReceived() < r.pingsSent() ? " (" + (r.pingsSent() - r.pingsReceived()) + " lost)" : "")
                    .append(" | ").append(r.idlePing() == null ? "–" : String.format("%.0f (%.0f)", r.idlePing().medianMs() * 1000,
                            r.idlePing().avgMs() * 1000) + (r.idlePing().received() < r.idlePing().sent()
                            ? " (" + (r.idlePing().sent() - r.idlePing().received()) + " lost)" : ""))
                    .append(" | ").append(Double.isNaN(r.idleCpuPercent()) ? "–" : String.format("%.2f", r.idleCpuPercent()))
                    .append(" | ").append(ratio(results, t, Transport.KERNEL_VXLAN))
                    .append(" | ").append(ratio(results, t, Transport.VXLAN_WIREGUARD))
                    .append(" | ").append(ratio(results, t, tincRef)).append(" vs `").append(tincRef.id()).append('`')
                    .append(" | ").append(Double.isNaN(r.cpuSecondsPerGB()) ? "– (kernel)" : String.format("%.1f", r.cpuSecondsPerGB()))
                    .append(" | ").append(Double.isNaN(r.peakRssMiB()) ? "– (kernel)" : String.format("%.0f", r.peakRssMiB()))
                    .append(" | ").append(String.join("<br>", r.offloads()))
                    .append(" | `").append(r.ping().command()).append("`<br>`").append(r.oneStream().clientCommand())
                    .append("`<br>`").append(r.fourStreams().clientCommand()).append("` |\n");
        }
        md.append("\nIdle CPU: the busier forwarding daemon's user+system CPU while the pings one second apart ran,"
                + " in percent of one core.\n");
        md.append("\nForwarder CPU: user+system seconds of both agents (or both tincd, or both wireguard-go) over the 1- and 4-stream runs, per"
                + " 10^9 bytes iperf3 received; peak RSS: the larger VmHWM of the two at the end.\n");
        md.append("\nHow each row's path was built (the same on both hosts unless named):\n\n");
        for (RowResult r : results.values()) {
            md.append("- ").append(r.transport().label()).append(":\n");
            for (String s : r.setup()) {
                md.append("  - ").append(s).append('\n');
            }
        }
        md.append("\nTargets:\n\n");
        for (Targets.Check c : Targets.evaluate(results)) {
            md.append(c.line()).append('\n');
        }
        return md.toString();
    }

    private static String ratio(Map<Transport, RowResult> results, Transport row, Transport ref) {
        Optional<Ratios> r = Ratios.of(results, row, ref);
        return r.map(Ratios::toString).orElse("n/a");
    }

    /** A short console summary of one row, printed as soon as it is measured. */
    public static String consoleLine(RowResult r) {
        return String.format("%-45s MTU %d: %6.2f Gbit/s (1 stream), %6.2f Gbit/s (4 streams), ping avg %.0f µs max %.0f µs"
                + " median %.0f µs (%d/%d)%s", r.transport().label(), r.mtu(), r.gbps(1), r.gbps(4), r.rttAvgMicros(),
                r.rttMaxMicros(), r.rttMedianMicros(),
                r.pingsReceived(), r.pingsSent(), Double.isNaN(r.cpuSecondsPerGB()) ? ""
                        : String.format(", CPU %.1f s/GB, peak RSS %.0f MiB", r.cpuSecondsPerGB(), r.peakRssMiB()))
                + (r.idlePing() == null ? "" : String.format(", ping 1/s median %.0f µs", r.idlePing().medianMs() * 1000))
                + (Double.isNaN(r.idleCpuPercent()) ? "" : String.format(", idle CPU %.2f%%", r.idleCpuPercent()));
    }

}
