package io.vnet.vadapt;

import static io.vnet.vadapt.Fixtures.host;
import static io.vnet.vadapt.Fixtures.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each algorithm's behaviour on instances where the right answer is known. */
class AlgorithmsTest {
    private static final List<Adapter> ALL = List.of(Adapters.topK(2), Adapters.greedy(), Adapters.anneal(),
            Adapters.exhaustive());

    private static Problem random(Demand d, int vms, int hosts, int capacity, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Underlay u = Fixtures.underlay(hosts, capacity, rnd);
        return new Problem(d, Fixtures.randomPlacement(vms, hosts, capacity, rnd), u, Overlay.empty(),
                CostModel.defaults(), true);
    }

    @Test
    void topKLinksTheHostsOfTheHeaviestPairs() {
        Underlay u = Underlay.builder("p").host("a", 1).host("b", 1).host("c", 1).host("d", 1).build();
        Demand d = Demand.builder().add(mac(0), mac(1), 4e6).add(mac(2), mac(3), 3e6).add(mac(1), mac(2), 2e6)
                .add(mac(0), mac(3), 1e6).build();
        Placement place = Placement.of(Map.of(mac(0), "a", mac(1), "b", mac(2), "c", mac(3), "d"));
        Problem p = Problem.of(d, place, u, Overlay.empty());
        Plan plan = Adapters.topK(2).adapt(p, Budget.defaults());
        assertEquals(Set.of(HostLink.of("a", "b"), HostLink.of("c", "d")), plan.fastPaths().links());
        assertEquals(place, plan.placement(), "top-k never migrates");
        assertEquals(List.of("a", "b"), plan.routes().get(VmPair.of(mac(0), mac(1))));
        assertEquals(List.of("b", "p", "c"), plan.routes().get(VmPair.of(mac(1), mac(2))));
        assertEquals(4 + 4, Adapters.topK(10).adapt(p, Budget.defaults()).overlay().links().size(),
                "k beyond the pairs: a link per pair on different hosts, plus the star");
    }

    @Test
    void currentLinksAreFreeAndKept() {
        Underlay u = Underlay.builder("p").host("a", 1).host("b", 1).build();
        Demand d = Demand.builder().add(mac(0), mac(1), 4e6).build();
        Placement place = Placement.of(Map.of(mac(0), "a", mac(1), "b"));
        Problem p = Problem.of(d, place, u, Overlay.of(List.of(HostLink.of("a", "b"))));
        for (Adapter a : ALL) {
            Plan plan = a.adapt(p, Budget.defaults());
            assertEquals(0, plan.objective().linksAdded(), a.name());
            assertEquals(plan.current().iterationSeconds(), plan.objective().iterationSeconds(), 1e-12, a.name());
            assertFalse(plan.apply(), a.name() + ": the current overlay is already the best");
        }
    }

    @Test
    void greedyPutsHeavyPairsOnOneHost() {
        // ring 0-1-2-3-0 with heavy 0-1 and 2-3, placed so that every edge crosses hosts
        Underlay u = Underlay.builder("p").host("a", 2).host("b", 2).defaultPath(1e8, 0.001).build();
        Demand d = Demand.builder().add(mac(0), mac(1), 1e7).add(mac(2), mac(3), 1e7).add(mac(1), mac(2), 1e5)
                .add(mac(3), mac(0), 1e5).build();
        Placement place = Placement.of(Map.of(mac(0), "a", mac(2), "a", mac(1), "b", mac(3), "b"));
        Problem p = new Problem(d, place, u, Overlay.empty(), CostModel.defaults().withMigrationCost(0.01), true);
        Plan plan = Adapters.greedy().adapt(p, Budget.defaults());
        assertEquals(plan.placement().hostOf(mac(0)), plan.placement().hostOf(mac(1)));
        assertEquals(plan.placement().hostOf(mac(2)), plan.placement().hostOf(mac(3)));
        assertEquals(2, plan.migrations().size());
        assertTrue(plan.apply());
        assertTrue(plan.predictedGain() > 5, "the heavy pairs become local: " + plan);
        // without migration the placement stays, for every algorithm
        for (Adapter a : ALL) {
            Plan fixed = a.adapt(p.withMigration(false), Budget.defaults());
            assertEquals(place, fixed.placement(), a.name());
            assertTrue(fixed.migrations().isEmpty(), a.name());
        }
    }

    @Test
    void annealIsDeterministicAndNeverWorseThanGreedy() {
        for (long seed = 1; seed <= 5; seed++) {
            Problem p = random(Fixtures.mesh(3, 4, 3e6), 12, 5, 3, seed);
            Plan g = Adapters.greedy().adapt(p, Budget.defaults());
            Budget b = Budget.iterations(5000).withSeed(seed);
            Plan a1 = Adapters.anneal().adapt(p, b);
            Plan a2 = Adapters.anneal().adapt(p, b);
            assertEquals(a1, a2, "same problem, same seed, same plan");
            assertTrue(a1.objective().total() <= g.objective().total() + 1e-12, a1 + " vs " + g);
            Plan none = Adapters.anneal().adapt(p, Budget.iterations(0));
            assertEquals(g.objective(), none.objective(), "no iterations: the greedy answer");
        }
    }

    @Test
    void timeLimitStopsTheAnnealer() {
        Problem p = random(Fixtures.allToAll(12, 1e6), 12, 4, 4, 7);
        long t0 = System.nanoTime();
        Plan plan = Adapters.anneal().adapt(p, Budget.iterations(Long.MAX_VALUE).withTimeLimitNanos(100_000_000L));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 10_000, "a 100 ms limit took " + ms + " ms");
        assertTrue(plan.objective().total() <= Adapters.greedy().adapt(p, Budget.defaults()).objective().total());
    }

    @Test
    void exhaustiveRefusesLargeInstances() {
        Problem p = random(Fixtures.ring(20, 1e6), 20, 6, 4, 1);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> Adapters.exhaustive().adapt(p, Budget.defaults()));
        assertTrue(x.getMessage().contains("20 VMs on 6 hosts"), x.getMessage());
    }

    @Test
    void noTrafficNoChange() {
        Underlay u = Underlay.builder("p").host("a", 2).build();
        Problem p = Problem.of(Demand.builder().build(), Placement.of(Map.of(mac(1), "a")), u, Overlay.empty());
        for (Adapter a : ALL) {
            Plan plan = a.adapt(p, Budget.defaults());
            assertEquals(1.0, plan.predictedGain(), a.name());
            assertFalse(plan.apply(), a.name());
            assertEquals(Overlay.star("p", List.of("a")), plan.overlay(), a.name());
        }
    }

    /**
     * 1000 VMs on 200 hosts: the state is O(hosts^2 + VMs + pairs), so this runs in a small heap. A
     * functional check only; the time is measured by scripts/bench-vadapt.sh (bench.ScaleBenchmark).
     */
    @Test
    void thousandVmsOnTwoHundredHosts() {
        Demand d = Fixtures.mesh(25, 40, 1e6);
        Problem p = random(d, 1000, 200, 6, 3);
        long t0 = System.nanoTime();
        Plan g = Adapters.greedy().adapt(p, Budget.defaults());
        long t1 = System.nanoTime();
        Plan a = Adapters.anneal().adapt(p, Budget.iterations(300).withSeed(3));
        long t2 = System.nanoTime();
        System.out.printf("1000 VMs / 200 hosts, %d pairs: greedy %.1f s gain %.2f; anneal (300 iterations) %.1f s"
                        + " gain %.2f; heap used %d MiB%n", d.rates().size(), (t1 - t0) / 1e9, g.predictedGain(),
                (t2 - t1) / 1e9, a.predictedGain(),
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        assertTrue(g.predictedGain() > 1.3 && g.apply(), g.toString());
        assertTrue(a.objective().total() <= g.objective().total() + 1e-12);
        assertEquals(1000, a.placement().hosts().size());
        for (Map.Entry<VmPair, List<String>> e : a.routes().entrySet()) {
            List<String> r = e.getValue();
            assertEquals(a.placement().hostOf(e.getKey().a()), r.get(0));
            assertEquals(a.placement().hostOf(e.getKey().b()), r.get(r.size() - 1));
        }
        assertTrue(a.overlay().links().contains(HostLink.of(Fixtures.CENTER, host(199))), "the star reaches every host");
    }
}
