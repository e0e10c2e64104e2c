package io.vnet.agent.impl;

import io.vnet.agent.http.HttpEndpoint;
import io.vnet.api.LinkPath;
import io.vnet.api.PortStats;
import io.vnet.dataplane.DataPlane;
import io.vnet.protocol.messages.Hello;
import io.vnet.protocol.metrics.CertificateExpiry;
import io.vnet.protocol.metrics.Exposition;
import io.vnet.protocol.metrics.ProcessMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * What the agent's {@code /metrics} says, read from the data plane, the desired state and the
 * manager channel at each scrape (nothing is kept between scrapes). Ports are the data plane's
 * counters as {@code vnetctl stats} shows them: every link, TAP, LAN device and listener, with
 * {@code kind}, {@code port} and {@code peer} labels; drops by {@code reason}; the forwarder's own
 * entries (learned and owned addresses, moved VMs, fallbacks, real-time demotions) have families of
 * their own, and what removed links counted stays in the port families as the port {@code
 * removed-links}, so that sums over ports never go down. The README's <i>Metrics</i> section lists
 * every family.
 */
final class AgentMetrics {
    private final DataPlane dp;
    private final String role;
    private final ManagedState state;
    private final ManagerClient manager;
    private final CertificateExpiry certificates;
    private volatile HttpEndpoint endpoint;

    AgentMetrics(DataPlane dp, String role, ManagedState state, ManagerClient manager, CertificateExpiry certificates) {
        this.dp = dp;
        this.role = role;
        this.state = state;
        this.manager = manager;
        this.certificates = certificates;
    }

    /** The endpoint that serves it, for its own counters. */
    void endpoint(HttpEndpoint e) {
        this.endpoint = e;
    }

    /** The exposition, as text. */
    String text() {
        Exposition e = new Exposition();
        e.gauge("vnet_build_info", "The agent's version and protocol (always 1).")
                .sample(1, "software", String.valueOf(ManagerClient.SOFTWARE), "protocol", String.valueOf(Hello.PROTOCOL),
                        "host", dp.hostId(), "role", role);
        List<PortStats> all = new ArrayList<>(dp.stats());
        all.add(dp.listenerStats());
        List<PortStats> ports = all.stream().filter(AgentMetrics::isPort).toList();
        e.gauge("vnet_port_up", "Whether a port (link, TAP, LAN device) is up (1) or not (0, vnetctl stats says why).");
        for (PortStats p : ports) {
            if ("listener".equals(p.kind()) || DataPlane.FORWARDER_STATS_KIND.equals(p.kind())) {
                continue; // a listener or the removed links' sums have no up or down
            }
            e.sample(p.state() != null && p.state().startsWith("up") ? 1 : 0, "kind", p.kind(), "port", p.id(),
                    "peer", peer(p));
        }
        family(e, ports, "vnet_port_received_frames_total", "Frames received on a port.", PortStats::framesIn);
        family(e, ports, "vnet_port_received_bytes_total", "Bytes of frames received on a port.", PortStats::bytesIn);
        family(e, ports, "vnet_port_sent_frames_total", "Frames sent on a port.", PortStats::framesOut);
        family(e, ports, "vnet_port_sent_bytes_total", "Bytes of frames sent on a port.", PortStats::bytesOut);
        e.counter("vnet_port_drops_total", "Frames dropped, by port and reason (vnetctl stats explains each reason).");
        for (PortStats p : all) {
            for (Map.Entry<String, Long> d : new java.util.TreeMap<>(p.drops()).entrySet()) {
                e.sample(d.getValue(), "kind", p.kind(), "port", p.id(), "reason", d.getKey());
            }
        }
        forwarder(e, all);
        e.gauge("vnet_link_rtt_seconds", "A link's smoothed round trip (keepalives, or VXLAN probes).");
        List<LinkPath> paths = dp.linkPaths();
        for (LinkPath p : paths) {
            if (p.rttMicros() >= 0) {
                e.sample(p.rttMicros() / 1e6, "link", p.id(), "peer", p.peerHost(), "transport", p.transport());
            }
        }
        e.gauge("vnet_link_min_rtt_seconds", "A link's smallest round trip seen.");
        for (LinkPath p : paths) {
            if (p.minRttMicros() >= 0) {
                e.sample(p.minRttMicros() / 1e6, "link", p.id(), "peer", p.peerHost(), "transport", p.transport());
            }
        }
        long[] pairs = dp.pairTable();
        if (pairs[0] >= 0) {
            e.gauge("vnet_pair_counters", "VM pairs counted now (for VTTIF).").sample(pairs[0]);
            e.gauge("vnet_pair_counters_max", "The most VM pairs counted at once.")
                    .sample(io.vnet.dataplane.count.PairCounters.MAX_PAIRS);
            e.counter("vnet_pair_counters_refused_total", "An estimate of the pairs refused a counter (the table was full).")
                    .sample(pairs[1]);
        }
        e.gauge("vnet_state_applied_generation", "The generation of the manager's desired state applied now (-1: none).")
                .sample(state.generation());
        e.gauge("vnet_state_received_generation", "The newest generation the manager sent since start (-1: none).")
                .sample(state.received());
        e.counter("vnet_state_refused_older_total", "Desired states refused as older than the one applied.")
                .sample(state.refusedOlder());
        if (manager != null) {
            e.gauge("vnet_manager_connected", "Whether the agent is connected to its manager.").sample(manager.connected() ? 1 : 0);
            e.counter("vnet_manager_reports_held_total", "Intervals whose counts waited for the manager to read the"
                    + " report before (it read slowly) and went with the next report.").sample(manager.reportsHeld());
        }
        certificates.write(e);
        HttpEndpoint h = endpoint;
        if (h != null) {
            e.counter("vnet_http_requests_total", "Requests this endpoint answered.").sample(h.requests());
            e.counter("vnet_http_refused_total", "Requests and connections this endpoint refused, by why.")
                    .sample(h.badRequests(), "reason", "bad-request")
                    .sample(h.refusedConnections(), "reason", "too-many-connections");
        }
        ProcessMetrics.write(e);
        return e.text();
    }

    /**
     * Why the agent is not ready ({@code /readyz}), or an empty list: a TAP or LAN device that is
     * not up (vanished, failed), or a manager it is configured with and not connected to. Its
     * forwarding goes on in either case; readiness says whether it does all it is configured to do.
     */
    List<String> notReady() {
        List<String> why = new ArrayList<>();
        for (PortStats p : dp.stats()) {
            if (("tap".equals(p.kind()) || "pcap".equals(p.kind())) && (p.state() == null || !p.state().startsWith("up"))) {
                why.add(p.kind() + " " + p.id() + " is " + p.state());
            }
        }
        if (manager != null && !manager.connected()) {
            why.add("manager " + manager.describe());
        }
        return why;
    }

    /** Entries that are ports (not the forwarder's own or the kernel's guard, whose counts mean other things). */
    private static boolean isPort(PortStats p) {
        return !DataPlane.FORWARDER_STATS_KIND.equals(p.kind()) && !DataPlane.GUARD_STATS_KIND.equals(p.kind())
                || DataPlane.REMOVED_LINKS_STATS_ID.equals(p.id());
    }

    /** A peer as its host id or address, without what some ports add after it ("h2, kernel devices 3"). */
    private static String peer(PortStats p) {
        return "listener".equals(p.kind()) || DataPlane.FORWARDER_STATS_KIND.equals(p.kind()) ? "" : token(p.peer(), "-._:[]");
    }

    private static String token(String text, String also) {
        if (text == null) {
            return "";
        }
        int cut = 0;
        while (cut < text.length() && (Character.isLetterOrDigit(text.charAt(cut)) || also.indexOf(text.charAt(cut)) >= 0)) {
            cut++;
        }
        return text.substring(0, cut);
    }

    private static void family(Exposition e, List<PortStats> ports, String name, String help, ToLongFunction<PortStats> value) {
        e.counter(name, help);
        for (PortStats p : ports) {
            e.sample(value.applyAsLong(p), "kind", p.kind(), "port", p.id(), "peer", peer(p));
        }
    }

    private static void forwarder(Exposition e, List<PortStats> all) {
        long learned = -1;
        long owned = -1;
        long moves = -1;
        long fallbacks = -1;
        long demotions = -1;
        for (PortStats p : all) {
            if (!DataPlane.FORWARDER_STATS_KIND.equals(p.kind())) {
                continue;
            }
            switch (p.id()) {
                case DataPlane.LEARNED_STATS_ID -> learned = p.framesIn();
                case DataPlane.OWNED_STATS_ID -> owned = p.framesIn();
                case DataPlane.MAC_MOVES_STATS_ID -> moves = p.framesIn();
                case DataPlane.FALLBACKS_STATS_ID -> fallbacks = p.framesIn();
                case "realtime" -> demotions = p.framesIn();
                default -> {
                }
            }
        }
        if (learned >= 0) {
            e.gauge("vnet_learned_macs", "MAC addresses learned now, all networks.").sample(learned);
        }
        if (owned >= 0) {
            e.gauge("vnet_owned_macs", "Addresses of registered VMs this agent enforces ownership of.").sample(owned);
        }
        if (moves >= 0) {
            e.counter("vnet_mac_moves_total", "Announcements of a VM from a port other than its rules' (moved VMs).").sample(moves);
        }
        if (fallbacks >= 0) {
            e.counter("vnet_rule_fallbacks_total", "Frames whose rules named only ports that were down, sent by learning or"
                    + " the flooding tree instead.").sample(fallbacks);
        }
        if (demotions >= 0) {
            e.counter("vnet_realtime_demotions_total", "Times a forwarding loop went back to normal scheduling (busy 90% of"
                    + " a second).").sample(demotions);
        }
    }
}
