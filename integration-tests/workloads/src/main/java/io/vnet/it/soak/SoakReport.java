package io.vnet.it.soak;

import io.vnet.it.machine.JvmProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The soak's report: a Markdown table per process and metric, the other criteria, and a CSV of the samples. */
public final class SoakReport {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private SoakReport() {
    }

    /** The report in Markdown; {@code command} is the command that ran it. */
    public static String markdown(SoakResult r, String command) {
        SoakOptions o = r.options();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Soak of %.0f min, %s, `%s`: **%s**%n%n", (r.endMs() - r.startMs()) / 60_000.0,
                WHEN.format(Instant.ofEpochMilli(r.startMs())), command, r.passed() ? "passed" : "FAILED"));
        b.append(String.format(Locale.ROOT, "%d VM hosts and the proxy, %d long-lived VMs running the patterns workload"
                        + " (%s, %d s a phase, %d KiB, compute %s ms), every overlay uplink shaped to %d Mbit/s, the closed"
                        + " loop in automatic mode; a churn step every %d s (start, stop, migrate in turn); every process"
                        + " sampled every %d s. A metric fails if its least-squares slope over the last two thirds of the"
                        + " run is above %.1f%% of its starting value per hour%s. The ± column is the half-width of the"
                        + " slope's 95%% confidence interval: what the run can resolve.%n%n", o.vmHosts(), o.vmHosts() * o.vmsPerHost(),
                String.join(", ", o.patterns()), o.phaseSeconds(), o.messageBytes() / 1024, fmt(o.computeMs()),
                o.rateBitsPerSecond() / 1_000_000, o.churnPeriodMs() / 1000, o.samplePeriodMs() / 1000,
                o.growthLimitPercentPerHour(), o.growthRule() == SoakOptions.GrowthRule.AS_WRITTEN ? ""
                        : " beyond noise (the lower end of its 95% confidence interval above the limit: this run is too"
                        + " short to resolve the limit itself)"));
        b.append("| process | metric | start | end | slope (%/h of start) | ± (95%) | samples fitted | |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---|\n");
        for (SoakResult.MetricRow m : r.metrics()) {
            String unit = m.metric().unit().isEmpty() ? "" : " " + m.metric().unit();
            b.append(String.format(Locale.ROOT, "| %s | %s | %s%s | %s%s | %s | %s | %s | %s |%n", m.process(),
                    m.metric().label(), fmt(m.first()), unit, fmt(m.last()), unit,
                    m.trend() == null ? "-" : String.format(Locale.ROOT, "%+.2f", m.trend().percentPerHour()),
                    m.trend() == null ? "-" : String.format(Locale.ROOT, "%.2f", m.trend().marginPercentPerHour()),
                    m.trend() == null ? "-" : m.trend().used() + " of " + m.trend().samples(),
                    m.pass() ? "pass" : "**FAIL**"));
        }
        b.append('\n');
        if (o.growthRule() != SoakOptions.GrowthRule.AS_WRITTEN) {
            long literal = r.metrics().stream().filter(m -> m.trend() != null
                    && m.trend().growing(o.growthLimitPercentPerHour())).count();
            b.append(String.format(Locale.ROOT, "- By the rule as written (the slope alone above %.1f%%/h), %d of %d rows"
                    + " would fail: at this length the noise (the ± column) is larger than the limit.%n",
                    o.growthLimitPercentPerHour(), literal, r.metrics().size()));
        }
        PairProbes.PairResult worst = r.worstPair();
        long pairsOver1s = r.pairs().stream().filter(p -> p.silencesOver1s() > 0).count();
        long longestMigrating = r.pairs().stream().mapToLong(p -> p.longestWithMigrations().millis()).max().orElse(0);
        b.append(String.format(Locale.ROOT, "- Reachability: %d VM pairs probed (a ping every %.2f s); the longest"
                        + " silence outside migrations %s (limit %d ms)%s; %d pairs had a silence above 1 s outside"
                        + " migrations; the longest silence with migrations counted %d ms.%n", r.pairs().size(),
                PairProbes.INTERVAL_S, worst == null ? "-" : worst.longest().millis() + " ms, " + worst.pair(),
                o.reachLimitMs(), worst != null && worst.longest().millis() > o.reachLimitMs() ? " **FAIL**" : "",
                pairsOver1s, longestMigrating));
        int[] counts = new int[3];
        long migrationMs = 0;
        for (Churn.Event e : r.churn()) {
            counts[e.action().ordinal()]++;
            if (e.action() == Churn.Action.MIGRATE) {
                migrationMs = Math.max(migrationMs, e.tookMs());
            }
        }
        b.append(String.format(Locale.ROOT, "- Churn: %d VMs started, %d stopped, %d migrations (the longest %d ms of"
                + " commands).%n", counts[0], counts[1], counts[2], migrationMs));
        DecisionWatch.Summary d = r.decisions();
        b.append(String.format(Locale.ROOT, "- Decisions: %d recorded, %d applied, %d acknowledged, %d rolled back,"
                        + " %d not applied; the slowest acknowledged %.1f s after it was applied; unacknowledged: %s.%n",
                d.decisions(), d.applied(), d.acknowledged(), d.rolledBack(), d.notApplied(), d.longestAckMs() / 1000.0,
                d.unacknowledged().isEmpty() && d.lostPending().isEmpty() ? "none"
                        : "**" + d.unacknowledged() + d.lostPending() + "**"));
        b.append(String.format(Locale.ROOT, "- Workload: %s.%n", r.workloadOk() ? "every rank ran through" : "**FAILED**"));
        if (!r.heapGrowthByClass().isEmpty()) {
            b.append("- Live bytes that grew most per class, from a third of the run to its end (class histograms):\n");
            r.heapGrowthByClass().forEach((p, l) -> b.append("  - ").append(p).append(": ")
                    .append(l.isEmpty() ? "nothing grew" : String.join("; ", l)).append('\n'));
        }
        if (!r.failures().isEmpty()) {
            b.append("\nFailures:\n\n");
            for (String f : r.failures()) {
                b.append("- ").append(f.length() > 600 ? f.substring(0, 600) + "..." : f).append('\n');
            }
        }
        return b.toString();
    }

    /** Every sample as CSV: process, epoch ms, seconds since the start, heap and heap committed KiB, threads, FDs, RSS KiB, CPU s. */
    public static void writeCsv(SoakResult r, Path file) throws IOException {
        StringBuilder b = new StringBuilder("process,epoch_ms,seconds,heap_kib,heap_committed_kib,threads,fds,rss_kib,"
                + "cpu_seconds\n");
        for (Map.Entry<String, List<JvmProbe.Sample>> e : r.series().entrySet()) {
            for (JvmProbe.Sample s : e.getValue()) {
                b.append(String.format(Locale.ROOT, "%s,%d,%.1f,%s,%s,%d,%d,%d,%.2f%n", e.getKey(), s.epochMs(),
                        (s.epochMs() - r.startMs()) / 1000.0, Double.isNaN(s.heapKiB()) ? "" : Long.toString((long) s.heapKiB()),
                        Double.isNaN(s.heapCommittedKiB()) ? "" : Long.toString((long) s.heapCommittedKiB()),
                        s.threads(), s.fds(), s.rssKiB(), s.cpuSeconds()));
            }
        }
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Files.writeString(file, b);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Math.abs(v) >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
