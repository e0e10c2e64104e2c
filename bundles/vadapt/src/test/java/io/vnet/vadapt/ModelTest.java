package io.vnet.vadapt;

import static io.vnet.vadapt.Fixtures.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.vttif.TopologyClass;
import io.vnet.vttif.TopologyGraph;
import io.vnet.vttif.TrafficMatrix;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The exported value types: normalisation, copies, and validation messages that name the bad value. */
class ModelTest {
    private static void rejects(Executable e, String... fragments) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) {
            assertTrue(x.getMessage().contains(f), "'" + x.getMessage() + "' should name " + f);
        }
    }

    @Test
    void pairsAndLinksAreUnordered() {
        assertEquals(VmPair.of(mac(1), mac(2)), VmPair.of(mac(2), mac(1)));
        assertEquals(mac(1), VmPair.of(mac(2), mac(1)).a());
        assertEquals(HostLink.of("b", "a"), HostLink.of("a", "b"));
        assertEquals("a", HostLink.of("b", "a").other("b"));
        rejects(() -> VmPair.of(mac(1), mac(1)), mac(1).toString(), "itself");
        rejects(() -> VmPair.of(mac(1), MacAddress.BROADCAST), "unicast");
        rejects(() -> HostLink.of("x", "x"), "x-x");
        rejects(() -> HostLink.of("x", "bad host"), "'bad host'");
        rejects(() -> HostLink.of("a", "b").other("c"), "host c");
    }

    @Test
    void demand() {
        Demand d = Demand.builder().add(mac(1), mac(2), 100).add(mac(2), mac(1), 50).add(mac(3), mac(4), 0)
                .add(mac(1), mac(3), 500).build();
        assertEquals(150, d.rate(mac(2), mac(1)));
        assertEquals(0, d.rate(mac(3), mac(4)), "zero rates are not kept");
        assertEquals(List.of(mac(1), mac(2), mac(3)), d.vms());
        assertEquals(List.of(VmPair.of(mac(1), mac(3)), VmPair.of(mac(1), mac(2))), d.heaviestFirst());
        rejects(() -> Demand.builder().add(mac(1), mac(2), -5), "-5.0 B/s", mac(1) + "-" + mac(2));
        rejects(() -> Demand.builder().add(mac(1), mac(2), Double.NaN), "NaN");
        Map<VmPair, Double> m = new HashMap<>();
        m.put(VmPair.of(mac(1), mac(2)), 7.0);
        Demand copy = Demand.of(m);
        m.clear();
        assertEquals(7, copy.rate(mac(1), mac(2)), "the demand keeps its own copy");

        TrafficMatrix tm = TrafficMatrix.builder().add(mac(1), mac(2), 30).add(mac(2), mac(1), 10)
                .add(mac(2), mac(3), 5).build();
        Demand fromMatrix = Demand.fromMatrix(tm);
        assertEquals(40, fromMatrix.rate(mac(1), mac(2)), "both directions add up");
        assertEquals(5, fromMatrix.rate(mac(3), mac(2)));

        TopologyGraph g = TopologyGraph.of(TopologyClass.OTHER, 0, 0, null,
                List.of(new TopologyGraph.Edge(mac(1), mac(2), 1.0), new TopologyGraph.Edge(mac(2), mac(3), 0.25)));
        Demand fromGraph = Demand.fromTopology(g, 4000);
        assertEquals(4000, fromGraph.rate(mac(1), mac(2)));
        assertEquals(1000, fromGraph.rate(mac(2), mac(3)));
        rejects(() -> Demand.fromTopology(g, 0), "0.0 B/s");
    }

    @Test
    void underlay() {
        Underlay u = Underlay.builder("p").host("a", 2).host("b", 3).path("a", "b", 1e9, 0.001)
                .defaultPath(1e8, 0.01).build();
        assertEquals(List.of("a", "b"), u.hosts());
        assertEquals(PathProperties.of(1e9, 0.001), u.path("b", "a"));
        assertEquals(PathProperties.of(1e8, 0.01), u.path("a", "p"), "unlisted pairs take the default");
        rejects(() -> u.path("a", "zz"), "unknown host zz");
        rejects(() -> Underlay.builder("p").host("a", 0), "capacity 0", "host a");
        rejects(() -> Underlay.builder("p").host("a", 1).host("a", 2), "host a", "twice");
        rejects(() -> Underlay.builder("p").host("p", 1), "host p", "center");
        rejects(() -> Underlay.builder("p").host("a", 1).path("a", "q", 1e9, 0).build(), "host q");
        rejects(() -> Underlay.builder("p").build(), "no VM host");
        rejects(() -> PathProperties.of(0, 0.001), "bandwidth 0.0");
        rejects(() -> PathProperties.of(1e9, -1), "latency -1.0");
    }

    @Test
    void problemChecksPlacementAndCapacity() {
        Underlay u = Underlay.builder("p").host("a", 1).host("b", 2).build();
        Demand d = Demand.builder().add(mac(1), mac(2), 10).build();
        rejects(() -> Problem.of(d, Placement.of(Map.of(mac(1), "a")), u, Overlay.empty()),
                "VM " + mac(2), "no host");
        rejects(() -> Problem.of(d, Placement.of(Map.of(mac(1), "a", mac(2), "a")), u, Overlay.empty()),
                "host a runs 2 VMs", "capacity 1");
        rejects(() -> Problem.of(d, Placement.of(Map.of(mac(1), "a", mac(2), "c")), u, Overlay.empty()),
                "host c");
        rejects(() -> Problem.of(d, Placement.of(Map.of(mac(1), "a", mac(2), "b")), u,
                Overlay.of(List.of(HostLink.of("a", "z")))), "a-z", "host z");
        rejects(() -> Placement.of(Map.of(MacAddress.BROADCAST, "a")), "ff:ff:ff:ff:ff:ff");
        Placement p = Placement.of(Map.of(mac(1), "a", mac(2), "b"));
        assertEquals(List.of(mac(2)), p.migrationsTo(Placement.of(Map.of(mac(1), "a", mac(2), "a"))));
        assertEquals(List.of(mac(2)), p.vmsOn("b"));
        rejects(() -> p.hostOf(mac(9)), "VM " + mac(9));
    }

    @Test
    void costModelBudgetAndNames() {
        rejects(() -> new CostModel(-1, 0, 0), "link cost -1.0");
        rejects(() -> new CostModel(0, Double.NaN, 0), "migration cost NaN");
        rejects(() -> CostModel.defaults().withMinGain(-0.1), "minimum gain -0.1");
        rejects(() -> new Budget(-3, 0, 1), "iteration budget -3");
        rejects(() -> Budget.iterations(1).withTimeLimitNanos(-1), "time limit -1");
        rejects(() -> Adapters.byName("simplex"), "'simplex'", "anneal");
        rejects(() -> Adapters.topK(-1), "k -1");
        for (String n : Adapters.names()) {
            assertEquals(n, Adapters.byName(n).name());
        }
    }
}
