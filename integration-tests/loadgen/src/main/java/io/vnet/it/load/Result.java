package io.vnet.it.load;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a load run measured, as a table ({@link #table}) and as JSON ({@link #write}). Latencies in
 * milliseconds, CPU in percent of one core (200 = both cores of this machine), memory in MiB; NaN
 * where nothing was measured. With several managers {@link #manager} sums theirs (CPU, heap, RSS,
 * reports/s, connections; the report lag is the largest), {@link #managers} has each one's, and a
 * failover run adds {@link #failover} and the figures {@link #phases} before and after it.
 */
public record Result(Setup setup, Fleet fleet, Manager manager, Latencies.Summary reportToMatrix, long matrixMissed,
                     long matrixErrors, Classification classification, Map<String, Latencies.Summary> rest,
                     Map<String, Long> restErrors, Latencies.Summary metricsScrape, double generatorCpuPercent,
                     double generatorCpuPeak10sPercent, List<ManagerNode> managers, Failover failover,
                     List<Phase> phases) {
    /** What was run; {@code routing}: which manager the REST probes, /metrics and the matrix polls went to. */
    public record Setup(int agents, int networks, int vmsPerHost, long seed, long reportMs, int managers,
                        double windowSeconds, double connectSeconds, String store, String routing) {
    }

    /**
     * One manager of several: its networks (vnet_cluster_networks_owned) at the window's start and end,
     * its connections and hosts at the end (for a killed one: at its last scrape), per second while it
     * lived: the reports the generator's agents wrote to it, the reports it took (vnet_manager_reports_total:
     * its own agents' and those the other managers relayed to it) and the messages relayed to it
     * (vnet_cluster_relay_received_total, taken: mostly reports); its CPU (while it lived), heap after
     * GC (NaN when killed), peak RSS.
     */
    public record ManagerNode(String id, long pid, boolean killed, double networksOwnedAtStart,
                              double networksOwnedAtEnd, double connections, double connectedHosts,
                              double reportsSentPerSecond, double reportsPerSecond, double relayedInPerSecond,
                              double reportProcessingShare, double cpuPercent,
                              double cpuPeak10sPercent, double heapAfterGcMiB, double peakRssMiB) {
    }

    /**
     * A manager killed (SIGKILL) at {@code atSecond} of the window: the agents that were connected to it
     * and how long until all were connected again (the generator's view; per agent: p50/p99/max), until
     * the survivor's vnet_manager_agent_connections counted every agent connected at the kill, the networks it owned and how
     * long until the survivor's /api/cluster named the survivor owner of all (per network: p50/p99/max);
     * NaN: not within the window. Pass: within {@code targetSeconds}.
     */
    public record Failover(String killed, long killedPid, String survivor, double atSecond, int agentsOnKilled,
                           int agentsBack, double agentsBackSeconds, Latencies.Summary agentBackMs,
                           double survivorConnectionsSeconds, int networksOfKilled, int networksTaken,
                           double networksOwnedSeconds, Latencies.Summary networkTakenMs, double targetSeconds,
                           boolean agentsPass, boolean networksPass) {
    }

    /**
     * The probes of a part of the window (by when the probe's first report went, or the pattern
     * changed, or the REST request was sent): report-to-matrix, classification and REST (every endpoint
     * together: latencies, and errors: not 200 or no answer), as for the whole window.
     */
    public record Phase(String name, double fromSecond, double toSecond, Latencies.Summary reportToMatrix,
                        long matrixMissed, long changes, Latencies.Summary classification, long unclassified,
                        long over5s, Latencies.Summary rest, long restErrors) {
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
        boolean several = managers != null && managers.size() > 1;
        if (setup.routing() != null) {
            b.append("(").append(setup.routing()).append(")\n");
        }
        row(b, "what", "figure");
        row(b, "---", "---");
        row(b, "agents connected (generator: ever / at end)", fleet.everConnected() + " / " + fleet.connectedAtEnd());
        row(b, "agents the manager lists (/api/agents)", num(manager.registeredAgents(), 0));
        row(b, "hosts connected (manager's vnet_manager_agents)", num(manager.connectedHosts(), 0));
        row(b, "agent connections (manager)", num(manager.connections(), 0));
        row(b, "reports/s sent (generator)", num(fleet.reportsPerSecond(), 0) + " (" + num(fleet.pairsPerReport(), 1)
                + " pairs each)");
        row(b, several ? "reports/s taken from own agents (managers' sum of vnet_manager_reports_total - relayed in)"
                : "reports/s taken (manager's vnet_manager_reports_total)", num(manager.reportsPerSecond(), 0));
        row(b, "report processing (share of wall time)", num(manager.reportProcessingShare() * 100, 1) + " %");
        row(b, "report lag max (manager)", num(manager.reportLagMaxSeconds(), 2) + " s");
        row(b, "reconnects / lost / handshake failures / refused", fleet.reconnects() + " / " + fleet.lost() + " / "
                + fleet.handshakeFailures() + " / " + fleet.refused());
        row(b, "intervals held back (connection backed up; their counts went with the next report)", Long.toString(fleet.reportsSkipped()));
        row(b, "report-to-matrix p50 / p99 / max (n)", summary(reportToMatrix) + ", missed " + matrixMissed);
        row(b, "classification p50 / p99 / max (n)", summary(classification.latency()) + " of " + classification.changes()
                + " changes");
        row(b, "changes not classified within 5 s", (classification.unclassified() + classification.over5s())
                + " (never: " + classification.unclassified() + ", late: " + classification.over5s() + ", too recent to tell: "
                + classification.leftOut() + ")");
        rest.forEach((k, v) -> row(b, "REST " + k + " p50 / p99 / max (n)", summary(v) + ", errors "
                + restErrors.getOrDefault(k, 0L)));
        row(b, "/metrics scrape p50 / p99 / max (n)", summary(metricsScrape));
        String who = several ? "managers (sum)" : "manager";
        row(b, who + " CPU average / busiest 10 s", num(manager.cpuPercent(), 0) + " % / " + num(manager.cpuPeak10sPercent(), 0)
                + " % of a core");
        row(b, who + " heap after GC / peak RSS", num(manager.heapAfterGcMiB(), 0) + " MiB / " + num(manager.peakRssMiB(), 0)
                + " MiB");
        if (several) {
            for (ManagerNode n : managers) {
                String id = "manager " + n.id() + (n.killed() ? " (killed)" : "");
                row(b, id + ": networks owned at start / end", num(n.networksOwnedAtStart(), 0) + " / "
                        + num(n.networksOwnedAtEnd(), 0));
                row(b, id + ": connections / hosts connected " + (n.killed() ? "at its last scrape" : "at end"),
                        num(n.connections(), 0) + " / " + num(n.connectedHosts(), 0));
                row(b, id + ": reports/s sent to it (generator) / taken (own + relayed) / relayed in", num(n.reportsSentPerSecond(), 0)
                        + " / " + num(n.reportsPerSecond(), 0) + " / " + num(n.relayedInPerSecond(), 0));
                row(b, id + ": report processing (share of wall time)", num(n.reportProcessingShare() * 100, 1) + " %");
                row(b, id + ": CPU average / busiest 10 s", num(n.cpuPercent(), 0) + " % / " + num(n.cpuPeak10sPercent(), 0)
                        + " % of a core");
                row(b, id + ": heap after GC / peak RSS", num(n.heapAfterGcMiB(), 0) + " MiB / " + num(n.peakRssMiB(), 0)
                        + " MiB");
            }
        }
        if (failover != null) {
            Failover f = failover;
            row(b, "failover: killed (SIGKILL) / survivor", f.killed() + " (pid " + f.killedPid() + ") at "
                    + num(f.atSecond(), 1) + " s of the window / " + f.survivor());
            row(b, "failover: agents of the killed one connected again", f.agentsBack() + " of " + f.agentsOnKilled()
                    + ", all after " + num(f.agentsBackSeconds(), 2) + " s; per agent " + summary(f.agentBackMs()));
            row(b, "failover: survivor's vnet_manager_agent_connections reached every agent after",
                    num(f.survivorConnectionsSeconds(), 2) + " s");
            row(b, "failover: networks of the killed one owned by the survivor", f.networksTaken() + " of "
                    + f.networksOfKilled() + ", all after " + num(f.networksOwnedSeconds(), 2) + " s; per network "
                    + summary(f.networkTakenMs()));
        }
        if (phases != null) {
            for (Phase p : phases) {
                String when = p.name() + " (" + num(p.fromSecond(), 1) + "-" + num(p.toSecond(), 1) + " s)";
                row(b, "report-to-matrix " + when, summary(p.reportToMatrix()) + ", missed " + p.matrixMissed());
                row(b, "classification " + when, summary(p.classification()) + " of " + p.changes()
                        + " changes; not within 5 s " + (p.unclassified() + p.over5s()) + " (never " + p.unclassified()
                        + ", late " + p.over5s() + ")");
                row(b, "REST (all endpoints) " + when, summary(p.rest()) + ", errors " + p.restErrors());
            }
        }
        row(b, "generator CPU average / busiest 10 s", num(generatorCpuPercent, 0) + " % / " + num(generatorCpuPeak10sPercent, 0)
                + " % of a core");
        if (failover != null) {
            b.append(String.format(Locale.ROOT, "%s: the killed manager's %d agents connected again within %.0f s (%s s)%n",
                    failover.agentsPass() ? "PASS" : "FAIL", failover.agentsOnKilled(), failover.targetSeconds(),
                    num(failover.agentsBackSeconds(), 2)));
            b.append(String.format(Locale.ROOT, "%s: the killed manager's %d networks owned again within %.0f s (%s s)%n",
                    failover.networksPass() ? "PASS" : "FAIL", failover.networksOfKilled(), failover.targetSeconds(),
                    num(failover.networksOwnedSeconds(), 2)));
        }
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
