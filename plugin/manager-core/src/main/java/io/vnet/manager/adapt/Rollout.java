package io.vnet.manager.adapt;

import io.vnet.api.Endpoint;
import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import io.vnet.manager.AgentRegistry;
import io.vnet.manager.AuditLog;
import io.vnet.manager.DesiredState;
import io.vnet.manager.DesiredStateService;
import io.vnet.manager.HostInfo;
import io.vnet.manager.MeasuredLink;
import io.vnet.vadapt.DaemonConfig;
import io.vnet.vadapt.DaemonConfigs;
import io.vnet.vadapt.HostLink;
import io.vnet.vadapt.Plan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a network's {@link Plan} into the agents' desired state and pushes it.
 *
 * <ul>
 *   <li><b>Render</b>: {@link DaemonConfigs} gives each daemon its links and rules. Links that
 *       already exist outside the manager's desired state (the agents' configured star) are
 *       reused: no second link is made, and rules name the existing link's id. Rules for a
 *       host's own VMs are left out: the agent delivers those by learning, and the manager does
 *       not know the agents' interface ids.</li>
 *   <li><b>Kernel path</b>: a rendered link between two agents that both said {@code kernelPath}
 *       becomes a VXLAN link on the kernel path, on a UDP port of its own at both ends (from
 *       {@value #KERNEL_PORT_BASE} up, the smallest that neither host's managed kernel links use;
 *       a link keeps its port while it stays installed), to the peer's link address.</li>
 *   <li><b>Install</b>: each network's rendered configs are kept; a host's desired state is
 *       the union over the networks the loop manages on it (links shared by networks once,
 *       flooding if any network floods on them). Only hosts whose state changes get a new
 *       generation, and each push goes into the audit log.</li>
 * </ul>
 */
final class Rollout {
    /** The first UDP port of the kernel-path links the manager renders (configured ones should stay below it). */
    static final int KERNEL_PORT_BASE = 4900;
    /** How many ports from the base it may use: a host has at most this many managed kernel links. */
    static final int KERNEL_PORTS = 4096;

    /** A network's managed overlay: host id -> that host's links and rules in the network. */
    record Installed(Map<String, DaemonConfig> configs) {
        static final Installed NONE = new Installed(Map.of());

        Installed {
            configs = Map.copyOf(configs);
        }
    }

    private final AgentRegistry agents;
    private final DesiredStateService desired;
    private final AuditLog audit;
    private final Map<NetworkId, Installed> installed = new HashMap<>();

    Rollout(AgentRegistry agents, DesiredStateService desired, AuditLog audit) {
        this.agents = agents;
        this.desired = desired;
        this.audit = audit;
    }

    /**
     * The plan as links and rules per host for {@code network}.
     *
     * @throws IllegalArgumentException a host that must be dialled has no link address
     */
    synchronized Installed render(NetworkId network, Plan plan) {
        Map<String, Map<String, String>> existing = new HashMap<>(); // host -> peer -> link id, outside desired state
        Map<String, Endpoint> endpoints = new HashMap<>();
        Set<String> kernel = new HashSet<>();
        for (HostInfo h : agents.hosts()) {
            if (h.kernelPath() && h.linkAddress() != null) {
                kernel.add(h.hostId());
            }
            if (h.linkAddress() != null) {
                endpoints.put(h.hostId(), Endpoint.parse(h.linkAddress()));
            }
            Set<String> managed = new HashSet<>();
            desired.get(h.hostId()).ifPresent(d -> d.links().forEach(l -> managed.add(l.id())));
            Map<String, String> byPeer = new TreeMap<>();
            for (MeasuredLink l : h.links()) {
                if (!managed.contains(l.id()) && l.carries(network)) {
                    byPeer.putIfAbsent(l.peerHost(), l.id());
                }
            }
            existing.put(h.hostId(), byPeer);
        }
        // a link that exists already is not dialled again: its far end needs no endpoint
        Set<HostLink> reused = new TreeSet<>();
        for (HostLink l : plan.overlay().links()) {
            if (existing.getOrDefault(l.a(), Map.of()).containsKey(l.b())
                    || existing.getOrDefault(l.b(), Map.of()).containsKey(l.a())) {
                reused.add(l);
                endpoints.putIfAbsent(l.b(), new Endpoint("0.0.0.0", 1)); // never used: the link is not rendered
            }
        }
        Map<String, DaemonConfig> raw = DaemonConfigs.of(plan, network, endpoints, "local");
        Map<HostLink, Integer> ports = kernelPorts(plan, reused, kernel);
        Map<String, DaemonConfig> out = new TreeMap<>();
        raw.forEach((host, cfg) -> {
            Map<String, String> rename = existing.getOrDefault(host, Map.of());
            List<LinkSpec> links = new ArrayList<>();
            for (LinkSpec l : cfg.links()) {
                HostLink hl = HostLink.of(host, l.peerHost());
                if (reused.contains(hl)) {
                    continue;
                }
                Integer port = ports.get(hl);
                links.add(port == null ? l : LinkSpec.vxlan(l.id(), l.peerHost(),
                        new Endpoint(endpoints.get(l.peerHost()).host(), port), l.flood(), l.networks()));
            }
            List<ForwardingRule> rules = new ArrayList<>();
            for (ForwardingRule r : cfg.rules()) {
                if (r.target().kind() == RuleTarget.Kind.INTERFACE) {
                    continue;
                }
                String id = rename.getOrDefault(r.target().id(), r.target().id());
                rules.add(new ForwardingRule(r.network(), r.src(), r.dst(), RuleTarget.link(id)));
            }
            out.put(host, new DaemonConfig(host, links, rules));
        });
        return new Installed(out);
    }

    /**
     * The UDP port of each link of {@code plan} that takes the kernel path (both hosts in {@code
     * kernel}, not reused): the port it has where it is installed already, else the smallest from
     * {@link #KERNEL_PORT_BASE} that no managed kernel link of either host uses.
     */
    private Map<HostLink, Integer> kernelPorts(Plan plan, Set<HostLink> reused, Set<String> kernel) {
        Map<String, Set<Integer>> used = new HashMap<>();
        Map<HostLink, Integer> had = new HashMap<>();
        installed.values().forEach(inst -> inst.configs().forEach((host, cfg) -> {
            for (LinkSpec l : cfg.links()) {
                if (l.isVxlan()) {
                    used.computeIfAbsent(host, k -> new HashSet<>()).add(l.connect().port());
                    had.put(HostLink.of(host, l.peerHost()), l.connect().port());
                }
            }
        }));
        Map<HostLink, Integer> out = new TreeMap<>();
        List<HostLink> fresh = new ArrayList<>();
        for (HostLink l : plan.overlay().links()) {
            if (reused.contains(l) || !kernel.contains(l.a()) || !kernel.contains(l.b())) {
                continue;
            }
            Integer p = had.get(l);
            if (p != null) {
                out.put(l, p);
            } else {
                fresh.add(l);
            }
        }
        for (HostLink l : fresh) {
            Set<Integer> a = used.computeIfAbsent(l.a(), k -> new HashSet<>());
            Set<Integer> b = used.computeIfAbsent(l.b(), k -> new HashSet<>());
            int p = KERNEL_PORT_BASE;
            while (a.contains(p) || b.contains(p)) {
                p++;
            }
            if (p >= KERNEL_PORT_BASE + KERNEL_PORTS) {
                continue; // no port left: the link stays a TCP link
            }
            a.add(p);
            b.add(p);
            out.put(l, p);
        }
        return out;
    }

    /** Takes {@code inst} as the network's installed overlay without pushing anything (a restarted manager). */
    synchronized void restore(NetworkId network, Installed inst) {
        installed.put(network, inst);
    }

    /** The overlay installed for {@code network} (empty if none). */
    synchronized Installed installed(NetworkId network) {
        return installed.getOrDefault(network, Installed.NONE);
    }

    /**
     * Makes {@code next} the network's managed overlay and pushes every host whose desired state
     * changes as a result. Returns the generations pushed, by host.
     */
    synchronized Map<String, Long> install(NetworkId network, Installed next, String actor, String why) {
        Installed before = installed(network);
        installed.put(network, next);
        Set<String> hosts = new TreeSet<>(before.configs().keySet());
        hosts.addAll(next.configs().keySet());
        Map<String, Long> pushed = new LinkedHashMap<>();
        for (String h : hosts) {
            List<LinkSpec> links = new ArrayList<>();
            List<ForwardingRule> rules = new ArrayList<>();
            compose(h, links, rules);
            Optional<DesiredState> now = desired.get(h);
            if (now.isPresent() && new HashSet<>(now.get().links()).equals(new HashSet<>(links))
                    && new HashSet<>(now.get().rules()).equals(new HashSet<>(rules))) {
                continue;
            }
            DesiredState d = desired.set(h, links, rules);
            pushed.put(h, d.generation());
            audit.record(actor, "desired-state", "host " + h, why + ": generation " + d.generation() + ", "
                    + links.size() + " link(s) " + linkIds(links) + ", " + rules.size() + " rule(s)");
        }
        return pushed;
    }

    /** Whether every host of {@code generations} has applied at least that generation. */
    boolean acknowledged(Map<String, Long> generations) {
        for (Map.Entry<String, Long> e : generations.entrySet()) {
            Optional<HostInfo> h = agents.host(e.getKey());
            if (h.isEmpty() || h.get().appliedGeneration() < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void compose(String host, List<LinkSpec> links, List<ForwardingRule> rules) {
        Map<String, LinkSpec> byId = new TreeMap<>();
        Set<ForwardingRule.Key> keys = new HashSet<>();
        installed.values().forEach(inst -> {
            DaemonConfig c = inst.configs().get(host);
            if (c == null) {
                return;
            }
            for (LinkSpec l : c.links()) {
                // one link per peer: it carries the networks of every installed overlay that has it
                LinkSpec had = byId.get(l.id());
                if (had == null) {
                    byId.put(l.id(), l);
                } else {
                    Set<io.vnet.api.NetworkId> carried = new TreeSet<>(had.networks());
                    carried.addAll(l.networks());
                    byId.put(l.id(), (l.flood() && !had.flood() ? l : had).withNetworks(carried));
                }
            }
            for (ForwardingRule r : c.rules()) {
                if (keys.add(r.key())) {
                    rules.add(r);
                }
            }
        });
        links.addAll(byId.values());
    }

    private static List<String> linkIds(List<LinkSpec> links) {
        List<String> ids = new ArrayList<>();
        links.forEach(l -> ids.add(l.id()));
        return ids;
    }
}
