package io.vnet.manager.adapt;

import io.vnet.api.Endpoint;
import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.api.QuietLink;
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
import java.lang.System.Logger.Level;
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
 *   <li><b>Install, make before break</b>: each network's rendered configs are kept, and each
 *       host is given the network's part of its desired state ({@link DesiredStateService#setPart});
 *       the service composes a host's parts (links shared by networks once, flooding if any
 *       network floods on them), and a part is acknowledged when the host runs its generation
 *       ({@link DesiredStateService#partApplied}). A network moves from the overlay
 *       in force to the next one in stages ({@link Stage}), each pushed to the hosts whose state
 *       it changes and waited for: {@code ACCEPT} gives the new links' accepting ends (the old
 *       links and rules stay), {@code LINKS} their dialling ends, and waits until every new link
 *       is reported up at both ends; {@code RULES} moves the rules onto the next overlay, the old
 *       links still in place; once every host acknowledged that, {@code UNDIAL} removes the
 *       dialling ends of the links no rule uses any more and {@code PRUNE} their accepting ends
 *       (a dialler never meets a peer that refuses it). A stage with nothing to change is passed
 *       at once; a stage that waits longer than {@link #STAGE_TIMEOUT_MS} ms (a link that never
 *       comes up, an agent that does not answer) is passed all the same and logged: a rule whose
 *       link is down falls back to the flooding tree in the agent. A new install during a move
 *       starts from what is in force at that moment, so nothing is removed before the next rules
 *       are in place. {@link #advance} (called on every tick of the loop) moves the stages on;
 *       each push goes into the audit log.</li>
 * </ul>
 */
final class Rollout {
    private static final System.Logger LOG = System.getLogger(Rollout.class.getName());
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

    /** How long a stage of a move waits for links to come up or hosts to acknowledge before it is passed anyway. */
    static final long STAGE_TIMEOUT_MS = 10_000;

    /**
     * The stages of a network's move from one overlay to the next (make before break). A TCP/TLS link
     * has an accepting end (no {@code connect}) and a dialling one: the accepting end is given first
     * and taken last, so the dialler never meets a peer that refuses it.
     */
    enum Stage {
        /** The new links' accepting ends beside the old links, the old rules. */
        ACCEPT("new links' accepting ends first"),
        /** Every new link beside the old ones, the old rules. */
        LINKS("new links"),
        /** The next rules, the old links still in place. */
        RULES("rules moved"),
        /** The next overlay, but for the accepting ends of the links it drops: their dialling ends go first. */
        UNDIAL("unused links' dialling ends removed"),
        /** The next overlay alone. */
        PRUNE("unused links removed");

        final String what;

        Stage(String what) {
            this.what = what;
        }
    }

    /** A network's move in progress: from what was in force to the target, at a stage. */
    private static final class Move {
        final Installed from;
        final Installed to;
        final String actor;
        final String why;
        Stage stage;
        /** What the hosts are given at {@link #stage}, made once per stage: every host's push reads it. */
        private Installed view;
        long since;
        Map<String, Long> pushed = Map.of();

        Move(Installed from, Installed to, String actor, String why) {
            this.from = from;
            this.to = to;
            this.actor = actor;
            this.why = why;
            at(Stage.ACCEPT);
        }

        void at(Stage next) {
            stage = next;
            view = make(next);
        }

        /** What the hosts are given at this move's stage. */
        Installed view() {
            return view;
        }

        private Installed make(Stage stage) {
            return switch (stage) {
                case ACCEPT -> combine(from, accepting(to, from), from);
                case LINKS -> combine(from, to, from);
                case RULES -> combine(from, to, to);
                case UNDIAL -> combine(to, accepting(from, to), to);
                case PRUNE -> to;
            };
        }

        /** Per host, the accepting ends of {@code a}'s links that {@code b} does not have (by id); no rules. */
        private static Installed accepting(Installed a, Installed b) {
            Map<String, DaemonConfig> out = new TreeMap<>();
            a.configs().forEach((h, c) -> {
                Set<String> inB = new HashSet<>();
                DaemonConfig cb = b.configs().get(h);
                if (cb != null) {
                    cb.links().forEach(l -> inB.add(l.id()));
                }
                List<LinkSpec> links = new ArrayList<>();
                for (LinkSpec l : c.links()) {
                    if (l.connect() == null && !inB.contains(l.id())) {
                        links.add(l);
                    }
                }
                out.put(h, new DaemonConfig(h, links, List.of()));
            });
            return new Installed(out);
        }

        /**
         * Per host: the links of {@code a} and {@code b} (b's where both have an id), the rules of
         * {@code rules}, and the flooding of {@code rules} too: a link floods a network only if
         * {@code rules} floods it there (so a link of the other side alone floods nothing). A host
         * thus changes from one flooding tree to the next when its rules change, at once; hosts on
         * either tree never form a loop, since a frame crosses only links that flood its network
         * at both ends, and each tree's such links join only hosts that have that tree.
         */
        private static Installed combine(Installed a, Installed b, Installed rules) {
            Set<String> hosts = new TreeSet<>(a.configs().keySet());
            hosts.addAll(b.configs().keySet());
            Map<String, DaemonConfig> out = new TreeMap<>();
            for (String h : hosts) {
                Map<String, LinkSpec> links = new LinkedHashMap<>();
                DaemonConfig ca = a.configs().get(h);
                DaemonConfig cb = b.configs().get(h);
                if (ca != null) {
                    ca.links().forEach(l -> links.put(l.id(), l));
                }
                if (cb != null) {
                    cb.links().forEach(l -> links.put(l.id(), l));
                }
                DaemonConfig cr = rules.configs().get(h);
                Map<String, LinkSpec> floods = new HashMap<>();
                if (cr != null) {
                    cr.links().forEach(l -> floods.put(l.id(), l));
                }
                List<LinkSpec> flooding = new ArrayList<>();
                for (LinkSpec l : links.values()) {
                    LinkSpec f = floods.get(l.id());
                    List<NetworkId> flooded = new ArrayList<>();
                    if (f != null) {
                        f.flooded().forEach(n -> {
                            if (l.networks().contains(n)) {
                                flooded.add(n);
                            }
                        });
                    }
                    flooding.add(flooded.equals(l.flooded()) ? l : l.withNetworks(l.networks(), flooded));
                }
                out.put(h, new DaemonConfig(h, flooding, cr == null ? List.of() : cr.rules(),
                        cr == null ? List.of() : cr.quiet()));
            }
            return new Installed(out);
        }
    }

    private final AgentRegistry agents;
    private final DesiredStateService desired;
    private final AuditLog audit;
    private final java.time.Clock clock;
    /** Each network's target overlay. */
    private final Map<NetworkId, Installed> installed = new HashMap<>();
    /** Networks moving to their target, with the stage they are at. */
    private final Map<NetworkId, Move> moving = new HashMap<>();
    /** Per network, the generation last pushed to each host by its latest move. */
    private final Map<NetworkId, Map<String, Long>> lastPushed = new HashMap<>();

    Rollout(AgentRegistry agents, DesiredStateService desired, AuditLog audit, java.time.Clock clock) {
        this.agents = agents;
        this.desired = desired;
        this.audit = audit;
        this.clock = clock;
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
        Map<String, Set<Integer>> taken = new HashMap<>(); // host -> UDP ports of the kernel links it runs
        for (HostInfo h : agents.hosts()) {
            if (h.kernelPath() && h.linkAddress() != null) {
                kernel.add(h.hostId());
            }
            if (h.linkAddress() != null) {
                endpoints.put(h.hostId(), Endpoint.parse(h.linkAddress()));
            }
            Set<String> managed = new HashSet<>();
            desired.get(h.hostId()).ifPresent(d -> d.links().forEach(l -> {
                managed.add(l.id());
                if (l.isVxlan()) { // any network's, this manager's or another owner's of the cluster
                    taken.computeIfAbsent(h.hostId(), k -> new HashSet<>()).add(l.connect().port());
                }
            }));
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
        Map<HostLink, Integer> ports = kernelPorts(plan, reused, kernel, taken);
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
            // a configured link the plan uses off its flooding tree must not flood the network (the
            // tree was rebuilt without it: its far end died)
            List<QuietLink> quiet = new ArrayList<>();
            rename.forEach((peer, id) -> {
                HostLink hl = HostLink.of(host, peer);
                if (reused.contains(hl) && !plan.floodTree().contains(hl)) {
                    quiet.add(new QuietLink(id, List.of(network)));
                }
            });
            out.put(host, new DaemonConfig(host, links, rules, quiet));
        });
        return new Installed(out);
    }

    /**
     * The UDP port of each link of {@code plan} that takes the kernel path (both hosts in {@code
     * kernel}, not reused): the port it has where it is installed already, else the smallest from
     * {@link #KERNEL_PORT_BASE} that no kernel link of either host uses: this manager's installed or
     * moving ones, and any in the hosts' desired state ({@code taken}), which in a cluster holds the
     * parts of networks other managers own (two owners picking one port on a host pair had the second
     * link refused by the agent). Two owners choosing in the same instant, before either's part reaches
     * the other's view of the hosts, can still pick the same port: the second link then stays down and
     * the move passes that stage after its wait, as for any link that does not come up.
     */
    private Map<HostLink, Integer> kernelPorts(Plan plan, Set<HostLink> reused, Set<String> kernel,
                                               Map<String, Set<Integer>> taken) {
        Map<String, Set<Integer>> used = new HashMap<>();
        taken.forEach((host, ports) -> used.put(host, new HashSet<>(ports)));
        Map<HostLink, Integer> had = new HashMap<>();
        List<Installed> holding = new ArrayList<>(installed.values()); // a link being removed still holds its port
        moving.values().forEach(m -> holding.add(m.view()));
        holding.forEach(inst -> inst.configs().forEach((host, cfg) -> {
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
        moving.remove(network);
        inst.configs().forEach((host, c) -> desired.restorePart(host, network, c.links(), c.rules(), c.quiet()));
    }

    /** Forgets {@code network} without pushing anything (another manager of the cluster owns it now). */
    synchronized void release(NetworkId network) {
        installed.remove(network);
        moving.remove(network);
        lastPushed.remove(network);
    }

    /** The overlay installed for {@code network}, the target of a move in progress (empty if none). */
    synchronized Installed installed(NetworkId network) {
        return installed.getOrDefault(network, Installed.NONE);
    }

    /** What the hosts are given for {@code network} now: the target, or the stage of its move. */
    private Installed inForce(NetworkId network) {
        Move m = moving.get(network);
        return m != null ? m.view() : installed(network);
    }

    /** The stage {@code network}'s move is at, empty when it is not moving. */
    synchronized Optional<Stage> stage(NetworkId network) {
        Move m = moving.get(network);
        return m == null ? Optional.empty() : Optional.of(m.stage);
    }

    /**
     * Makes {@code next} the network's managed overlay and starts moving the hosts onto it, make
     * before break (the class comment); stages that need nothing are passed at once. Returns the
     * generations pushed by this call, by host: empty when nothing changes for any host.
     */
    synchronized Map<String, Long> install(NetworkId network, Installed next, String actor, String why) {
        Installed from = inForce(network);
        installed.put(network, next);
        Move m = new Move(from, next, actor, why);
        moving.put(network, m);
        lastPushed.put(network, new TreeMap<>());
        Map<String, Long> pushed = new LinkedHashMap<>();
        enter(network, m, Stage.ACCEPT, clock.millis(), pushed);
        step(network, m, clock.millis(), pushed);
        return pushed;
    }

    /** Moves every network's move on to its next stage where the stage it is at is done (called on every tick). */
    synchronized void advance() {
        long now = clock.millis();
        for (Map.Entry<NetworkId, Move> e : List.copyOf(moving.entrySet())) {
            step(e.getKey(), e.getValue(), now, new LinkedHashMap<>());
        }
    }

    private void step(NetworkId network, Move m, long now, Map<String, Long> pushed) {
        while (moving.get(network) == m && done(network, m, now)) {
            if (m.stage == Stage.PRUNE) {
                moving.remove(network);
                return;
            }
            enter(network, m, Stage.values()[m.stage.ordinal() + 1], now, pushed);
        }
    }

    private void enter(NetworkId network, Move m, Stage stage, long now, Map<String, Long> pushed) {
        m.at(stage);
        m.since = now;
        Set<String> hosts = new TreeSet<>(m.from.configs().keySet());
        hosts.addAll(m.to.configs().keySet());
        m.pushed = push(network, m.view(), hosts, m.actor, m.why + ", " + stage.what);
        lastPushed.get(network).putAll(m.pushed);
        pushed.putAll(m.pushed);
    }

    /** Whether {@code m}'s stage is done: its pushes acknowledged and, at LINKS, every new link up at both ends; or timed out. */
    private boolean done(NetworkId network, Move m, long now) {
        boolean done = acknowledged(network, m.pushed) && (m.stage != Stage.LINKS || newLinksUp(m));
        if (!done && now - m.since >= STAGE_TIMEOUT_MS) {
            LOG.log(Level.WARNING, "network " + network + ": the move's stage " + m.stage + " (" + m.stage.what
                    + ") waited " + (now - m.since) + " ms for " + (acknowledged(network, m.pushed) ? "its new links to come up"
                    : "the hosts to acknowledge " + m.pushed) + "; going on (a rule whose link is down falls back to the"
                    + " flooding tree)");
            return true;
        }
        return done;
    }

    /** Whether every link of the move's target that was not in force before it is reported up by its host. */
    private boolean newLinksUp(Move m) {
        for (Map.Entry<String, DaemonConfig> e : m.to.configs().entrySet()) {
            DaemonConfig before = m.from.configs().get(e.getKey());
            Set<String> had = new HashSet<>();
            if (before != null) {
                before.links().forEach(l -> had.add(l.id()));
            }
            for (LinkSpec l : e.getValue().links()) {
                if (!had.contains(l.id()) && !reportedUp(e.getKey(), l.id())) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean reportedUp(String host, String linkId) {
        Optional<HostInfo> h = agents.host(host);
        if (h.isEmpty()) {
            return false;
        }
        for (MeasuredLink l : h.get().links()) {
            if (l.id().equals(linkId)) {
                return l.up();
            }
        }
        return false;
    }

    /**
     * Gives every host of {@code hosts} the network's part of its desired state as {@code view} has it (the
     * desired-state service composes it with the host's other parts and pushes what changed); returns the
     * part generations of the hosts whose part changed.
     */
    private Map<String, Long> push(NetworkId network, Installed view, Set<String> hosts, String actor, String why) {
        Map<String, Long> pushed = new LinkedHashMap<>();
        for (String h : hosts) {
            DaemonConfig c = view.configs().get(h);
            List<LinkSpec> links = c == null ? List.of() : c.links();
            List<ForwardingRule> rules = c == null ? List.of() : c.rules();
            List<QuietLink> quiet = c == null ? List.of() : c.quiet();
            long before = desired.part(h, network).map(io.vnet.manager.DesiredParts.Part::generation).orElse(-1L);
            long now = desired.setPart(h, network, links, rules, quiet);
            if (now == before) {
                continue; // no change (a host with no part yet and nothing to give it: none)
            }
            pushed.put(h, now);
            audit.record(actor, "desired-state", "host " + h, why + ": generation " + now + " of network " + network.vni()
                    + "'s part, " + links.size() + " link(s) " + linkIds(links) + ", " + rules.size() + " rule(s)"
                    + (quiet.isEmpty() ? "" : ", configured links not flooding " + quietNames(quiet)));
        }
        return pushed;
    }

    /**
     * Whether {@code network}'s latest move is at its last stage (or over) and every host it pushed
     * has applied what it was given last.
     */
    synchronized boolean acknowledged(NetworkId network) {
        Move m = moving.get(network);
        return (m == null || m.stage == Stage.PRUNE) && acknowledged(network, lastPushed.getOrDefault(network, Map.of()));
    }

    /** Whether every host of {@code generations} runs at least that generation of the network's part. */
    private boolean acknowledged(NetworkId network, Map<String, Long> generations) {
        for (Map.Entry<String, Long> e : generations.entrySet()) {
            if (desired.partApplied(e.getKey(), network) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static String quietNames(List<QuietLink> quiet) {
        List<String> out = new ArrayList<>();
        quiet.forEach(q -> out.add(q.link() + " " + java.util.Arrays.toString(q.vnis())));
        return String.join(", ", out);
    }

    private static List<String> linkIds(List<LinkSpec> links) {
        List<String> ids = new ArrayList<>();
        links.forEach(l -> ids.add(l.id()));
        return ids;
    }
}
