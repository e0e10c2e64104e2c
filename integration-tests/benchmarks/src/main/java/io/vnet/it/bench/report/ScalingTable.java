package io.vnet.it.bench.report;

import io.vnet.it.bench.ScalingBenchmark;
import io.vnet.it.bench.ScalingCell;
import io.vnet.it.bench.ScalingOptions;
import io.vnet.it.bench.Transport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The scaling benchmark's results as Markdown: a matrix (one row per transport, placement and
 * (loops, lanes); one column per stream count), the best (loops, lanes) per stream count, then
 * every cell in detail with the link's stats line, and how each test bed was built and checked.
 */
public final class ScalingTable {
    private ScalingTable() {
    }

    public static String markdown(ScalingOptions o, String command, String machine, String pinning, List<ScalingCell> cells,
            List<ScalingBenchmark.Bed> beds) {
        List<Integer> streams = cells.stream().map(ScalingCell::streams).distinct().sorted().toList();
        StringBuilder md = new StringBuilder();
        md.append("Command: `").append(command).append("`\n\n");
        md.append("Machine: ").append(machine).append("\n\n");
        md.append(String.format(Locale.ROOT, "Settings: iperf3 TCP va → vb, `-t %d -O %d` per cell (the first %d s left"
                + " out), a fresh one-off server each; VM MTU %d, underlay 1500. One test bed per transport and (loops,"
                + " lanes): %s, the shared cells, then both agents pinned and the pinned cells. Pinned: agent ha on CPU 0,"
                + " hb on CPU 1, with %s; iperf3 client and server unpinned. Kernel VXLAN (`ip link` defaults) is measured"
                + "%s; the ratios divide by %s at the same stream count. Agents' CPU: user+system seconds of both agents over"
                + " the whole iperf3 run per 10^9 bytes carried (received plus the omitted seconds' bytes). Lanes: before"
                + " and after each agent cell, both ends of the link must be up with all lanes up (`lanes N/N` in the"
                + " agents' link stats) within %d s, and the session must not have restarted, else the cell fails.%n%n",
                o.seconds(), o.omitSeconds(), o.omitSeconds(), o.mtu(),
                o.warmupSeconds() > 0 ? "a " + o.warmupSeconds() + " s 4-stream iperf3 warm-up" : "no warm-up", pinning,
                o.quick() ? " once, first" : " first and again last", o.quick() ? "it" : "the mean of the two passes",
                ScalingBenchmark.LANES_TIMEOUT_MS / 1000));
        md.append("Each cell: Gbit/s (× kernel VXLAN, agents' CPU s/GB).\n\n");
        md.append("| transport | placement | loops × lanes |");
        for (int s : streams) {
            md.append(' ').append(s).append(s == 1 ? " stream |" : " streams |");
        }
        md.append("\n|---|---|---|").append("---|".repeat(streams.size())).append('\n');
        List<String> rowKeys = new ArrayList<>();
        for (ScalingCell c : cells) {
            String key = rowKey(c);
            if (!rowKeys.contains(key)) {
                rowKeys.add(key);
            }
        }
        for (String key : rowKeys) {
            ScalingCell first = cells.stream().filter(c -> rowKey(c).equals(key)).findFirst().orElseThrow();
            md.append("| ").append(first.isAgent() ? first.transport().label() : first.transport().label()
                    + " (" + first.placement() + ")")
                    .append(" | ").append(first.isAgent() ? first.placement() : "–")
                    .append(" | ").append(first.isAgent() ? first.loops() + " × " + first.lanes() : "–").append(" |");
            for (int s : streams) {
                ScalingCell c = cells.stream().filter(x -> rowKey(x).equals(key) && x.streams() == s).findFirst()
                        .orElse(null);
                md.append(' ').append(c == null ? "" : matrixCell(c, cells)).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
        for (String line : summary(cells, streams)) {
            md.append(line).append('\n');
        }
        md.append("\nEvery cell:\n\n");
        md.append("| transport | placement | loops | lanes | streams | Gbit/s | × kernel VXLAN | agents' CPU s/GB"
                + " | CPU ha / hb, % of a core | retransmits | ha's link stats after the cell |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ScalingCell c : cells) {
            md.append("| ").append(c.transport().id()).append(" | ").append(c.placement())
                    .append(" | ").append(c.isAgent() ? Integer.toString(c.loops()) : "–")
                    .append(" | ").append(c.isAgent() ? Integer.toString(c.lanes()) : "–")
                    .append(" | ").append(c.streams());
            if (!c.ok()) {
                md.append(" | FAILED | | | | | ").append(c.error().replace('\n', ' ').replace("|", "\\|")).append(" |\n");
                continue;
            }
            md.append(" | ").append(f2(c.gbps()))
                    .append(" | ").append(c.isAgent() ? ratio(c, cells) : "(reference)")
                    .append(" | ").append(c.isAgent() ? String.format(Locale.ROOT, "%.1f", c.cpuSecondsPerGB()) : "– (kernel)")
                    .append(" | ").append(c.isAgent() ? String.format(Locale.ROOT, "%.0f / %.0f", c.percent(c.cpuHa()),
                            c.percent(c.cpuHb())) : "–")
                    .append(" | ").append(c.run().measured().retransmits())
                    .append(" | ").append(c.isAgent() ? c.linkStats().replace("|", "\\|") : "–").append(" |\n");
        }
        ScalingCell any = cells.stream().filter(ScalingCell::ok).findFirst().orElse(null);
        if (any != null) {
            md.append("\niperf3 client (in va), e.g.: `").append(any.run().measured().clientCommand())
                    .append("`; server (in vb): `").append(any.run().measured().serverCommand()).append("`\n");
        }
        md.append("\nTest beds (how the agents ran, what was checked):\n\n");
        for (ScalingBenchmark.Bed b : beds) {
            md.append("- ").append(b.transport().label()).append(", eventLoops ").append(b.loops()).append(", linkLanes ")
                    .append(b.lanes()).append(b.error() == null ? "" : ": FAILED: " + b.error().replace('\n', ' '))
                    .append('\n');
            for (String s : b.setup()) {
                md.append("  - ").append(s).append('\n');
            }
            for (String s : b.checks()) {
                md.append("  - ").append(s).append('\n');
            }
        }
        long failed = cells.stream().filter(c -> !c.ok()).count();
        md.append('\n').append(failed == 0 ? "All " + cells.size() + " cells measured."
                : failed + " of " + cells.size() + " cells FAILED (see above).").append('\n');
        return md.toString();
    }

    /**
     * Per transport and placement, the (loops, lanes) with the most Gbit/s at each stream count,
     * and the runner-up with how much less it moved.
     */
    public static List<String> summary(List<ScalingCell> cells, List<Integer> streams) {
        List<String> out = new ArrayList<>();
        List<ScalingCell> agents = cells.stream().filter(c -> c.isAgent() && c.ok()).toList();
        for (Transport t : agents.stream().map(ScalingCell::transport).distinct().toList()) {
            for (String placement : List.of(ScalingBenchmark.SHARED, ScalingBenchmark.PINNED)) {
                StringBuilder line = new StringBuilder();
                for (int s : streams) {
                    List<ScalingCell> ranked = agents.stream()
                            .filter(c -> c.transport() == t && c.placement().equals(placement) && c.streams() == s)
                            .sorted(Comparator.comparingDouble(ScalingCell::gbps).reversed()).toList();
                    if (ranked.isEmpty()) {
                        continue;
                    }
                    ScalingCell best = ranked.get(0);
                    line.append(line.length() == 0 ? "" : "; ").append(s).append(s == 1 ? " stream " : " streams ")
                            .append(best.config()).append(' ').append(f2(best.gbps()));
                    if (ranked.size() > 1) {
                        ScalingCell next = ranked.get(1);
                        line.append(String.format(Locale.ROOT, " (next %s %s, −%.0f%%)", next.config(), f2(next.gbps()),
                                (1 - next.gbps() / best.gbps()) * 100));
                    }
                }
                if (line.length() > 0) {
                    out.add("- Best (loops, lanes), " + t.id().toUpperCase(Locale.ROOT) + " " + placement + ": " + line);
                }
            }
        }
        return out;
    }

    private static String rowKey(ScalingCell c) {
        return c.transport().id() + "/" + c.placement() + "/" + c.loops() + "/" + c.lanes();
    }

    private static String matrixCell(ScalingCell c, List<ScalingCell> cells) {
        if (!c.ok()) {
            return "FAILED";
        }
        if (!c.isAgent()) {
            return f2(c.gbps());
        }
        return f2(c.gbps()) + " (" + ratio(c, cells) + "×, " + String.format(Locale.ROOT, "%.1f", c.cpuSecondsPerGB()) + ")";
    }

    /** The cell's Gbit/s over kernel VXLAN's (the mean of its passes) at the same stream count. */
    public static String ratio(ScalingCell c, List<ScalingCell> cells) {
        OptionalDouble ref = cells.stream()
                .filter(k -> k.transport() == Transport.KERNEL_VXLAN && k.ok() && k.streams() == c.streams())
                .mapToDouble(ScalingCell::gbps).average();
        return ref.isPresent() ? f2(c.gbps() / ref.getAsDouble()) : "n/a";
    }

    private static String f2(double x) {
        return String.format(Locale.ROOT, "%.2f", x);
    }
}
