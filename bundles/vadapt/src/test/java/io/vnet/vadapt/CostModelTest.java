package io.vnet.vadapt;

import static io.vnet.vadapt.Fixtures.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The objective on instances small enough to compute by hand. */
class CostModelTest {
    private static final double EPS = 1e-12;

    /** Hosts a, b (capacity 2) around proxy p: star paths 100 Mbit/s 1 ms, a-b 1 Gbit/s 1 ms. */
    private static Underlay twoHosts() {
        return Underlay.builder("p").host("a", 2).host("b", 2).path("a", "p", 1e8, 0.001)
                .path("b", "p", 1e8, 0.001).path("a", "b", 1e9, 0.001).build();
    }

    private static Problem split(Demand d, CostModel cost, boolean migrate) {
        Placement place = Placement.of(Map.of(mac(1), "a", mac(2), "b", mac(3), "a", mac(4), "b"));
        return new Problem(d, place, twoHosts(), Overlay.empty(), cost, migrate);
    }

    @Test
    void starThenFastPath() {
        // 1 MB/s between VMs on a and b: through the proxy 8e6/1e8 + 2 ms, direct 8e6/1e9 + 1 ms
        Demand d = Demand.builder().add(mac(1), mac(2), 1e6).build();
        Plan p = Adapters.topK(1).adapt(split(d, CostModel.defaults(), false), Budget.defaults());
        assertEquals(0.08 + 0.002, p.current().iterationSeconds(), EPS);
        assertEquals(0.008 + 0.001, p.objective().iterationSeconds(), EPS);
        assertEquals(1, p.objective().linksAdded());
        assertEquals(0.001, p.objective().changeSeconds(), EPS, "one link at the default 1 ms");
        assertEquals(0.082 / 0.009, p.predictedGain(), 1e-9);
        assertTrue(p.apply());
        assertEquals(List.of("a", "b"), p.routes().get(VmPair.of(mac(1), mac(2))));
        assertEquals(Overlay.of(List.of(HostLink.of("a", "b"))), p.fastPaths());
        assertEquals(Overlay.star("p", List.of("a", "b")), p.floodTree());
    }

    @Test
    void fairShareAndMaxOverPairs() {
        // two pairs share the star: each gets half of 100 Mbit/s; the slower pair sets the time
        Demand d = Demand.builder().add(mac(1), mac(2), 1e6).add(mac(3), mac(4), 2e6).build();
        Plan keep = Adapters.topK(0).adapt(split(d, CostModel.defaults(), false), Budget.defaults());
        assertEquals(8 * 2e6 / 5e7 + 0.002, keep.current().iterationSeconds(), EPS);
        assertEquals(keep.current(), keep.objective());
        assertEquals(1.0, keep.predictedGain(), EPS);
        assertFalse(keep.apply(), "no change, nothing to apply");
    }

    @Test
    void sameHostPairsAreFreeAndMigrationIsCharged() {
        Demand d = Demand.builder().add(mac(1), mac(2), 1e6).build();
        CostModel noLinks = CostModel.defaults().withLinkCost(1).withMigrationCost(0.01);
        Plan p = Adapters.exhaustive().adapt(split(d, noLinks, true), Budget.defaults());
        assertEquals(0, p.objective().iterationSeconds(), EPS, "a local pair costs nothing");
        assertEquals(2, p.migrations().size(), "both hosts are full: a swap, two migrations");
        assertEquals(0.02, p.objective().total(), EPS);
        assertEquals(p.placement().hostOf(mac(1)), p.placement().hostOf(mac(2)));
        assertTrue(p.routes().isEmpty());
        assertTrue(p.apply());
        assertEquals(Double.POSITIVE_INFINITY, p.predictedGain());
    }

    @Test
    void widestPathAvoidsANarrowDirectLink() {
        // a-b is only 10 Mbit/s: the star's 100 Mbit/s is wider, so the route stays on it
        Underlay u = Underlay.builder("p").host("a", 1).host("b", 1).path("a", "p", 1e8, 0.001)
                .path("b", "p", 1e8, 0.001).path("a", "b", 1e7, 0.0001).build();
        Demand d = Demand.builder().add(mac(1), mac(2), 1e6).build();
        Problem pr = Problem.of(d, Placement.of(Map.of(mac(1), "a", mac(2), "b")), u, Overlay.empty());
        Plan p = Adapters.topK(1).adapt(pr, Budget.defaults());
        assertEquals(List.of("a", "p", "b"), p.routes().get(VmPair.of(mac(1), mac(2))));
        assertEquals(p.current().iterationSeconds(), p.objective().iterationSeconds(), EPS);
        assertFalse(p.apply(), "a link that buys nothing is not applied");
        Plan best = Adapters.exhaustive().adapt(pr, Budget.defaults());
        assertTrue(best.fastPaths().links().isEmpty(), "the optimum adds no useless link");
    }

    @Test
    void hysteresis() {
        Demand d = Demand.builder().add(mac(1), mac(2), 1e6).build();
        // a link costs more than it saves (0.082 s -> 0.009 s + 0.1 s)
        Plan costly = Adapters.greedy().adapt(split(d, CostModel.defaults().withLinkCost(0.1).withMigrationCost(1),
                true), Budget.defaults());
        assertFalse(costly.apply());
        assertTrue(costly.fastPaths().links().isEmpty(), "greedy does not buy a link worth less than its cost");
        // a gain of 9x is below a required 10x
        Plan small = Adapters.topK(1).adapt(split(d, CostModel.defaults().withMinGain(9.0), false),
                Budget.defaults());
        assertTrue(small.predictedGain() > 9 && small.predictedGain() < 10);
        assertFalse(small.apply());
        Plan enough = Adapters.topK(1).adapt(split(d, CostModel.defaults().withMinGain(8.0), false),
                Budget.defaults());
        assertTrue(enough.apply());
    }
}
