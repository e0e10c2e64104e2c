package io.vnet.vttif;

import static io.vnet.vttif.Macs.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The exported value types: immutability, validation, and messages that name the bad value. */
class ModelTest {
    private static final NetworkId NET = NetworkId.of(100);

    private static void rejects(Executable e, String... fragments) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) {
            assertTrue(x.getMessage().contains(f), "'" + x.getMessage() + "' should name " + f);
        }
    }

    @Test
    void macPair() {
        MacPair p = MacPair.of(mac(1), mac(2));
        assertEquals(MacPair.of(mac(2), mac(1)), p.reversed());
        assertTrue(p.isUnicastConversation());
        assertFalse(MacPair.of(mac(1), MacAddress.BROADCAST).isUnicastConversation());
        assertFalse(MacPair.of(MacAddress.parse("01:00:5e:00:00:01"), mac(1)).isUnicastConversation());
        assertFalse(MacPair.of(mac(1), mac(1)).isUnicastConversation());
        rejects(() -> MacPair.of(null, mac(1)), "null");
    }

    @Test
    void pairCount() {
        assertEquals(PairTraffic.of(3, 150), PairTraffic.of(2, 100).plus(PairTraffic.of(1, 50)));
        rejects(() -> PairTraffic.of(0, -1), "-1 bytes");
        rejects(() -> PairTraffic.of(-2, 10), "-2 frames");
        rejects(() -> PairTraffic.of(3, 2), "2 bytes in 3 frames");
        rejects(() -> PairTraffic.of(0, 64), "64 bytes in 0 frames");
        rejects(() -> PairTraffic.of(1, Long.MAX_VALUE).plus(PairTraffic.of(1, 1)), "overflow");
    }

    @Test
    void trafficSample() {
        TrafficSample s = TrafficSample.builder(NET, 1000, 2000)
                .pair(mac(1), mac(2), 1, 100).pair(mac(1), mac(2), 2, 200).pair(mac(2), mac(1), 1, 60).build();
        assertEquals(1000, s.intervalMillis());
        assertEquals(PairTraffic.of(3, 300), s.count(mac(1), mac(2)));
        assertEquals(PairTraffic.ZERO, s.count(mac(1), mac(3)));
        Map<MacPair, PairTraffic> counts = new HashMap<>(s.counts());
        TrafficSample copy = new TrafficSample(NET, 1000, 2000, counts);
        counts.clear();
        assertEquals(2, copy.counts().size(), "the sample keeps its own copy");
        assertThrows(UnsupportedOperationException.class, () -> copy.counts().clear());
        assertEquals(s, copy);
        rejects(() -> TrafficSample.builder(NET, 2000, 2000).build(), "[2000, 2000)", "network 100");
        rejects(() -> new TrafficSample(null, 0, 1, Map.of()), "network");
        rejects(() -> new TrafficSample(NET, 0, 1, null), "counts");
        Map<MacPair, PairTraffic> withNull = new HashMap<>();
        withNull.put(MacPair.of(mac(1), mac(2)), null);
        rejects(() -> new TrafficSample(NET, 0, 1, withNull), "null");
    }

    @Test
    void trafficMatrix() {
        TrafficMatrix m = TrafficMatrix.builder().add(mac(3), mac(1), 2).add(mac(1), mac(3), 1)
                .add(mac(3), mac(1), 1).add(mac(2), mac(1), 0).build();
        assertEquals(List.of(mac(1), mac(3)), m.nodes(), "address order; zero weights add no node");
        assertEquals(3, m.weight(mac(3), mac(1)));
        assertEquals(1, m.weight(0, 1));
        assertEquals(4, m.undirectedWeight(0, 1));
        assertEquals(4, m.totalWeight());
        assertEquals(0, m.weight(mac(9), mac(1)));
        assertEquals(-1, m.indexOf(mac(9)));
        assertTrue(TrafficMatrix.builder().build().isEmpty());
        assertThrows(IndexOutOfBoundsException.class, () -> m.weight(0, 2));
        rejects(() -> TrafficMatrix.builder().add(mac(1), MacAddress.BROADCAST, 1), "ff:ff:ff:ff:ff:ff", "unicast");
        rejects(() -> TrafficMatrix.builder().add(mac(1), mac(1), 1), "differ");
        rejects(() -> TrafficMatrix.builder().add(mac(1), mac(2), -3), "-3.0");
        rejects(() -> TrafficMatrix.builder().add(mac(1), mac(2), Double.NaN), "NaN");
        rejects(() -> TrafficMatrix.builder().add(mac(1), mac(2), Double.POSITIVE_INFINITY), "Infinity");
    }

    @Test
    void topologyGraph() {
        List<TopologyGraph.Edge> edges = List.of(new TopologyGraph.Edge(mac(2), mac(1), 1.0),
                new TopologyGraph.Edge(mac(1), mac(3), 0.5));
        TopologyGraph star = TopologyGraph.of(TopologyClass.STAR, 0, 0, mac(1), edges);
        assertEquals(List.of(mac(1), mac(2), mac(3)), star.nodes());
        assertEquals(mac(1), star.edges().get(0).a(), "edges keep a < b");
        assertEquals(Optional.of(mac(1)), star.root());
        assertEquals(0.5, star.intensity(mac(3), mac(1)));
        assertEquals("STAR root 02:00:00:00:00:01 (3 VMs, 2 edges)", star.describe());
        TopologyGraph lighter = TopologyGraph.of(TopologyClass.STAR, 0, 0, mac(1),
                List.of(new TopologyGraph.Edge(mac(1), mac(2), 0.2), new TopologyGraph.Edge(mac(1), mac(3), 1.0)));
        assertTrue(star.sameTopology(lighter));
        assertFalse(star.equals(lighter));
        assertFalse(star.sameTopology(TopologyGraph.of(TopologyClass.OTHER, 0, 0, null, edges)));
        assertFalse(star.sameTopology(TopologyGraph.of(TopologyClass.STAR, 0, 0, mac(1),
                List.of(new TopologyGraph.Edge(mac(1), mac(2), 1.0), new TopologyGraph.Edge(mac(2), mac(3), 1.0)))));

        rejects(() -> new TopologyGraph.Edge(mac(1), mac(1), 1), "02:00:00:00:00:01", "itself");
        rejects(() -> new TopologyGraph.Edge(mac(1), mac(2), 0), "intensity 0.0");
        rejects(() -> new TopologyGraph.Edge(mac(1), mac(2), 1.5), "intensity 1.5");
        rejects(() -> TopologyGraph.of(TopologyClass.RING, 0, 0, null, List.of()), "at least one edge");
        rejects(() -> TopologyGraph.of(TopologyClass.OTHER, 0, 0, null,
                List.of(edges.get(0), new TopologyGraph.Edge(mac(1), mac(2), 0.3))), "appears twice");
        rejects(() -> TopologyGraph.of(TopologyClass.STAR, 0, 0, mac(7), edges), "root 02:00:00:00:00:07");
        rejects(() -> TopologyGraph.of(TopologyClass.STAR, 0, 0, null, edges), "root null");
        rejects(() -> TopologyGraph.of(TopologyClass.RING, 0, 0, mac(1), edges), "only for a star or tree");
        rejects(() -> TopologyGraph.of(TopologyClass.MESH_2D, 1, 3, null, edges), "size 1x3");
        rejects(() -> TopologyGraph.of(TopologyClass.RING, 1, 3, null, edges), "only for a mesh or torus");
        rejects(() -> TopologyGraph.of(null, 0, 0, null, edges), "class");
    }

    @Test
    void topologyGraphWithSidesShareAndFits() {
        List<TopologyGraph.Edge> cube = new java.util.ArrayList<>();
        for (int v = 0; v < 8; v++) {
            for (int bit = 0; bit < 3; bit++) {
                if ((v & (1 << bit)) == 0) {
                    cube.add(new TopologyGraph.Edge(mac(v + 1), mac((v | (1 << bit)) + 1), 1.0));
                }
            }
        }
        TopologyGraph.Fit q3 = new TopologyGraph.Fit(TopologyClass.HYPERCUBE, List.of(2, 2, 2));
        TopologyGraph g = TopologyGraph.of(TopologyClass.TORUS_2D, List.of(2, 4), null, cube, 0.9,
                List.of(q3, new TopologyGraph.Fit(TopologyClass.MESH_3D, List.of(2, 2, 2))));
        assertEquals(2, g.rows());
        assertEquals(4, g.cols());
        assertEquals(List.of(2, 4), g.dims());
        assertEquals(0.9, g.share());
        assertTrue(g.fits(TopologyClass.HYPERCUBE) && g.fits(TopologyClass.TORUS_2D) && !g.fits(TopologyClass.RING));
        assertEquals("TORUS_2D 2x4 (8 VMs, 12 edges, 90% of the traffic; also HYPERCUBE 2x2x2, MESH_3D 2x2x2)",
                g.describe());
        TopologyGraph plain = TopologyGraph.of(TopologyClass.HYPERCUBE, List.of(2, 2, 2), null, cube, 1.0, List.of());
        assertEquals("HYPERCUBE 2x2x2 (8 VMs, 12 edges)", plain.describe());
        assertEquals(0, plain.rows(), "rows and cols are a 2-D grid's only");
        assertFalse(g.sameTopology(plain));

        rejects(() -> TopologyGraph.of(TopologyClass.HYPERCUBE, List.of(2, 4), null, cube, 1, List.of()), "HYPERCUBE size 2x4");
        rejects(() -> TopologyGraph.of(TopologyClass.MESH_3D, List.of(2, 4), null, cube, 1, List.of()), "MESH_3D size 2x4");
        rejects(() -> TopologyGraph.of(TopologyClass.TORUS_3D, List.of(4, 2, 1), null, cube, 1, List.of()), "4x2x1");
        rejects(() -> TopologyGraph.of(TopologyClass.TORUS_2D, List.of(2, 4), null, cube, 0, List.of()), "share 0.0");
        rejects(() -> TopologyGraph.of(TopologyClass.TORUS_2D, List.of(2, 4), null, cube, 1.5, List.of()), "share 1.5");
        rejects(() -> TopologyGraph.of(TopologyClass.TORUS_2D, List.of(2, 4), null, cube, 1,
                List.of(new TopologyGraph.Fit(TopologyClass.TORUS_2D, List.of(2, 4)))), "fits itself");
        rejects(() -> TopologyGraph.of(TopologyClass.TORUS_2D, List.of(2, 4), null, cube, 1,
                List.of(new TopologyGraph.Fit(TopologyClass.MESH_3D, List.of(2, 2, 3)))), "MESH_3D size 2x2x3 for 8 nodes");
        rejects(() -> new TopologyGraph.Fit(TopologyClass.OTHER, List.of()), "OTHER");
        rejects(() -> TopologyGraph.of(TopologyClass.PIPELINE, List.of(), mac(1), cube, 1, List.of()),
                "only for a star or tree");
    }

    @Test
    void topologyChange() {
        TopologyGraph g = TopologyGraph.of(TopologyClass.ALL_TO_ALL, 0, 0, null,
                List.of(new TopologyGraph.Edge(mac(1), mac(2), 1)));
        TopologyChange c = new TopologyChange(NET, Optional.empty(), g, 42);
        assertEquals("TopologyChange[network 100 at 42 ms: none -> ALL_TO_ALL (2 VMs, 1 edge)]", c.toString());
        rejects(() -> new TopologyChange(NET, null, g, 1), "old");
        rejects(() -> new TopologyChange(NET, Optional.of(g), TopologyGraph.empty(), 1), "no edges");
    }

    @Test
    void config() {
        VttifConfig d = VttifConfig.defaults();
        assertEquals(10_000, d.windowMillis());
        assertEquals(VttifConfig.Mode.DAMPED, d.mode());
        assertEquals(30_000, d.stableMillis());
        assertEquals(0.1, d.pruneThreshold());
        assertEquals(0.15, d.noiseBudget());
        assertEquals(100, d.minPairRate());
        VttifConfig c = d.withWindowMillis(1).withMode(VttifConfig.Mode.REACTIVE).withStableMillis(0)
                .withPruneThreshold(0).withNoiseBudget(0).withMinPairRate(0);
        assertEquals(new VttifConfig(1, VttifConfig.Mode.REACTIVE, 0, 0, 0, 0), c);
        rejects(() -> d.withWindowMillis(0), "window 0 ms");
        rejects(() -> d.withMode(null), "mode null");
        rejects(() -> d.withStableMillis(-5), "stable time -5 ms");
        rejects(() -> d.withPruneThreshold(1.5), "prune threshold 1.5");
        rejects(() -> d.withPruneThreshold(Double.NaN), "prune threshold NaN");
        rejects(() -> d.withNoiseBudget(0.6), "noise budget 0.6");
        assertEquals(0.8, d.dominantShare());
        assertEquals(1.0, d.withDominantShare(1).dominantShare());
        rejects(() -> d.withDominantShare(0.4), "dominant share 0.4");
        rejects(() -> d.withDominantShare(Double.NaN), "dominant share NaN");
        rejects(() -> d.withMinPairRate(-1), "minimum pair rate -1.0");
    }
}
