package io.vnet.it.load;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * What a load run measured, as a table ({@link #table}) and as JSON ({@link #write}). Latencies in
 * milliseconds, CPU in percent of one core (200 = both cores of this machine), memory in MiB; NaN
 * where nothing was measured.
 */
public record Result(Setup setup, Fleet fleet, Manager manager, Latencies.Summary reportToMatrix, long matrixMissed,
                     long matrixErrors, Classification classification, Map<String, Latencies.Summary> rest,
                     Map<String, Long> restErrors, Latencies.Summary metricsScrape, double generatorCpuPercent,
                     double generatorCpuPeak10sPercent) {
    /** What was run. */
    public record Setup(int agents, int networks, int vmsPerHost, long seed, long reportMs, int managers,
                        double windowSeconds, double connectSeconds, String store) {
    }

    /** The simulated agents' side. */
    public record Fleet(int everConnected, int connectedAtEnd, long reportsSent, double reportsPerSecond,
                        double pairsPerReport, long reconnects, long lost, long connectFailures, long handshakeFailures,
                        long refused, long reportsSkipped, long statesAcknowledged, String lastRefusal) {
    }

    /** The manager's side, from its /metrics, its REST API and /proc. */
    public record Manager(double registeredAgents, double connectedHosts, double connections, double reportsPerSecond,
                          double reportProcessingShare, double reportLagMaxSeconds, double cpuPercent,
                          double cpuPeak10sPercent, double heapAfterGcMiB, double peakRssMiB) {
    }

    /** Classification after pattern changes. */
    public record Classification(long changes, Latencies.Summary latency, long unclassified, long over5s, long leftOut) {
    }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(this) + "\n");
    }

    /** The table printed at the end of a run. */
    public String table() {
        StringBuilder b = new StringBuilder();
        Setup s = setup;
        b.append(String.format(Locale.ROOT, "load run: %d agents, %d networks, %d VMs per host, reports every %d ms, "
                        + "%d manager(s), store %s; measured %.0f s after %.1f s of connecting%n", s.agents(), s.networks(),
                s.vmsPerHost(), s.reportMs(), s.managers(), s.store(), s.windowSeconds(), s.connectSeconds()));
        row(b, "what", "figure");
        row(b, "---", "---");
        row(b, "agents connected (generator: ever / at end)", fleet.everConnected() + " / " + fleet.connectedAtEnd());
        row(b, "agents the manager lists (/api/agents)", num(manager.registeredAgents(), 0));
        row(b, "hosts connected (manager's vnet_manager_agents)", num(manager.connectedHosts(), 0));
        row(b, "agent connections (manager)", num(manager.connections(), 0));
        row(b, "reports/s sent (generator)", num(fleet.reportsPerSecond(), 0) + " (" + num(fleet.pairsPerReport(), 1)
                + " pairs each)");
        row(b, "reports/s taken (manager's vnet_manager_reports_total)", num(manager.reportsPerSecond(), 0));
        row(b, "report processing (share of wall time)", num(manager.reportProcessingShare() * 100, 1) + " %");
        row(b, "report lag max (manager)", num(manager.reportLagMaxSeconds(), 2) + " s");
        row(b, "reconnects / lost / handshake failures / refused", fleet.reconnects() + " / " + fleet.lost() + " / "
                + fleet.handshakeFailures() + " / " + fleet.refused());
        row(b, "reports skipped (connection backed up)", Long.toString(fleet.reportsSkipped()));
        row(b, "report-to-matrix p50 / p99 / max (n)", summary(reportToMatrix) + ", missed " + matrixMissed);
        row(b, "classification p50 / p99 / max (n)", summary(classification.latency()) + " of " + classification.changes()
                + " changes");
        row(b, "changes not classified within 5 s", (classification.unclassified() + classification.over5s())
                + " (never: " + classification.unclassified() + ", late: " + classification.over5s() + ", too recent to tell: "
                + classification.leftOut() + ")");
        rest.forEach((k, v) -> row(b, "REST " + k + " p50 / p99 / max (n)", summary(v) + ", errors "
                + restErrors.getOrDefault(k, 0L)));
        row(b, "/metrics scrape p50 / p99 / max (n)", summary(metricsScrape));
        row(b, "manager CPU average / busiest 10 s", num(manager.cpuPercent(), 0) + " % / " + num(manager.cpuPeak10sPercent(), 0)
                + " % of a core");
        row(b, "manager heap after GC / peak RSS", num(manager.heapAfterGcMiB(), 0) + " MiB / " + num(manager.peakRssMiB(), 0)
                + " MiB");
        row(b, "generator CPU average / busiest 10 s", num(generatorCpuPercent, 0) + " % / " + num(generatorCpuPeak10sPercent, 0)
                + " % of a core");
        return b.toString();
    }

    private static void row(StringBuilder b, String what, String figure) {
        b.append("| ").append(what).append(" | ").append(figure).append(" |\n");
    }

    static String summary(Latencies.Summary s) {
        if (s.count() == 0) {
            return "none measured";
        }
        return String.format(Locale.ROOT, "%.0f / %.0f / %.0f ms (%d)", s.p50(), s.p99(), s.max(), s.count());
    }

    static String num(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
