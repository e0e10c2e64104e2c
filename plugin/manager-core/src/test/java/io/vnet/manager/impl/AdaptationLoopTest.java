package io.vnet.manager.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.AdaptationService.Decision;
import io.vnet.manager.AdaptationService.Mode;
import io.vnet.manager.HostInfo;
import io.vnet.manager.TopologyService;
import io.vnet.vttif.TopologyChange;
import io.vnet.vttif.TopologyClass;
import io.vnet.vttif.TopologyGraph;
import io.vnet.vttif.TrafficMatrix;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The loop records one decision per change of topology class in recommend mode, none while the
 * class is steady or the mode is off, at most one per minimum interval, and applies nothing.
 */
class AdaptationLoopTest {
    static final NetworkId NET = PlannerTest.NET;

    /** VTTIF whose reported class the test sets; the matrix is an all-to-all over three hosts. */
    static final class Vttif implements TopologyService {
        TopologyClass cls = TopologyClass.ALL_TO_ALL;
        final TrafficMatrix matrix;

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
            return Optional.of(TopologyGraph.of(cls, 0, 0, null, List.of(
                    new TopologyGraph.Edge(nodes.get(0), nodes.get(1), 1.0))));
        }

        @Override
        public TopologyGraph inferred(NetworkId n) {
            return topology(n).orElseThrow();
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

    private final Manual clock = new Manual();
    private final Vttif vttif;
    private final AdaptationLoop loop;

    AdaptationLoopTest() {
        List<HostInfo> hosts = new ArrayList<>();
        hosts.add(PlannerTest.host("px", "proxy", List.of(), List.of()));
        TrafficMatrix.Builder m = TrafficMatrix.builder();
        String[] names = {"ha", "hb", "hc"};
        for (int h = 0; h < 3; h++) {
            hosts.add(PlannerTest.host(names[h], "host", List.of(PlannerTest.vm(2 * h + 1), PlannerTest.vm(2 * h + 2)),
                    List.of()));
        }
        for (int i = 1; i <= 6; i++) {
            for (int j = 1; j <= 6; j++) {
                if (i != j) {
                    m.add(PlannerTest.vm(i), PlannerTest.vm(j), 1e6);
                }
            }
        }
        vttif = new Vttif(m.build());
        Planner planner = new Planner(new PlannerTest.Hosts(hosts), vttif, Planner.Settings.defaults());
        loop = new AdaptationLoop(new Recommender(planner), vttif, "greedy", 5000, clock);
    }

    @Test
    void offDecidesNothing() {
        loop.tick();
        assertEquals(Mode.OFF, loop.mode(NET));
        assertTrue(loop.decisions(NET).isEmpty());
    }

    @Test
    void recommendRecordsOneDecisionPerClassChangeAndAppliesNothing() {
        loop.setMode(NET, Mode.RECOMMEND);
        loop.tick();
        assertEquals(1, loop.decisions(NET).size());
        Decision d = loop.decisions(NET).get(0);
        assertEquals("mode set -> ALL_TO_ALL", d.trigger());
        assertFalse(d.applied());
        assertTrue(d.recommendation().predictedGain() > 1.3, d.toString());
        assertFalse(d.recommendation().added().isEmpty(), d.toString());
        for (int i = 0; i < 10; i++) { // a steady pattern: no more decisions
            clock.millis += 1000;
            loop.tick();
        }
        assertEquals(1, loop.decisions(NET).size());
        vttif.cls = TopologyClass.OTHER; // between two patterns
        loop.tick();
        assertEquals(1, loop.decisions(NET).size(), "the mix between patterns is no pattern");
        vttif.cls = TopologyClass.RING;
        loop.tick();
        assertEquals(2, loop.decisions(NET).size());
        assertEquals("ALL_TO_ALL -> RING", loop.decisions(NET).get(0).trigger(), "newest first");
    }

    @Test
    void aChangeWithinTheMinimumIntervalWaitsForIt() {
        loop.setMode(NET, Mode.RECOMMEND);
        loop.tick();
        vttif.cls = TopologyClass.RING;
        clock.millis += 1000;
        loop.tick();
        assertEquals(1, loop.decisions(NET).size(), "1 s after the last decision: not yet");
        clock.millis += 4000;
        loop.tick();
        assertEquals(2, loop.decisions(NET).size(), "5 s after: decided");
    }

    @Test
    void automaticIsRefusedWithAReason() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> loop.setMode(NET, Mode.AUTOMATIC));
        assertTrue(e.getMessage().contains("not available yet"), e.getMessage());
        assertEquals(Mode.OFF, loop.mode(NET));
    }
}
