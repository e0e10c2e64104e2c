package io.vnet.vttif;

import static io.vnet.vttif.Macs.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The engine's bounds per network: a network flooded with forged addresses keeps at most
 * {@link Vttif#MAX_NODES} VMs and {@link Vttif#MAX_WINDOW_PAIRS} pairs, counts what it leaves
 * out, and neither it nor a network whose inference fails stops another network's ring from
 * being classified.
 */
class VttifBoundsTest {
    private static final NetworkId FLOODED = NetworkId.of(100);
    private static final NetworkId RING = NetworkId.of(200);
    private static final long I = 1000;

    private static Vttif reactive() {
        return new Vttif(VttifConfig.defaults().withMode(VttifConfig.Mode.REACTIVE).withWindowMillis(10 * I)
                .withStableMillis(0));
    }

    /** A ring of eight VMs at 100 kB/s per edge, one report ending at {@code end}. */
    private static TrafficSample ring(long end) {
        TrafficSample.Builder b = TrafficSample.builder(RING, end - I, end);
        for (int i = 0; i < 8; i++) {
            b.pair(mac(i), mac((i + 1) % 8), 70, 100_000);
        }
        return b.build();
    }

    /** {@code pairs} pairs of random unicast addresses, each 100 to 1,099 bytes. */
    private static TrafficSample flood(long end, int pairs, Random random) {
        TrafficSample.Builder b = TrafficSample.builder(FLOODED, end - I, end);
        for (int i = 0; i < pairs; i++) {
            b.pair(randomMac(random), randomMac(random), 1, 100 + random.nextInt(1000));
        }
        return b.build();
    }

    private static MacAddress randomMac(Random random) {
        return MacAddress.of((random.nextLong() & 0xFEFF_FFFF_FFFFL) | 0x0200_0000_0000L);
    }

    @Test
    void fiftyThousandAddressesInOneNetworkKeepItsMatrixBoundedAndTheOtherRingClassified() {
        Vttif v = reactive();
        Random random = new Random(7);
        TrafficSample flood = flood(I, 50_000, random);
        List<TopologyChange> changes = v.update(I, List.of(flood, ring(I)));
        int size = v.matrix(FLOODED).size();
        assertTrue(size <= Vttif.MAX_NODES && size > Vttif.MAX_NODES - 100, size + " VMs: the largest talkers (a"
                + " chosen VM whose every partner was left out has no weight)");
        Omitted o = v.omitted(FLOODED);
        assertEquals(flood.counts().size() - Vttif.MAX_REPORT_PAIRS, o.reportPairs(), "the report's smallest pairs");
        assertEquals(2 * Vttif.MAX_REPORT_PAIRS - Vttif.MAX_NODES, o.nodes(), "all kept pairs are between distinct VMs");
        assertTrue(o.bytesPerSecond() > 0);
        long total = flood.counts().values().stream().mapToLong(PairTraffic::bytes).sum();
        assertEquals(total, Math.round(v.matrix(FLOODED).totalWeight() + o.bytesPerSecond()) + o.reportBytes(),
                "kept, cut from the report and left out of the matrix add up to what was reported");
        assertEquals(List.of(RING), changes.stream().filter(c -> c.newTopology().topologyClass() == TopologyClass.RING)
                .map(TopologyChange::network).toList());
        assertFalse(v.omitted(RING).any());
    }

    @Test
    void aSustainedFloodKeepsTheWindowBoundedAndTheOtherNetworkClassified() {
        Vttif v = reactive();
        Random random = new Random(8);
        List<TopologyChange> ringChanges = new ArrayList<>();
        for (long t = I; t <= 30 * I; t += I) {
            for (TopologyChange c : v.update(t, List.of(flood(t, Vttif.MAX_REPORT_PAIRS, random),
                    flood(t, Vttif.MAX_REPORT_PAIRS, random), ring(t)))) {
                if (c.network().equals(RING)) {
                    ringChanges.add(c);
                }
            }
            assertTrue(v.matrix(FLOODED).weightCount() <= Vttif.MAX_WINDOW_PAIRS);
            assertTrue(v.matrix(FLOODED).size() <= Vttif.MAX_NODES);
        }
        assertTrue(v.omitted(FLOODED).earlyReports() > 0, "two agents flooding overfill a 10 s window");
        assertEquals(1, ringChanges.size());
        assertEquals(TopologyClass.RING, v.topology(RING).orElseThrow().topologyClass());
    }

    @Test
    void aReportThatOverflowsFailsOnlyItsNetwork() {
        Vttif v = reactive();
        v.add(TrafficSample.builder(FLOODED, 0, I).pair(mac(1), mac(2), 1, Long.MAX_VALUE).build());
        assertFalse(v.add(TrafficSample.builder(FLOODED, 0, I).pair(mac(1), mac(2), 1, Long.MAX_VALUE).build()));
        List<TopologyChange> changes = v.update(I, List.of(ring(I)));
        assertEquals(List.of(RING), changes.stream().map(TopologyChange::network).toList());
        assertEquals(1, v.omitted(FLOODED).failedEvaluations());
        assertTrue(v.failure(FLOODED).orElseThrow().contains("overflow"), v.failure(FLOODED).toString());
        assertTrue(v.matrix(FLOODED).isEmpty(), "the failed network's window was emptied");
    }

    @Test
    void anInferenceThatFailsStopsOnlyItsNetwork() {
        VttifConfig config = VttifConfig.defaults().withMode(VttifConfig.Mode.REACTIVE).withStableMillis(0);
        Vttif real = new Vttif(config);
        boolean[] failing = {true};
        Vttif v = new Vttif(config, m -> {
            if (failing[0] && m.indexOf(mac(100)) >= 0) {
                throw new IllegalStateException("classifier broke on network " + FLOODED);
            }
            return real.infer(m);
        });
        TrafficSample other = TrafficSample.builder(FLOODED, 0, I).pair(mac(100), mac(101), 70, 100_000)
                .pair(mac(101), mac(100), 70, 100_000).build();
        List<TopologyChange> changes = v.update(I, List.of(other, ring(I)));
        assertEquals(List.of(RING), changes.stream().map(TopologyChange::network).toList());
        assertEquals(TopologyClass.RING, v.inferred(RING).topologyClass());
        assertEquals("java.lang.IllegalStateException: classifier broke on network 100",
                v.failure(FLOODED).orElseThrow());
        failing[0] = false;
        changes = v.update(2 * I, List.of(TrafficSample.builder(FLOODED, I, 2 * I).pair(mac(100), mac(101), 70, 100_000)
                .pair(mac(101), mac(100), 70, 100_000).build(), ring(2 * I)));
        assertEquals(List.of(FLOODED), changes.stream().map(TopologyChange::network).toList(), "it recovers");
        assertEquals(1, v.omitted(FLOODED).failedEvaluations());
    }
}
