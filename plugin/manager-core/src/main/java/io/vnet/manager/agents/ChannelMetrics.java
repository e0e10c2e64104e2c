package io.vnet.manager.agents;

import io.vnet.manager.HostInfo;
import io.vnet.manager.MetricsSource;
import io.vnet.protocol.metrics.Exposition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agent channel's metrics: agents by role and connection, each agent's versions, generations
 * and the age of what it last said, reports taken and the time spent on them, refused hellos.
 */
final class ChannelMetrics implements MetricsSource {
    private final AgentSessions sessions;
    private final ChannelServer channel;

    ChannelMetrics(AgentSessions sessions, ChannelServer channel) {
        this.sessions = sessions;
        this.channel = channel;
    }

    @Override
    public void write(Exposition e) {
        List<HostInfo> hosts = sessions.hosts();
        Map<String, int[]> byRole = new TreeMap<>(Map.of("host", new int[2], "proxy", new int[2]));
        for (HostInfo h : hosts) {
            byRole.computeIfAbsent(h.role(), r -> new int[2])[h.connected() ? 0 : 1]++;
        }
        e.gauge("vnet_manager_agents", "Agents known to the manager, by role and whether they are connected now.");
        byRole.forEach((role, n) -> e.sample(n[0], "role", role, "state", "connected")
                .sample(n[1], "role", role, "state", "disconnected"));
        e.gauge("vnet_manager_agent_info", "Each agent's versions, as its hello said them (always 1).");
        for (HostInfo h : hosts) {
            e.sample(1, "host", h.hostId(), "role", h.role(), "software", h.software() == null ? "" : h.software(),
                    "protocol", Integer.toString(h.protocol()), "security", h.security());
        }
        e.gauge("vnet_manager_agent_connected", "Whether an agent is connected now.");
        for (HostInfo h : hosts) {
            e.sample(h.connected() ? 1 : 0, "host", h.hostId());
        }
        e.gauge("vnet_manager_agent_generation", "An agent's desired-state generation: the one the manager wants, and"
                + " the one the agent acknowledged.");
        for (HostInfo h : hosts) {
            e.sample(h.desiredGeneration(), "host", h.hostId(), "kind", "desired")
                    .sample(h.appliedGeneration(), "host", h.hostId(), "kind", "applied");
        }
        Instant now = Instant.now();
        e.gauge("vnet_manager_agent_last_seen_seconds", "How long ago an agent last sent anything (its reports come"
                + " every interval: the report lag).");
        double oldest = 0;
        for (HostInfo h : hosts) {
            double age = Math.max(0, (now.toEpochMilli() - h.lastSeen().toEpochMilli()) / 1000.0);
            e.sample(age, "host", h.hostId());
            if (h.connected()) {
                oldest = Math.max(oldest, age);
            }
        }
        e.gauge("vnet_manager_report_lag_seconds_max", "The largest age of the last message among connected agents.")
                .sample(oldest);
        e.counter("vnet_manager_reports_total", "Traffic reports taken from agents (rate(): the report rate).")
                .sample(channel.reports());
        e.counter("vnet_manager_report_processing_seconds_total", "Time spent handing reports to VTTIF and the loop.")
                .sample(channel.reportNanos() / 1e9);
        e.counter("vnet_manager_hellos_refused_total", "Agent hellos refused (a certificate or token that does not fit,"
                + " an incompatible protocol, a bad host id).").sample(channel.refusedHellos());
        e.gauge("vnet_manager_agent_connections", "Agent connections open now.").sample(channel.openConnections());
        e.counter("vnet_cluster_peers_refused_total", "Connections that said they were a manager of the cluster and"
                + " were refused (no manager's certificate, not a live member, this manager not in a cluster).")
                .sample(channel.refusedPeers());
        e.counter("vnet_manager_agent_reads_paused_total", "Times an agent connection stopped being read because "
                + ReadBacklog.MAX_WAITING + " of its messages waited for the message workers (the manager reads slower than"
                + " its agents report; they hold their counts back).").sample(channel.readPauses());
        Greetings g = channel.greetings();
        e.gauge("vnet_manager_greetings_in_progress", "Agent connections in their TLS handshake or hello now (at most"
                + " greetings.max).").sample(g.inProgress());
        e.counter("vnet_manager_greetings_total", "New agent connections: admitted to their handshake and hello,"
                + " closed at their accept because greetings.max or greetings.perAddress were in progress, or closed for"
                + " saying no hello within greetings.seconds.").sample(g.admitted(), "outcome", "admitted")
                .sample(g.refused(Greetings.Refusal.BUSY), "outcome", "refused_busy")
                .sample(g.refused(Greetings.Refusal.ADDRESS), "outcome", "refused_address")
                .sample(g.timedOut(), "outcome", "timed_out");
        e.counter("vnet_manager_enrolments_total", "Hosts enrolled with a one-time token, and enrolments refused.")
                .sample(channel.enrolled(), "outcome", "enrolled").sample(channel.enrolmentsRefused(), "outcome", "refused");
    }
}
