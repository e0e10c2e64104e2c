package io.vnet.manager.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.Endpoint;
import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.api.MacAddress;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import io.vnet.manager.AdaptationService.Decision;
import io.vnet.manager.AdaptationService.Mode;
import io.vnet.manager.AdaptationService.Settings;
import io.vnet.manager.AgentRegistry;
import io.vnet.manager.AuditLog;
import io.vnet.manager.DesiredState;
import io.vnet.manager.DesiredStateService;
import io.vnet.manager.HostInfo;
import io.vnet.manager.MeasuredLink;
import io.vnet.manager.MigrationExecutor;
import io.vnet.manager.TopologyService;
import io.vnet.vttif.TopologyChange;
import io.vnet.vttif.TopologyClass;
import io.vnet.vttif.TopologyGraph;
import io.vnet.vttif.TrafficMatrix;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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
import org.junit.jupiter.api.Test;

/**
 * The closed loop with hand-written adapters of the registry, VTTIF, desired state and the
 * audit log: one decision per change of topology class, none while the class is steady or the
 * mode is off, at most one per minimum interval; recommend mode applies nothing; automatic mode
 * pushes links and rules (reusing the agents' star), is acknowledged, measures the realised gain,
 * rolls back, follows a VM that moved, and migrates within its cap.
 */
class AdaptationLoopTest {
    static final NetworkId NET = PlannerTest.NET;

    /** VTTIF whose reported class the test sets; the matrix is an all-to-all over three hosts. */
    static final class Vttif implements TopologyService {
        TopologyClass cls = TopologyClass.ALL_TO_ALL;
        TrafficMatrix matrix;
        /** No traffic now: the last reported topology stays, the inferred one is empty. */
        boolean quiet;

        Vttif(TrafficMatrix matrix) {
            this.matrix = matrix;
        }

        @Override
        public Set<NetworkId> networks() {
            return Set.of(NET);
        }

        @Override
        public Optional<TopologyGraph> topology(NetworkId n) {
            List<MacAddress> nodes = new ArrayList<>(matrix.nodes());
            if (nodes.size() < 2) {
                return Optional.of(TopologyGraph.empty());
            }
            return Optional.of(TopologyGraph.of(cls, 0, 0, null, List.of(
                    new TopologyGraph.Edge(nodes.get(0), nodes.get(1), 1.0))));
        }

        @Override
        public TopologyGraph inferred(NetworkId n) {
            return quiet ? TopologyGraph.empty() : topology(n).orElseThrow();
        }

        @Override
        public TrafficMatrix matrix(NetworkId n) {
            return matrix;
        }

        @Override
        public List<TopologyChange> history(NetworkId n) {
            return List.of();
        }
    }

    /** A clock the test moves. */
    static final class Manual extends Clock {
        long millis = 1_000_000;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    /** The agents: a proxy px and hosts ha, hb, hc with two VMs each, in a star of configured links. */
    static final class Agents implements AgentRegistry {
        final Map<String, HostInfo> hosts = new LinkedHashMap<>();
        final Map<String, Long> applied = new HashMap<>();
        /** Whether the VM hosts say kernelPath in their hello. */
        boolean kernel;

        Agents() {
            List<MeasuredLink> proxyLinks = new ArrayList<>();
            hosts.put("px", null);
            String[] names = {"ha", "hb", "hc"};
            for (int h = 0; h < 3; h++) {
                proxyLinks.add(new MeasuredLink("from-" + names[h], names[h], "tcp", true, 800, 800, 0, 0, List.of(NET)));
                put(names[h], List.of(PlannerTest.vm(2 * h + 1), PlannerTest.vm(2 * h + 2)));
            }
            hosts.put("px", new HostInfo("px", "proxy", "10.0.0.9:5800", true, List.of(NET), Map.of(NET, List.of()),
                    -1, -1, List.of(), Instant.now(), proxyLinks));
        }

        void put(String id, List<MacAddress> vms) {
            int n = id.charAt(1) - 'a' + 1;
            hosts.put(id, new HostInfo(id, "host", "10.0.0." + n + ":5800", true, List.of(NET), Map.of(NET, vms), -1,
                    applied.getOrDefault(id, -1L), List.of(), Instant.now(),
                    List.of(new MeasuredLink("to-px", "px", "tcp", true, 800, 800, 0, 0, List.of(NET))), List.of(),
                    HostInfo.UNKNOWN, kernel));
        }

        void acknowledgeAll(Desired d) {
            d.states.forEach((h, s) -> applied.put(h, s.generation()));
            for (String h : List.copyOf(hosts.keySet())) {
                HostInfo i = hosts.get(h);
                hosts.put(h, new HostInfo(h, i.role(), i.linkAddress(), i.connected(), i.networks(), i.vms(), i.desiredGeneration(),
                        applied.getOrDefault(h, -1L), i.lastErrors(), i.lastSeen(), i.links(), i.instances(), i.security(),
                        i.kernelPath()));
            }
        }

        /**
         * What the agents do with their desired states: apply them (acknowledged) and bring their
         * links up (reported up, beside the configured star's).
         */
        void applyAll(Desired d) {
            acknowledgeAll(d);
            for (String h : List.copyOf(hosts.keySet())) {
                HostInfo i = hosts.get(h);
                List<MeasuredLink> links = new ArrayList<>();
                for (MeasuredLink l : i.links()) {
                    if (l.id().equals("to-px") || l.id().startsWith("from-")) {
                        links.add(l);
                    }
                }
                DesiredState st = d.states.get(h);
                if (st != null) {
                    for (LinkSpec l : st.links()) {
                        links.add(new MeasuredLink(l.id(), l.peerHost(), "tcp", true, 500, 500, 0, 0, l.networks()));
                    }
                }
                hosts.put(h, new HostInfo(h, i.role(), i.linkAddress(), i.connected(), i.networks(), i.vms(), i.desiredGeneration(),
                        i.appliedGeneration(), i.lastErrors(), i.lastSeen(), links, i.instances(), i.security(),
                        i.kernelPath()));
            }
        }

        /** {@code host}'s agent is connected or gone. */
        void connected(String host, boolean connected) {
            HostInfo i = hosts.get(host);
            hosts.put(host, new HostInfo(host, i.role(), i.linkAddress(), connected, i.networks(), i.vms(),
                    i.desiredGeneration(), i.appliedGeneration(), i.lastErrors(), i.lastSeen(), i.links(), i.instances(),
                    i.security(), i.kernelPath()));
        }

        /** {@code host} reports its link {@code id} up or down (as it measured it). */
        void linkUp(String host, String id, boolean up) {
            HostInfo i = hosts.get(host);
            List<MeasuredLink> links = new ArrayList<>();
            for (MeasuredLink l : i.links()) {
                links.add(!l.id().equals(id) ? l : new MeasuredLink(l.id(), l.peerHost(), l.transport(), up,
                        l.rttMicros(), l.minRttMicros(), 0, 0, l.networks()));
            }
            hosts.put(host, new HostInfo(host, i.role(), i.linkAddress(), i.connected(), i.networks(), i.vms(),
                    i.desiredGeneration(), i.appliedGeneration(), i.lastErrors(), i.lastSeen(), links, i.instances(),
                    i.security(), i.kernelPath()));
        }

        @Override
        public List<HostInfo> hosts() {
            return List.copyOf(hosts.values());
        }

        @Override
        public Optional<HostInfo> host(String hostId) {
            return Optional.ofNullable(hosts.get(hostId));
        }
    }

    /**
     * Desired state kept in a map, with increasing generations, made of parts as the agents' service makes
     * it ({@link io.vnet.manager.DesiredParts}); what each host applied is read from {@link #agents}.
     */
    static final class Desired implements DesiredStateService {
        final Map<String, DesiredState> states = new TreeMap<>();
        long generation = 100;
        final io.vnet.manager.DesiredParts parts = new io.vnet.manager.DesiredParts(() -> ++generation);
        java.util.function.ToLongFunction<String> applied = h -> -1;

        @Override
        public DesiredState set(String hostId, List<LinkSpec> links, List<ForwardingRule> rules) {
            return set(hostId, links, rules, List.of());
        }

        @Override
        public DesiredState set(String hostId, List<LinkSpec> links, List<ForwardingRule> rules,
                                List<io.vnet.api.QuietLink> quiet) {
            DesiredState d = new DesiredState(hostId, ++generation, links, rules, quiet);
            states.put(hostId, d);
            parts.replaced(d);
            return d;
        }

        @Override
        public long setPart(String hostId, NetworkId network, List<LinkSpec> links, List<ForwardingRule> rules,
                            List<io.vnet.api.QuietLink> quiet) {
            io.vnet.manager.DesiredParts.Change c = parts.set(hostId, network.vni(), links, rules, quiet);
            c.whole().ifPresent(d -> states.put(hostId, d));
            return c.part();
        }

        @Override
        public Optional<io.vnet.manager.DesiredParts.Part> part(String hostId, NetworkId network) {
            return parts.part(hostId, network.vni());
        }

        @Override
        public long partApplied(String hostId, NetworkId network) {
            return parts.partApplied(hostId, network.vni(), applied.applyAsLong(hostId));
        }

        @Override
        public void restorePart(String hostId, NetworkId network, List<LinkSpec> links, List<ForwardingRule> rules,
                                List<io.vnet.api.QuietLink> quiet) {
            parts.restore(hostId, network.vni(), links, rules, quiet);
        }

        @Override
        public Optional<DesiredState> get(String hostId) {
            return Optional.ofNullable(states.get(hostId));
        }
    }

    /** An audit log in a list. */
    static final class Audit implements AuditLog {
        final List<Entry> entries = new ArrayList<>();

        @Override
        public void record(String actor, String action, String target, String detail) {
            entries.add(new Entry(entries.size() + 1, Instant.now(), actor, action, target, detail));
        }

        @Override
        public List<Entry> entries(Instant from, Instant to, int limit) {
            return List.copyOf(entries);
        }
    }

    /** Moves VMs in {@link Agents} as a migration would, and remembers the calls. */
    final class Mover implements MigrationExecutor {
        final List<String> calls = new ArrayList<>();

        @Override
        public String describe() {
            return "test mover";
        }

        @Override
        public void migrate(NetworkId network, MacAddress vm, String fromHost, String toHost) {
            calls.add(vm + " " + fromHost + "->" + toHost);
            List<MacAddress> from = new ArrayList<>(agents.hosts.get(fromHost).vms().get(NET));
            from.remove(vm);
            agents.put(fromHost, from);
            List<MacAddress> to = new ArrayList<>(agents.hosts.get(toHost).vms().get(NET));
            to.add(vm);
            agents.put(toHost, to);
        }
    }

    final Manual clock = new Manual();
    final Vttif vttif;
    final Agents agents = new Agents();
    final Desired desired = new Desired();
    final Audit audit = new Audit();
    MigrationExecutor executor;
    final RateMeter rates = new RateMeter();
    final AdaptationLoop loop;
    /** Decisions at least 5 s apart; gains measured over 2 s from 3 s after applying; traffic steady for 1 s. */
    static final AdaptationLoop.Timing TIMING = new AdaptationLoop.Timing(5000, 3000, 2000, 1000, 0.1);

    AdaptationLoopTest() {
        desired.applied = h -> agents.host(h).map(HostInfo::appliedGeneration).orElse(-1L);
        vttif = new Vttif(allToAll(1e6));
        loop = newLoop(LoopRecords.NONE, Planner.Settings.defaults());
    }

    private AdaptationLoop newLoop(LoopRecords records, Planner.Settings settings) {
        Planner planner = new Planner(agents, vttif, settings);
        return new AdaptationLoop(new Recommender(planner), vttif, rates, new Rollout(agents, desired, audit, clock), audit,
                records, () -> executor, TIMING, clock);
    }

    static TrafficMatrix allToAll(double rate) {
        TrafficMatrix.Builder m = TrafficMatrix.builder();
        for (int i = 1; i <= 6; i++) {
            for (int j = 1; j <= 6; j++) {
                if (i != j) {
                    m.add(PlannerTest.vm(i), PlannerTest.vm(j), rate);
                }
            }
        }
        return m.build();
    }

    void ticks(int n, long stepMillis) {
        ticks(loop, n, stepMillis);
    }

    private void ticks(AdaptationLoop l, int n, long stepMillis) {
        for (int i = 0; i < n; i++) {
            clock.millis += stepMillis;
            l.tick();
        }
    }

    /** The agents apply what they are given and the loop ticks, until the overlay's move is over (at most 3 stages). */
    void agentsApply(AdaptationLoop l) {
        for (int i = 0; i < 3; i++) {
            agents.applyAll(desired);
            l.tick();
        }
    }

    /**
     * The VM hosts report only their star link again (the fast paths' measurements left out), so the
     * planner plans on the same view as for the decision before.
     */
    void starOnlyReports() {
        for (String h : List.of("ha", "hb", "hc")) {
            agents.put(h, agents.hosts.get(h).vms().get(NET));
        }
    }

    /** Ticks now and once more after the steady time: traffic unchanged over it is due a decision. */
    void steady() {
        steady(loop);
    }

    private void steady(AdaptationLoop l) {
        l.tick();
        ticks(l, 1, TIMING.steadyMillis());
    }

    /** A ring of the six VMs 1-2-3-4-5-6-1 at {@code rate} each way. */
    static TrafficMatrix ring(double rate) {
        TrafficMatrix.Builder m = TrafficMatrix.builder();
        for (int i = 1; i <= 6; i++) {
            int j = i % 6 + 1;
            m.add(PlannerTest.vm(i), PlannerTest.vm(j), rate);
            m.add(PlannerTest.vm(j), PlannerTest.vm(i), rate);
        }
        return m.build();
    }

    @Test
    void aDecisionWaitsUntilTheAgentsReportWhereTheTopologysVmsRunAtMostTheSettleTime() {
        List<MacAddress> nodes = new ArrayList<>(vttif.matrix.nodes());
        agents.put("ha", List.of(PlannerTest.vm(2))); // VTTIF has seen vm 1's traffic, ha has not reported it yet
        assertFalse(agents.hosts().stream().anyMatch(h -> h.vms().get(NET).contains(nodes.get(0))), "the test's premise");
        loop.setMode(NET, Mode.RECOMMEND);
        ticks(2, 1000);
        assertTrue(loop.decisions(NET).isEmpty(), "no plan for part of the network while a VM's place is unknown");
        agents.put("ha", List.of(PlannerTest.vm(1), PlannerTest.vm(2)));
        loop.tick();
        assertEquals(1, loop.decisions(NET).size(), "decided once the agents' reports place it");
        assertTrue(loop.decisions(NET).get(0).recommendation().predictedGain() > 1.3,
                loop.decisions(NET).get(0).toString());

        AdaptationLoopTest other = new AdaptationLoopTest();
        other.agents.put("ha", List.of(PlannerTest.vm(2))); // and never reported
        other.loop.setMode(NET, Mode.RECOMMEND);
        other.ticks(2, 1000);
        assertTrue(other.loop.decisions(NET).isEmpty());
        other.ticks(3, 1000); // past the settle time (3 s) since it waited: decided without it
        assertEquals(1, other.loop.decisions(NET).size());
    }

    @Test
    void offDecidesNothing() {
        loop.tick();
        assertEquals(Mode.OFF, loop.mode(NET));
        assertTrue(loop.decisions(NET).isEmpty());
    }

    @Test
    void recommendRecordsOneDecisionPerSteadyPatternNoneWhileItFlapsAndAppliesNothing() {
        loop.setMode(NET, Mode.RECOMMEND);
        loop.tick();
        assertTrue(loop.decisions(NET).isEmpty(), "traffic not yet seen for the steady time");
        ticks(1, TIMING.steadyMillis());
        assertEquals(1, loop.decisions(NET).size());
        Decision d = loop.decisions(NET).get(0);
        assertEquals("mode set -> ALL_TO_ALL", d.trigger());
        assertFalse(d.applied());
        assertTrue(d.note().contains("recommend"), d.note());
        assertTrue(d.recommendation().predictedGain() > 1.3, d.toString());
        assertFalse(d.recommendation().added().isEmpty(), d.toString());
        ticks(10, 1000); // a steady pattern: no more decisions
        assertEquals(1, loop.decisions(NET).size());
        TrafficMatrix all = vttif.matrix;
        vttif.cls = TopologyClass.OTHER; // a mixture that flaps between two patterns for 20 s
        for (int i = 0; i < 40; i++) {
            vttif.matrix = i % 4 < 2 ? ring(1e6) : all;
            ticks(1, 500);
        }
        assertEquals(1, loop.decisions(NET).size(), "traffic that keeps changing is no pattern to plan for: "
                + loop.decisions(NET));
        vttif.cls = TopologyClass.RING;
        vttif.matrix = ring(1e6);
        ticks(1, 500);
        ticks(1, 500);
        ticks(1, 500);
        assertEquals(2, loop.decisions(NET).size(), "the ring once it held for the steady time");
        String trigger = loop.decisions(NET).get(0).trigger();
        assertTrue(trigger.startsWith("ALL_TO_ALL -> RING (traffic moved 0.60"), "newest first, with the distance"
                + " (the ring's 6 of the all-to-all's 15 pairs carried 6/15 of it): " + trigger);
        assertTrue(desired.states.isEmpty(), "recommend mode pushed nothing: " + desired.states);
    }

    @Test
    void aNetworkWithoutTrafficNowGetsNoDecisionOnItsLastReportedClass() {
        vttif.quiet = true;
        loop.setMode(NET, Mode.AUTOMATIC);
        ticks(5, 1000);
        assertTrue(loop.decisions(NET).isEmpty(), loop.decisions(NET).toString());
        vttif.quiet = false;
        steady();
        assertEquals(1, loop.decisions(NET).size());
        agentsApply(loop);
        starOnlyReports();
        vttif.quiet = true; // the application stops, and starts again with the same pattern: a new phase
        ticks(6, 1000);
        vttif.quiet = false;
        long pushes = audit.entries.stream().filter(a -> a.action().equals("desired-state")).count();
        steady();
        assertEquals(2, loop.decisions(NET).size());
        assertEquals("IDLE -> ALL_TO_ALL", loop.decisions(NET).get(0).trigger());
        assertEquals(pushes, audit.entries.stream().filter(a -> a.action().equals("desired-state")).count(),
                "the same plan again changes no agent's state: " + audit.entries);
    }

    @Test
    void aDecisionWaitsUntilTheMatrixHeldAfterAChangeAndIsMadeForTheSettledTraffic() {
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        TrafficMatrix all = vttif.matrix;
        // VTTIF already says all-to-all, but its window still holds the previous pattern's (same-host) traffic,
        // as many bytes, which leaves it over 2 s: the matrix moves each tick
        TrafficMatrix local = TrafficMatrix.builder().add(PlannerTest.vm(1), PlannerTest.vm(2), 15e6)
                .add(PlannerTest.vm(2), PlannerTest.vm(1), 15e6).build();
        for (int k = 0; k <= 4; k++) {
            TrafficMatrix.Builder m = TrafficMatrix.builder();
            double w = k / 4.0;
            local.forEachWeight((i, j, v) -> m.add(local.nodes().get(i), local.nodes().get(j), (1 - w) * v));
            all.forEachWeight((i, j, v) -> m.add(all.nodes().get(i), all.nodes().get(j), w * v + 1));
            vttif.matrix = m.build();
            ticks(1, 500);
            assertTrue(loop.decisions(NET).isEmpty(), "no decision while the matrix moves (step " + k + ")");
        }
        vttif.matrix = all;
        ticks(1, 500);
        assertTrue(loop.decisions(NET).isEmpty(), "not before it held for the steady time");
        ticks(2, 500);
        assertEquals(1, loop.decisions(NET).size());
        Decision d = loop.decisions(NET).get(0);
        assertEquals("mode set -> ALL_TO_ALL", d.trigger());
        assertTrue(d.applied(), "planned for the all-to-all, not for the pattern before it: " + d);
        ticks(30, 1000);
        assertEquals(1, loop.decisions(NET).size(), "one decision for one steady pattern");
    }

    @Test
    void aHeavySteadyPatternVttifCallsOtherIsAdaptedToo() {
        vttif.cls = TopologyClass.OTHER;
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        steady();
        assertEquals(1, loop.decisions(NET).size());
        Decision d = loop.decisions(NET).get(0);
        assertEquals("mode set -> OTHER", d.trigger());
        assertTrue(d.applied() && !d.recommendation().added().isEmpty(), d.toString());
    }

    @Test
    void aChangeWithinTheMinimumIntervalWaitsForIt() {
        loop.setMode(NET, Mode.RECOMMEND);
        steady();
        assertEquals(1, loop.decisions(NET).size());
        vttif.cls = TopologyClass.RING;
        vttif.matrix = ring(1e6);
        ticks(4, 500);
        assertEquals(1, loop.decisions(NET).size(), "2 s after the last decision, the ring steady for 1.5 s: not yet");
        ticks(5, 500);
        assertEquals(1, loop.decisions(NET).size(), "4.5 s after: not yet");
        ticks(1, 500);
        assertEquals(2, loop.decisions(NET).size(), "5 s after: decided");
    }

    @Test
    void anUnknownAlgorithmOrMigrationsWithoutAnExecutorAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loop.configure(NET, new Settings(Mode.AUTOMATIC, "magic", false, 4), "api"));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", true, 4), "api"));
        assertTrue(e.getMessage().contains("migration executor"), e.getMessage());
        assertEquals(Mode.OFF, loop.mode(NET));
    }

    @Test
    void automaticPushesFastPathsAndRulesOnTheAgentsStarOnceAndTheAuditLogShowsWhoDidIt() {
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        steady();
        Decision d = loop.decisions(NET).get(0);
        assertTrue(d.applied(), d.toString());
        assertTrue(d.appliedAt() != null && d.ackedAt() == null, "pushed, not yet acknowledged: " + d);
        agentsApply(loop); // links first, then the rules
        DesiredState ha = desired.states.get("ha");
        assertTrue(ha != null, "ha got desired state: " + desired.states);
        List<String> haLinks = ha.links().stream().map(LinkSpec::id).toList();
        assertFalse(haLinks.contains("px") || haLinks.contains("to-px"), "the configured star is reused: " + haLinks);
        assertFalse(haLinks.isEmpty(), "fast paths: " + d.recommendation().added());
        for (LinkSpec l : ha.links()) {
            assertFalse(l.flood(), "a fast path never floods: " + l);
            assertEquals(List.of(NET), l.networks(), "a fast path carries the network it was planned for: " + l);
        }
        Set<String> targets = new HashSet<>();
        desired.states.values().forEach(s -> s.rules().forEach(r -> targets.add(r.target().toString())));
        assertTrue(targets.stream().allMatch(t -> t.startsWith("link:")), "no interface rules: " + targets);
        assertTrue(targets.contains("link:to-px") || targets.contains("link:from-ha"), "rules on the star's links: " + targets);
        // hb's VMs reach ha's over the fast path hb-ha (pair rules); anything else follows the tree
        assertTrue(d.recommendation().added().contains("ha-hb"), d.toString());
        List<ForwardingRule> hbRules = desired.states.get("hb").rules();
        assertTrue(hbRules.contains(new ForwardingRule(NET, MacMatch.exact(PlannerTest.vm(3)),
                MacMatch.exact(PlannerTest.vm(1)), RuleTarget.link("ha"))), hbRules.toString());
        assertTrue(hbRules.contains(new ForwardingRule(NET, MacMatch.ANY, MacMatch.exact(PlannerTest.vm(1)),
                RuleTarget.link("to-px"))), hbRules.toString());
        long pushes = audit.entries.stream().filter(a -> a.action().equals("desired-state")).count();
        assertTrue(audit.entries.stream().filter(a -> a.action().equals("desired-state"))
                .allMatch(a -> a.actor().equals("adaptation")), audit.entries.toString());
        assertEquals("api", audit.entries.get(0).actor());

        agents.acknowledgeAll(desired);
        ticks(60, 1000); // a steady pattern for a minute: no more decisions, no more pushes
        assertEquals(1, loop.decisions(NET).size(), loop.decisions(NET).toString());
        assertEquals(pushes, audit.entries.stream().filter(a -> a.action().equals("desired-state")).count());
        assertTrue(loop.decisions(NET).get(0).ackedAt() != null, "acknowledged: " + loop.decisions(NET).get(0));
    }

    @Test
    void hostsOnTheKernelPathGetTheirFastPathsAsKernelVxlanLinksEachOnAPortOfItsOwn() {
        agents.kernel = true;
        for (String h : List.of("ha", "hb", "hc")) {
            agents.put(h, agents.hosts.get(h).vms().get(NET));
        }
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        steady();
        assertTrue(loop.decisions(NET).get(0).applied(), loop.decisions(NET).toString());
        Map<String, Map<String, Integer>> ports = new TreeMap<>();
        for (String h : List.of("ha", "hb", "hc")) {
            if (desired.states.get(h) == null) {
                continue;
            }
            for (LinkSpec l : desired.states.get(h).links()) {
                assertTrue(l.isVxlan() && !l.flood(), "a kernel-path fast path: " + l);
                int n = l.peerHost().charAt(1) - 'a' + 1;
                assertEquals("10.0.0." + n, l.connect().host(), "to the peer's link address: " + l);
                assertTrue(l.connect().port() >= Rollout.KERNEL_PORT_BASE, l.toString());
                ports.computeIfAbsent(h, k -> new TreeMap<>()).put(l.peerHost(), l.connect().port());
            }
            Map<String, Integer> mine = ports.getOrDefault(h, Map.of());
            assertEquals(mine.size(), new HashSet<>(mine.values()).size(), "each of a host's links on its own port: " + ports);
        }
        assertTrue(ports.getOrDefault("ha", Map.of()).size() >= 2, "ha got fast paths to hb and hc: " + ports);
        ports.forEach((h, byPeer) -> byPeer.forEach((peer, port) ->
                assertEquals(port, ports.get(peer).get(h), "both ends of " + h + "-" + peer + " on one port: " + ports)));
        // the proxy does not take the kernel path: its links stay as they are (the configured star)
        assertTrue(desired.states.get("px") == null || desired.states.get("px").links().stream().noneMatch(LinkSpec::isVxlan));
    }

    @Test
    void aKernelPortAnotherNetworksLinkUsesOnAHostIsNotChosenAgain() {
        // another network's kernel links on every host pair, on the first ports: in a cluster, the parts another
        // manager owns, composed into the hosts' desired state (this loop never installed them)
        NetworkId other = NetworkId.of(NET.vni() + 1);
        List<String> hosts = List.of("ha", "hb", "hc");
        Map<String, Set<Integer>> theirs = new TreeMap<>();
        for (String h : hosts) {
            List<LinkSpec> links = new ArrayList<>();
            for (String peer : hosts) {
                if (!peer.equals(h)) {
                    int port = Rollout.KERNEL_PORT_BASE + (h.charAt(1) - 'a') + (peer.charAt(1) - 'a') - 1;
                    links.add(LinkSpec.vxlan("other-" + peer, peer, Endpoint.parse("10.0.0." + (peer.charAt(1) - 'a' + 1)
                            + ":" + port), false, List.of(other)));
                    theirs.computeIfAbsent(h, k -> new TreeSet<>()).add(port);
                }
            }
            desired.setPart(h, other, links, List.of(), List.of());
        }
        agents.kernel = true;
        for (String h : hosts) {
            agents.put(h, agents.hosts.get(h).vms().get(NET));
        }
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        steady();
        assertTrue(loop.decisions(NET).get(0).applied(), loop.decisions(NET).toString());
        int fast = 0;
        for (String h : hosts) {
            for (LinkSpec l : desired.states.get(h).links()) {
                if (l.networks().contains(NET) && l.isVxlan()) {
                    fast++;
                    assertFalse(theirs.get(h).contains(l.connect().port()),
                            h + "'s new link " + l + " on a port the other network's links use: " + theirs);
                    assertFalse(theirs.get(l.peerHost()).contains(l.connect().port()),
                            "the far end " + l.peerHost() + " uses the port of " + l + " already: " + theirs);
                }
            }
            assertTrue(desired.states.get(h).links().containsAll(desired.part(h, other).orElseThrow().links()),
                    "the other network's links stay: " + desired.states.get(h));
        }
        assertTrue(fast >= 2, "fast paths were installed: " + desired.states);
    }

    /** Each VM host reports {@code bytesPerSecond} of its VMs' traffic for the last half second, at the clock's time. */
    void report(double bytesPerSecond) {
        for (String h : List.of("ha", "hb", "hc")) {
            rates.onReport(h, clock.millis(), 500, List.of(new io.vnet.api.PairCount(NET, PlannerTest.vm(1),
                    PlannerTest.vm(3), 10, (long) (bytesPerSecond / 2), false)));
        }
    }

    @Test
    void theRealisedGainIsTheRateAfterOverTheRateBeforeFromTheAgentsReports() {
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        for (int i = 0; i < 10; i++) { // 5 s of traffic before the decision: 3 hosts at 1 MB/s each
            clock.millis += 500;
            report(1e6);
            if (i >= 8 - TIMING.steadyMillis() / 500) {
                loop.tick(); // the loop sees the matrix steady over its last second
            }
        }
        Decision d = loop.decisions(NET).get(0);
        assertTrue(d.applied(), d.toString());
        assertEquals(3e6, d.rateBefore(), 1, "three agents at 1 MB/s");
        for (int i = 0; i < 8; i++) { // the application runs twice as fast on the new overlay
            clock.millis += 500;
            report(2e6);
            loop.tick();
        }
        assertTrue(Double.isNaN(loop.decisions(NET).get(0).realisedGain()), "not measured before it settled");
        for (int i = 0; i < 6; i++) {
            clock.millis += 500;
            report(2e6);
            loop.tick();
        }
        d = loop.decisions(NET).get(0);
        assertEquals(6e6, d.rateAfter(), 1, d.toString());
        assertEquals(2.0, d.realisedGain(), 1e-9, d.toString());
    }

    @Test
    void aDecisionOnTrafficThatJustStartedHasNoRealisedGainAndSaysWhy() {
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        clock.millis += 500;
        report(1e5); // the pattern is warming up
        loop.tick();
        for (int i = 0; i < 14; i++) {
            clock.millis += 500;
            report(2e6);
            loop.tick();
        }
        Decision d = loop.decisions(NET).get(0);
        assertTrue(Double.isNaN(d.rateBefore()) && Double.isNaN(d.realisedGain()), d.toString());
        assertTrue(d.note().contains("realised gain not measured"), d.note());
        assertEquals(6e6, d.rateAfter(), 1, "the rate after is still measured");
    }

    @Test
    void theMeterSumsAgentsAndCountsQuietIntervals() {
        // a network the loop does not manage: its activity is followed, its samples not kept
        rates.onReport("ha", 200, 100, List.of(new io.vnet.api.PairCount(NET, PlannerTest.vm(1), PlannerTest.vm(3), 1,
                1000, false)));
        assertTrue(Double.isNaN(rates.rate(NET, 0, 200)), "mode off: no samples kept");
        assertEquals(100, rates.activeSince(NET, 200), "but its activity is followed");
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        rates.forget(NET);
        rates.onReport("ha", 1000, 500, List.of(new io.vnet.api.PairCount(NET, PlannerTest.vm(1), PlannerTest.vm(3), 1,
                1000, false)));
        rates.onReport("hb", 1000, 500, List.of(new io.vnet.api.PairCount(NET, PlannerTest.vm(3), PlannerTest.vm(1), 1,
                500, false)));
        rates.onReport("ha", 1500, 500, List.of());
        assertEquals(1000 + 1000, rates.rate(NET, 0, 1500), 1e-9, "ha: 1000 B in 1 s; hb: 500 B in 0.5 s");
        assertTrue(Double.isNaN(rates.rate(NET, 2000, 3000)), "no report then");
        assertTrue(Double.isNaN(rates.rate(NetworkId.of(7), 0, 3000)), "an unknown network");
        assertEquals(500, rates.activeSince(NET, 1500), "traffic since the first report's interval began");
        assertEquals(-1, rates.activeSince(NET, 5000), "no traffic for more than the pause");
        rates.onReport("ha", 6000, 500, List.of(new io.vnet.api.PairCount(NET, PlannerTest.vm(1), PlannerTest.vm(3), 1,
                1000, false)));
        assertEquals(5500, rates.activeSince(NET, 6000), "after a pause, new traffic");
    }

    @Test
    void rollbackRestoresTheOverlayBeforeTheDecision() {
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        steady();
        agentsApply(loop);
        assertFalse(desired.states.get("ha").links().isEmpty());
        Decision rolled = loop.rollback(NET, "api");
        assertTrue(rolled.rolledBackAt() != null);
        agentsApply(loop); // the rules go, then the links
        for (DesiredState s : desired.states.values()) {
            assertTrue(s.links().isEmpty() && s.rules().isEmpty(), "back to the agents' own star: " + s);
        }
        assertTrue(audit.entries.stream().anyMatch(a -> a.action().equals("rollback") && a.actor().equals("api")));
        assertThrows(IllegalStateException.class, () -> loop.rollback(NET, "api"), "nothing left to roll back");
    }

    @Test
    void aPersonAppliesTheRecommendationInRecommendModeAndRollsItBack() {
        loop.configure(NET, new Settings(Mode.RECOMMEND, "greedy", false, 0), "api");
        steady();
        assertFalse(loop.decisions(NET).get(0).applied(), "recommend mode records only");
        assertTrue(desired.states.isEmpty(), "nothing pushed");
        Decision d = loop.apply(NET, "ui:alice");
        assertTrue(d.applied(), d.note());
        assertEquals("applied by ui:alice", d.trigger());
        assertEquals(d, loop.decisions(NET).get(0), "recorded as the newest decision");
        agentsApply(loop);
        starOnlyReports();
        assertFalse(desired.states.get("ha").links().isEmpty(), "its links pushed");
        assertTrue(audit.entries.stream().anyMatch(a -> a.action().equals("apply") && a.actor().equals("ui:alice")));
        ticks(3, 1000);
        assertEquals(2, loop.decisions(NET).size(), "the loop does not decide again on the same class");
        assertThrows(IllegalStateException.class, () -> loop.apply(NET, "ui:alice"),
                "the overlay already has the recommended links: nothing to apply");
        Decision rolled = loop.rollback(NET, "ui:alice");
        assertEquals(d.id(), rolled.id());
        agentsApply(loop);
        desired.states.values().forEach(st -> assertTrue(st.links().isEmpty(), "back to the star: " + st));
    }

    @Test
    void aVmThatMovedGetsItsRulesRewrittenOnTheSameOverlay() {
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        steady();
        agentsApply(loop);
        MacAddress moved = PlannerTest.vm(1);
        ForwardingRule toHa = new ForwardingRule(NET, MacMatch.ANY, MacMatch.exact(moved), RuleTarget.link("to-px"));
        assertTrue(desired.states.get("hc").rules().stream().anyMatch(r -> r.dst().equals(MacMatch.exact(moved))
                && !r.src().equals(MacMatch.ANY) == false), desired.states.get("hc").rules().toString());
        agents.put("ha", List.of(PlannerTest.vm(2)));
        agents.put("hb", List.of(PlannerTest.vm(3), PlannerTest.vm(4), moved));
        agents.put("hc", List.of(PlannerTest.vm(5))); // vm6 is idle: its agent no longer reports it
        vttif.matrix = TrafficMatrix.empty(); // the application paused: the routes are kept for the traffic planned for
        ticks(1, 500);
        assertTrue(desired.states.values().stream().flatMap(st -> st.rules().stream()).anyMatch(r ->
                !r.src().equals(MacMatch.ANY) && r.dst().equals(MacMatch.exact(moved))),
                "its pairs keep routes off the tree, for the traffic the plan was made for: " + desired.states);
        assertTrue(desired.states.get("ha").rules().stream().anyMatch(r -> r.dst().equals(MacMatch.exact(PlannerTest.vm(6)))),
                "the idle vm6 keeps its rules where it was last seen: " + desired.states.get("ha"));
        List<ForwardingRule> onHa = desired.states.get("ha").rules();
        assertTrue(onHa.stream().anyMatch(r -> r.src().equals(MacMatch.ANY) && r.dst().equals(MacMatch.exact(moved))
                && !r.target().equals(RuleTarget.link("to-px")) || r.equals(toHa)), "ha now sends it away: " + onHa);
        assertFalse(desired.states.get("hb").rules().stream().anyMatch(r -> r.src().equals(MacMatch.ANY)
                && r.dst().equals(MacMatch.exact(moved))), "hb delivers it locally (no rule): " + desired.states.get("hb"));
        assertTrue(audit.entries.stream().anyMatch(a -> a.detail().contains("VM moved")), audit.entries.toString());
        assertEquals(1, loop.decisions(NET).size(), "following a VM is not a new decision");
    }

    /** The agents acknowledge what they are given, their links staying as they report them, and the loop ticks. */
    private void agentsAcknowledge(int ticks) {
        for (int i = 0; i < ticks; i++) {
            agents.acknowledgeAll(desired);
            ticks(1, 200);
        }
    }

    @Test
    void theClassADecisionWasMadeForIsReadFromItsTrigger() {
        assertEquals("ALL_TO_ALL", AdaptationLoop.madeFor("mode set -> ALL_TO_ALL"));
        assertEquals("RING", AdaptationLoop.madeFor("IDLE -> RING (traffic moved 0.40 from the last plan's)"));
        assertEquals(null, AdaptationLoop.madeFor("applied by ui:alice"));
        assertEquals(null, AdaptationLoop.madeFor(null));
        assertEquals(null, AdaptationLoop.madeFor("X -> "));
    }

    @Test
    void rulesAreRoutedAroundALinkThatIsDownAndBackOntoItWhenItIsUp() {
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        steady();
        agentsApply(loop);
        LinkSpec fast = desired.states.get("ha").links().stream().filter(l -> !l.peerHost().equals("px")).findFirst()
                .orElseThrow(() -> new AssertionError("no direct link at ha: " + desired.states.get("ha")));
        String peer = fast.peerHost();
        String peerEnd = desired.states.get(peer).links().stream().filter(l -> l.peerHost().equals("ha")).findFirst()
                .orElseThrow().id();
        List<ForwardingRule> before = desired.states.get("ha").rules();
        assertTrue(before.stream().anyMatch(r -> r.target().equals(RuleTarget.link(fast.id()))), before.toString());
        int decisions = loop.decisions(NET).size();

        agents.linkUp("ha", fast.id(), false);
        agents.linkUp(peer, peerEnd, false);
        agentsAcknowledge(1);
        assertEquals(before, desired.states.get("ha").rules(), "within the grace the agent's own fallback does");
        ticks(1, LinkWatch.DOWN_GRACE_MS);
        agentsAcknowledge(4);
        List<ForwardingRule> around = desired.states.get("ha").rules();
        assertTrue(around.stream().noneMatch(r -> r.target().equals(RuleTarget.link(fast.id()))),
                "no rule names the link that is down: " + around);
        assertTrue(desired.states.get("ha").links().stream().anyMatch(l -> l.id().equals(fast.id())),
                "the link is kept, to come back: " + desired.states.get("ha"));
        assertTrue(desired.states.get(peer).links().stream().anyMatch(l -> l.id().equals(peerEnd)),
                "both ends: " + desired.states.get(peer));
        assertTrue(audit.entries.stream().anyMatch(a -> a.detail().contains("links down: ")), audit.entries.toString());

        agents.linkUp("ha", fast.id(), true);
        agents.linkUp(peer, peerEnd, true);
        agentsAcknowledge(4);
        assertEquals(new java.util.HashSet<>(before), new java.util.HashSet<>(desired.states.get("ha").rules()),
                "the fast path returns");
        assertTrue(audit.entries.stream().anyMatch(a -> a.detail().contains("links up again: ")), audit.entries.toString());
        assertEquals(decisions, loop.decisions(NET).size(), "a link's failure is no decision");
    }

    @Test
    void aLinkDownAtOneEndButUpAtTheOtherIsNotRoutedAround() {
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        steady();
        agentsApply(loop);
        LinkSpec fast = desired.states.get("ha").links().stream().filter(l -> !l.peerHost().equals("px")).findFirst()
                .orElseThrow();
        List<ForwardingRule> before = desired.states.get("ha").rules();
        agents.linkUp("ha", fast.id(), false); // the other end still has it up: a link coming up, or a flap
        pastTheGrace();
        agentsAcknowledge(3);
        assertEquals(before, desired.states.get("ha").rules());
    }

    /**
     * The proxy at the center of the star dies: its agent gone, every VM host's configured link to
     * it down. The flooding tree is rebuilt over the fast paths of the VM hosts (a spanning tree of
     * them, flooding at both ends), the configured star links are quieted, and no rule sends to the
     * proxy; when it comes back, the star is the tree again, nothing is quiet, and the rules are
     * the plan's. No decision is made on the way.
     */
    @Test
    void theFloodingTreeIsRebuiltOverTheFastPathsWhileTheProxyIsDead() {
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        steady();
        agentsApply(loop);
        List<String> vmHosts = List.of("ha", "hb", "hc");
        Map<String, List<ForwardingRule>> before = new TreeMap<>();
        vmHosts.forEach(h -> before.put(h, desired.states.get(h).rules()));
        assertEquals(Set.of(), floodEdges(), "the star floods: the managed fast paths do not");
        int decisions = loop.decisions(NET).size();

        agents.connected("px", false);
        vmHosts.forEach(h -> agents.linkUp(h, "to-px", false));
        pastTheGrace();
        acknowledgeWithoutFloodLoops(6);
        Set<io.vnet.vadapt.HostLink> tree = floodEdges();
        assertEquals(2, tree.size(), "a spanning tree of the three VM hosts: " + tree);
        assertEquals(vmHosts, tree.stream().flatMap(l -> java.util.stream.Stream.of(l.a(), l.b())).distinct().sorted()
                .toList());
        for (String h : vmHosts) {
            assertEquals(List.of(new io.vnet.api.QuietLink("to-px", List.of(NET))), desired.states.get(h).quiet(),
                    "the configured star link at " + h + " does not flood");
            assertTrue(desired.states.get(h).rules().stream().noneMatch(r -> r.target().equals(RuleTarget.link("to-px"))),
                    "no rule sends to the dead proxy: " + desired.states.get(h).rules());
        }
        assertTrue(audit.entries.stream().anyMatch(a -> a.detail().contains("configured links not flooding to-px [")),
                audit.entries.toString());

        agents.connected("px", true);
        vmHosts.forEach(h -> agents.linkUp(h, "to-px", true));
        acknowledgeWithoutFloodLoops(6); // at every stage of the way back, with the star's links up again
        assertEquals(Set.of(), floodEdges(), "the star is the tree again");
        for (String h : vmHosts) {
            assertEquals(List.of(), desired.states.get(h).quiet());
            assertEquals(new java.util.HashSet<>(before.get(h)), new java.util.HashSet<>(desired.states.get(h).rules()));
        }
        assertEquals(decisions, loop.decisions(NET).size(), "the proxy's death is no decision");
    }

    /**
     * A VM host dies, then the proxy: the dead host's link to the dead proxy is reported by no one
     * and counts as down, so the tree is rebuilt over the one fast path left (HostDeathIT's order).
     */
    @Test
    void aDeadHostThenADeadProxyLeaveTheTreeOnTheFastPathBetweenTheOthers() {
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        steady();
        agentsApply(loop);
        agents.connected("hc", false);
        for (String h : List.of("ha", "hb")) {
            desired.states.get(h).links().stream().filter(l -> l.peerHost().equals("hc"))
                    .forEach(l -> agents.linkUp(h, l.id(), false));
        }
        pastTheGrace();
        agentsAcknowledge(6);
        agents.connected("px", false);
        List.of("ha", "hb").forEach(h -> agents.linkUp(h, "to-px", false));
        pastTheGrace();
        acknowledgeWithoutFloodLoops(6);
        assertEquals(Set.of(io.vnet.vadapt.HostLink.of("ha", "hb")), floodEdges());
        assertTrue(audit.entries.stream().noneMatch(a -> a.detail().contains("failed")), audit.entries.toString());
    }

    /** Past {@link LinkWatch#DOWN_GRACE_MS}: the agents acknowledge, and the loop ticks once the grace later. */
    private void pastTheGrace() {
        agentsAcknowledge(1);
        ticks(1, LinkWatch.DOWN_GRACE_MS);
    }

    /** {@code n} times: the agents acknowledge and the loop ticks, and no flood could go round. */
    private void acknowledgeWithoutFloodLoops(int n) {
        for (int i = 0; i < n; i++) {
            agentsAcknowledge(1);
            assertNoFloodLoop();
        }
    }

    /** Per host pair, at how many of its ends the managed link floods the network (desired states). */
    private Map<io.vnet.vadapt.HostLink, Integer> floodEnds() {
        Map<io.vnet.vadapt.HostLink, Integer> ends = new java.util.HashMap<>();
        desired.states.forEach((h, st) -> st.links().forEach(l -> {
            if (l.floods(NET.vni())) {
                ends.merge(io.vnet.vadapt.HostLink.of(h, l.peerHost()), 1, Integer::sum);
            }
        }));
        return ends;
    }

    /**
     * The links that flood the network at both ends in the hosts' desired states (the managed ones
     * as given, the configured star's unless quieted at either end) form no cycle: a flood cannot
     * go round.
     */
    private void assertNoFloodLoop() {
        Map<io.vnet.vadapt.HostLink, Integer> ends = floodEnds();
        for (String h : List.of("ha", "hb", "hc")) {
            boolean quietHere = desired.states.containsKey(h) && desired.states.get(h).quiet().stream()
                    .anyMatch(q -> q.link().equals("to-px"));
            boolean quietThere = desired.states.containsKey("px") && desired.states.get("px").quiet().stream()
                    .anyMatch(q -> q.link().equals("from-" + h));
            if (!quietHere && !quietThere) {
                ends.merge(io.vnet.vadapt.HostLink.of(h, "px"), 2, Integer::sum);
            }
        }
        Map<String, String> root = new java.util.HashMap<>();
        java.util.function.UnaryOperator<String> find = new java.util.function.UnaryOperator<>() {
            @Override
            public String apply(String x) {
                String r = root.getOrDefault(x, x);
                return r.equals(x) ? x : apply(r);
            }
        };
        ends.forEach((l, n) -> {
            if (n >= 2) {
                String a = find.apply(l.a());
                String b = find.apply(l.b());
                assertFalse(a.equals(b), "a flooding loop through " + l + ": " + desired.states);
                root.put(a, b);
            }
        });
    }

    /** The managed links that flood the network at both ends, as host pairs; a link flooding at one end only fails. */
    private Set<io.vnet.vadapt.HostLink> floodEdges() {
        Map<io.vnet.vadapt.HostLink, Integer> ends = floodEnds();
        ends.forEach((l, n) -> assertEquals(2, n, "link " + l + " floods at both ends or neither"));
        return new java.util.TreeSet<>(ends.keySet());
    }

    /** A ring of six VMs (1-3-5-2-4-6-1) whose neighbours all sit on different hosts. */
    private void splitRing() {
        TrafficMatrix.Builder m = TrafficMatrix.builder();
        int[] ring = {1, 3, 5, 2, 4, 6};
        for (int i = 0; i < 6; i++) {
            m.add(PlannerTest.vm(ring[i]), PlannerTest.vm(ring[(i + 1) % 6]), 5e6);
            m.add(PlannerTest.vm(ring[(i + 1) % 6]), PlannerTest.vm(ring[i]), 5e6);
        }
        vttif.matrix = m.build();
        vttif.cls = TopologyClass.RING;
    }

    /** Links cost more than they gain here, moves do not: greedy plans to move VMs. */
    private AdaptationLoop movingLoop() {
        return newLoop(LoopRecords.NONE, new Planner.Settings(3, 100e6, 0.0005,
                io.vnet.vadapt.CostModel.defaults().withLinkCost(100)));
    }

    @Test
    void migrationsRunBeforeTheRulesThatAssumeThem() {
        Mover mover = new Mover();
        executor = mover;
        splitRing();
        AdaptationLoop loop = movingLoop();
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", true, 10), "api");
        steady(loop);
        Decision d = loop.decisions(NET).get(0);
        assertTrue(d.applied(), d.toString());
        assertFalse(mover.calls.isEmpty(), d.toString());
        assertEquals(mover.calls.size(), d.migrated().size(), d.toString());
        assertEquals(mover.calls.size(), audit.entries.stream().filter(a -> a.action().equals("migrate")).count());
        for (String mv : d.migrated()) {
            MacAddress vm = MacAddress.parse(mv.substring(0, mv.indexOf("->")));
            String host = mv.substring(mv.indexOf("->") + 2);
            assertTrue(agents.hosts.get(host).vms().get(NET).contains(vm), mv);
            // the rules pushed after the move send the VM's traffic to its new host
            for (DesiredState s : desired.states.values()) {
                assertFalse(s.hostId().equals(host) && s.rules().stream().anyMatch(r -> r.src().equals(MacMatch.ANY)
                        && r.dst().equals(MacMatch.exact(vm))), "its new host delivers it locally: " + s);
            }
        }
        for (String h : List.of("ha", "hb", "hc")) {
            assertTrue(agents.hosts.get(h).vms().get(NET).size() <= 3, "host capacity 3 respected: " + agents.hosts);
        }
    }

    @Test
    void aMigrationRunsWithoutTheLoopsLockSoSettingsAndTheApiAnswerMeanwhile() throws Exception {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Mover mover = new Mover();
        executor = new MigrationExecutor() {
            @Override
            public String describe() {
                return "slow mover";
            }

            @Override
            public void migrate(NetworkId network, MacAddress vm, String fromHost, String toHost) throws Exception {
                started.countDown();
                assertTrue(release.await(20, java.util.concurrent.TimeUnit.SECONDS), "released");
                mover.migrate(network, vm, fromHost, toHost);
            }
        };
        splitRing();
        AdaptationLoop loop = movingLoop();
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", true, 10), "api");
        loop.tick();
        clock.millis += TIMING.steadyMillis();
        Thread ticking = new Thread(loop::tick, "test-tick");
        ticking.start();
        try {
            assertTrue(started.await(10, java.util.concurrent.TimeUnit.SECONDS), "a migration started");
            // while the VM moves, the loop's state answers at once, and a person's change is refused with a reason
            java.util.concurrent.CompletableFuture<Settings> read = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> loop.settings(NET));
            assertEquals(Mode.AUTOMATIC, read.get(5, java.util.concurrent.TimeUnit.SECONDS).mode());
            java.util.concurrent.CompletableFuture<List<Decision>> decisions =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> loop.decisions(NET));
            assertTrue(decisions.get(5, java.util.concurrent.TimeUnit.SECONDS).isEmpty(),
                    "the decision is recorded once its migrations are done");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.apply(NET, "ui:alice"));
            assertTrue(e.getMessage().contains("migrating"), e.getMessage());
            loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", true, 10), "ui:alice"); // answered
        } finally {
            release.countDown();
            ticking.join(20_000);
        }
        assertFalse(ticking.isAlive());
        Decision d = loop.decisions(NET).get(0);
        assertTrue(d.applied(), d.toString());
        assertFalse(d.migrated().isEmpty(), d.toString());
    }

    @Test
    void aRefusedMigrationIsRecordedLeavesTheDesiredStateAloneAndIsNotRetried() {
        List<String> calls = new ArrayList<>();
        executor = new MigrationExecutor() {
            @Override
            public String describe() {
                return "refusing mover";
            }

            @Override
            public void migrate(NetworkId network, MacAddress vm, String fromHost, String toHost) throws Exception {
                calls.add(vm + " " + fromHost + "->" + toHost);
                throw new Exception("Migration refused: host has no capacity (errorcode 530)");
            }
        };
        splitRing();
        AdaptationLoop loop = movingLoop();
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", true, 10), "api");
        steady(loop);
        assertEquals(1, calls.size(), "the first refusal stops the decision's migrations: " + calls);
        Decision d = loop.decisions(NET).get(0);
        assertTrue(d.migrated().isEmpty(), d.toString());
        assertTrue(d.note().contains("failed") && d.note().contains("errorcode 530"), d.note());
        assertEquals(1, audit.entries.stream().filter(a -> a.action().equals("migrate-failed")).count(), audit.entries.toString());
        for (DesiredState st : desired.states.values()) {
            for (String mv : calls) {
                MacAddress vm = MacAddress.parse(mv.substring(0, mv.indexOf(' ')));
                String to = mv.substring(mv.indexOf("->") + 2);
                assertFalse(st.hostId().equals(to) && st.rules().stream().anyMatch(r -> r.dst().equals(MacMatch.exact(vm))
                        && r.target().kind() == io.vnet.api.RuleTarget.Kind.INTERFACE),
                        "no host was told the VM is local where it never arrived: " + st);
            }
        }
        // the pattern changes and changes back: new decisions, but no migration is tried for an hour
        TrafficMatrix split = vttif.matrix;
        for (TopologyClass c : List.of(TopologyClass.ALL_TO_ALL, TopologyClass.RING)) {
            vttif.cls = c;
            vttif.matrix = c == TopologyClass.RING ? split : allToAll(1e6);
            for (int i = 0; i < 6; i++) {
                clock.millis += 1000;
                loop.tick();
            }
        }
        assertEquals(3, loop.decisions(NET).size(), loop.decisions(NET).toString());
        assertEquals(1, calls.size(), "not retried: " + calls);
    }

    @Test
    void aPlanThatNeedsMoreMigrationsThanTheHourlyCapMovesNothing() {
        Mover mover = new Mover();
        executor = mover;
        splitRing();
        AdaptationLoop loop = movingLoop();
        loop.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", true, 2), "api");
        steady(loop);
        assertTrue(mover.calls.isEmpty(), "over the cap of 2: planned again without migrations: " + mover.calls);
        assertFalse(loop.decisions(NET).get(0).applied(), loop.decisions(NET).get(0).toString());
    }

    /** The loop's records in memory: settings by network, decisions newest first (one per id). */
    private static LoopRecords memory(Map<NetworkId, Settings> settings, List<LoopRecords.Stored> stored) {
        return new LoopRecords() {
            @Override
            public void settings(NetworkId network, Settings s) {
                settings.put(network, s);
            }

            @Override
            public void decision(NetworkId network, Stored d) {
                stored.removeIf(x -> x.decision().id() == d.decision().id());
                stored.add(0, d);
            }

            @Override
            public Map<NetworkId, Settings> loadSettings() {
                return settings;
            }

            @Override
            public List<Stored> loadDecisions(NetworkId network, int limit) {
                List<Stored> l = new ArrayList<>(stored);
                l.sort((a, b) -> Long.compare(b.decision().id(), a.decision().id()));
                return l.subList(0, Math.min(limit, l.size()));
            }

            @Override
            public Optional<Stored> latestApplied(NetworkId network) {
                return loadDecisions(network, Integer.MAX_VALUE).stream().filter(d -> d.decision().applied()).findFirst();
            }
        };
    }

    /** {@code n} decisions recorded and not applied after the newest in {@code stored} (the traffic changing). */
    private static void recordedAfter(List<LoopRecords.Stored> stored, int n) {
        long last = stored.stream().mapToLong(d -> d.decision().id()).max().orElse(0);
        for (int i = 1; i <= n; i++) {
            stored.add(0, new LoopRecords.Stored(Decision.recorded(last + i, Instant.EPOCH.plusSeconds(last + i),
                    "RING -> OTHER", null, Double.NaN), Rollout.Installed.NONE, Rollout.Installed.NONE));
        }
    }

    @Test
    void theDecisionInForceIsKeptBehindAHundredNotAppliedAndARestartStillRollsItBack() {
        Map<NetworkId, Settings> settings = new HashMap<>();
        List<LoopRecords.Stored> stored = new ArrayList<>();
        LoopRecords memory = memory(settings, stored);
        AdaptationLoop first = newLoop(memory, Planner.Settings.defaults());
        first.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        steady(first);
        long applied = stored.get(0).decision().id();
        assertTrue(stored.get(0).decision().applied(), stored.get(0).toString());
        assertFalse(desired.states.values().stream().allMatch(d -> d.links().isEmpty()), "a fast path installed");

        // in the running loop: 120 decisions not applied pass through its log, the applied one stays
        NetworkState s = new NetworkState(1000);
        s.decisions.put(applied, stored.get(0));
        DecisionLog log = new DecisionLog(LoopRecords.NONE);
        List<LoopRecords.Stored> later = new ArrayList<>(List.of(stored.get(0)));
        recordedAfter(later, 120);
        for (int i = later.size() - 2; i >= 0; i--) {
            log.put(NET, s, later.get(i));
        }
        assertEquals(AdaptationLoop.KEEP + 1, s.decisions.size());
        assertTrue(s.decisions.containsKey(applied), "the decision in force stays: " + s.decisions.keySet());
        assertEquals(applied + 21, (long) s.decisions.higherKey(applied), "and the newest 100 beside it");

        // a restart: the newest 100 are all not applied; the one in force is found and rolled back
        recordedAfter(stored, 120);
        AdaptationLoop second = newLoop(memory, Planner.Settings.defaults());
        List<Decision> shown = second.decisions(NET);
        assertTrue(shown.stream().anyMatch(d -> d.id() == applied), "the one in force is known after the restart");
        Decision rolled = second.rollback(NET, "api");
        assertEquals(applied, rolled.id());
        agentsApply(second);
        for (DesiredState d : desired.states.values()) {
            assertTrue(d.links().isEmpty() && d.rules().isEmpty(), "the restarted manager rolled back: " + d);
        }
    }

    @Test
    void aDecisionNotAppliedKeepsNoOverlayAndAnAppliedOneKeepsWhatItInstalled() {
        List<LoopRecords.Stored> stored = new ArrayList<>();
        LoopRecords memory = memory(new HashMap<>(), stored);
        AdaptationLoop l = newLoop(memory, Planner.Settings.defaults());
        l.configure(NET, new Settings(Mode.RECOMMEND, "greedy", false, 0), "api");
        steady(l);
        LoopRecords.Stored recorded = stored.get(0); // the newest first
        assertFalse(recorded.decision().applied());
        assertSame(Rollout.Installed.NONE, recorded.before(), "a recorded decision holds no host's rules");
        assertSame(Rollout.Installed.NONE, recorded.after());
        AdaptationLoop automatic = newLoop(memory, Planner.Settings.defaults());
        automatic.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        steady(automatic);
        LoopRecords.Stored applied = stored.get(0);
        assertTrue(applied.decision().applied(), applied.decision().toString());
        assertFalse(applied.after().configs().isEmpty(), "what it installed, for a rollback and a restart");
    }

    @Test
    void settingsAndDecisionsSurviveARestartAndRollbackStillWorks() {
        Map<NetworkId, Settings> settings = new HashMap<>();
        List<LoopRecords.Stored> stored = new ArrayList<>();
        LoopRecords memory = memory(settings, stored);
        AdaptationLoop first = newLoop(memory, Planner.Settings.defaults());
        first.configure(NET, new Settings(Mode.AUTOMATIC, "greedy", false, 0), "api");
        steady(first);
        // the store's JSON round trip of the overlays
        LoopRecords.Stored s0 = stored.get(0);
        assertEquals(s0.after(), StoreLoopRecords.overlay(StoreLoopRecords.overlay(s0.after())));
        AdaptationLoop second = newLoop(memory, Planner.Settings.defaults());
        assertEquals(Mode.AUTOMATIC, second.mode(NET));
        assertEquals(1, second.decisions(NET).size());
        // the agents come back one by one: for a while the matrix has part of the traffic, of another class
        TrafficMatrix full = vttif.matrix;
        TopologyClass fullClass = vttif.cls;
        vttif.matrix = TrafficMatrix.builder().add(PlannerTest.vm(1), PlannerTest.vm(3), 5e6)
                .add(PlannerTest.vm(3), PlannerTest.vm(1), 5e6).build();
        vttif.cls = TopologyClass.OTHER;
        steady(second);
        assertEquals(1, second.decisions(NET).size(), "part of the traffic while the agents come back is no new"
                + " pattern: " + second.decisions(NET));
        vttif.matrix = full;
        vttif.cls = fullClass;
        steady(second);
        ticks(second, 3, 1000);
        assertEquals(1, second.decisions(NET).size(), "the traffic the decision in force was made for, steady again"
                + " after the restart, is no new decision: " + second.decisions(NET));
        second.rollback(NET, "api");
        agentsApply(second); // the rules go first, then the links
        for (DesiredState s : desired.states.values()) {
            assertTrue(s.links().isEmpty() && s.rules().isEmpty(), "the restarted manager rolled back: " + s);
        }
    }
}
