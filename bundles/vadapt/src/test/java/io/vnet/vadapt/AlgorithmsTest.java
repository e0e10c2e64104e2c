package io.vnet.vadapt;

import static io.vnet.vadapt.Fixtures.host;
import static io.vnet.vadapt.Fixtures.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
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

    /**
     * LAMMPS's 2 x 2 x 2 decomposition of 8 ranks on 4 hosts (rank r on host r mod 4): the x
     * neighbours (r^1) and the y neighbours (r^2) on other hosts, the z neighbour (r^4) on the same
     * one. With the x links in place the y traffic still crosses the star; if every spoke had a
     * capacity of its own, direct y links would carry it no faster, but the proxy forwards it all
     * through one uplink: with uplinks in the underlay the greedy plan links both dimensions, until
     * the proxy forwards no more than a host sends.
     */
    @Test
    void theStarsSpokesShareTheProxysUplinkSoTheSecondDimensionIsLinkedToo() {
        Demand.Builder b = Demand.builder();
        for (int r = 0; r < 8; r++) {
            for (int bit : new int[] {1, 2, 4}) {
                if (r < (r ^ bit)) {
                    b.add(mac(r), mac(r ^ bit), bit == 1 ? 4e6 : 3e6);
                }
            }
        }
        Demand d = b.build();
        java.util.Map<MacAddress, String> place = new java.util.HashMap<>();
        for (int r = 0; r < 8; r++) {
            place.put(mac(r), "h" + (r % 4));
        }
        Underlay.Builder plain = Underlay.builder("px").defaultPath(50e6, 0.0005);
        Underlay.Builder shared = Underlay.builder("px").defaultPath(50e6, 0.0005).uplink("px", 50e6);
        for (int h = 0; h < 4; h++) {
            plain.host("h" + h, 4);
            shared.host("h" + h, 4).uplink("h" + h, 50e6);
        }
        Set<HostLink> x = Set.of(HostLink.of("h0", "h1"), HostLink.of("h2", "h3"));
        Set<HostLink> y = Set.of(HostLink.of("h0", "h2"), HostLink.of("h1", "h3"));
        Plan before = Adapters.greedy().adapt(Problem.of(d, Placement.of(place), plain.build(), Overlay.empty()).withMigration(false),
                Budget.defaults());
        assertEquals(x, before.fastPaths().links(), "each spoke its own capacity: the y links look useless");
        Plan after = Adapters.greedy().adapt(Problem.of(d, Placement.of(place), shared.build(), Overlay.empty()).withMigration(false),
                Budget.defaults());
        // the proxy then forwards at most as much as a host sends: both x links and a y link (the fourth link
        // gains nothing more in this model, where all pairs send at once)
        assertTrue(after.fastPaths().links().containsAll(x) && after.fastPaths().links().stream().anyMatch(y::contains)
                && after.fastPaths().links().size() == 3, "both dimensions linked: " + after.fastPaths().links());
        assertTrue(after.predictedGain() > 3.5, after.toString());
        assertThrows(IllegalArgumentException.class, () -> Underlay.builder("px").host("a", 1).uplink("a", 0));
        assertThrows(IllegalArgumentException.class, () -> Underlay.builder("px").host("a", 1).uplink("b", 1e6).build());
        assertEquals(Double.POSITIVE_INFINITY, plain.build().uplink("h0"), "unbounded unless given");
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
