package io.vnet.vttif;

import static io.vnet.vttif.Macs.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The engine: merging reports, the low-pass window, what is ignored, reactive and damped
 * reporting of changes. Reports come every {@link #I} ms, as from agents on a timer.
 */
class VttifTest {
    private static final NetworkId NET = NetworkId.of(100);
    private static final long I = 1000;
    /** Bytes per second of one unit of pattern weight. */
    private static final double RATE = 100_000;

    private static final double[][] RING16 = Patterns.ring(16, false, new Random(1));
    private static final double[][] MESH16 = Patterns.grid(4, 4, false, new Random(2));
    private static final double[][] STAR16 = Patterns.star(16, new Random(3));

    private static VttifConfig config(VttifConfig.Mode mode, long window, long stable) {
        return VttifConfig.defaults().withMode(mode).withWindowMillis(window).withStableMillis(stable);
    }

    /** One agent's report of the interval ending at {@code end}: the pattern at {@link #RATE}. */
    static TrafficSample sample(NetworkId net, long end, double[][] w) {
        TrafficSample.Builder b = TrafficSample.builder(net, end - I, end);
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < w.length; j++) {
                long bytes = Math.round(w[i][j] * RATE * I / 1000);
                if (bytes > 0) {
                    b.pair(mac(i), mac(j), bytes / 1500 + 1, bytes);
                }
            }
        }
        return b.build();
    }

    /** Feeds {@code pattern} from {@code from} (exclusive) to {@code to} and collects the changes. */
    private static List<TopologyChange> run(Vttif v, long from, long to, double[][] pattern) {
        List<TopologyChange> changes = new ArrayList<>();
        for (long t = from + I; t <= to; t += I) {
            changes.addAll(v.update(t, List.of(sample(NET, t, pattern))));
        }
        return changes;
    }

    @Test
    void theFirstTopologyIsReportedWithNoOldOne() {
        Vttif v = new Vttif(config(VttifConfig.Mode.REACTIVE, I, 0));
        List<TopologyChange> changes = run(v, 0, I, RING16);
        assertEquals(1, changes.size());
        TopologyChange c = changes.get(0);
        assertEquals(NET, c.network());
        assertEquals(Optional.empty(), c.oldTopology());
        assertEquals(TopologyClass.RING, c.newTopology().topologyClass());
        assertEquals(I, c.timeMillis());
        assertEquals(Optional.of(c.newTopology()), v.topology(NET));
    }

    @Test
    void reactiveModeReportsAChangeAtTheFirstSampleAfterTheSwitch() {
        Vttif v = new Vttif(config(VttifConfig.Mode.REACTIVE, I, 60_000));
        assertEquals(1, run(v, 0, 10 * I, RING16).size());
        long switchAt = 10 * I;
        List<TopologyChange> changes = run(v, switchAt, switchAt + 10 * I, MESH16);
        assertEquals(1, changes.size(), changes.toString());
        TopologyChange c = changes.get(0);
        assertEquals(switchAt + I, c.timeMillis());
        assertEquals(TopologyClass.RING, c.oldTopology().orElseThrow().topologyClass());
        assertEquals(TopologyClass.MESH_2D, c.newTopology().topologyClass());
        assertEquals(4, c.newTopology().rows());
        assertEquals(TopologyClass.MESH_2D, v.topology(NET).orElseThrow().topologyClass());
    }

    @Test
    void dampedModeReportsAChangeOnlyAfterTheStableTimeAndWithinTheDampedWindow() {
        long stable = 5 * I;
        Vttif v = new Vttif(config(VttifConfig.Mode.DAMPED, I, stable));
        List<TopologyChange> first = run(v, 0, 20 * I, RING16);
        assertEquals(1, first.size());
        assertEquals(I + stable, first.get(0).timeMillis(), "first seen at I, stable 5 s later");

        long switchAt = 20 * I;
        List<TopologyChange> changes = new ArrayList<>();
        for (long t = switchAt + I; t <= switchAt + 20 * I; t += I) {
            List<TopologyChange> now = v.update(t, List.of(sample(NET, t, MESH16)));
            if (t < switchAt + stable) {
                assertTrue(now.isEmpty(), "reported before the stable time, at " + t + ": " + now);
                assertEquals(TopologyClass.RING, v.topology(NET).orElseThrow().topologyClass());
                assertEquals(TopologyClass.MESH_2D, v.inferred(NET).topologyClass(), "already inferred");
            }
            changes.addAll(now);
        }
        assertEquals(1, changes.size(), changes.toString());
        TopologyChange c = changes.get(0);
        assertTrue(c.timeMillis() >= switchAt + stable, "not before the stable time: " + c.timeMillis());
        assertTrue(c.timeMillis() <= switchAt + stable + I, "within stable time + one interval: " + c.timeMillis());
        assertEquals(TopologyClass.RING, c.oldTopology().orElseThrow().topologyClass());
        assertEquals(TopologyClass.MESH_2D, c.newTopology().topologyClass());
    }

    @Test
    void dampedModeWithALongerWindowReportsWithinWindowPlusStableTime() {
        long window = 4 * I;
        long stable = 5 * I;
        Vttif v = new Vttif(config(VttifConfig.Mode.DAMPED, window, stable));
        assertEquals(1, run(v, 0, 20 * I, RING16).size());
        long switchAt = 20 * I;
        List<TopologyChange> changes = run(v, switchAt, switchAt + 30 * I, STAR16);
        assertEquals(1, changes.size(), changes.toString());
        long at = changes.get(0).timeMillis();
        assertTrue(at >= switchAt + stable && at <= switchAt + window + stable, "reported at " + at);
        assertEquals(TopologyClass.STAR, changes.get(0).newTopology().topologyClass());
        assertEquals(Optional.of(mac(0)), changes.get(0).newTopology().root());
    }

    @Test
    void dampedModeIgnoresAFlappingTopology() {
        Vttif v = new Vttif(config(VttifConfig.Mode.DAMPED, I, 3 * I));
        assertEquals(1, run(v, 0, 10 * I, RING16).size());
        List<TopologyChange> changes = new ArrayList<>();
        for (long t = 11 * I; t <= 40 * I; t += I) {
            double[][] w = (t / I) % 3 == 0 ? STAR16 : (t / I) % 3 == 1 ? MESH16 : RING16;
            changes.addAll(v.update(t, List.of(sample(NET, t, w))));
        }
        assertTrue(changes.isEmpty(), changes.toString());
        assertEquals(TopologyClass.RING, v.topology(NET).orElseThrow().topologyClass());
    }

    @Test
    void dampedModeRestartsTheClockWhenTheOldTopologyComesBack() {
        long stable = 4 * I;
        Vttif v = new Vttif(config(VttifConfig.Mode.DAMPED, I, stable));
        assertEquals(1, run(v, 0, 10 * I, RING16).size());
        assertTrue(run(v, 10 * I, 13 * I, MESH16).isEmpty(), "mesh for 3 s < stable time");
        assertTrue(run(v, 13 * I, 14 * I, RING16).isEmpty(), "ring is back");
        List<TopologyChange> changes = run(v, 14 * I, 30 * I, MESH16);
        assertEquals(1, changes.size());
        assertEquals(15 * I + stable, changes.get(0).timeMillis(), "the clock restarted at 15 s");
    }

    @Test
    void dampedModeWithNoStableTimeIsImmediate() {
        Vttif v = new Vttif(config(VttifConfig.Mode.DAMPED, I, 0));
        assertEquals(1, run(v, 0, I, RING16).size());
        assertEquals(2 * I, run(v, I, 2 * I, MESH16).get(0).timeMillis());
    }

    @Test
    void theLowPassWindowSmoothsAShortBurst() {
        for (long window : new long[] {I, 10 * I}) {
            Vttif v = new Vttif(config(VttifConfig.Mode.REACTIVE, window, 0));
            List<TopologyChange> changes = new ArrayList<>(run(v, 0, 20 * I, RING16));
            changes.addAll(run(v, 20 * I, 21 * I, STAR16));
            changes.addAll(run(v, 21 * I, 40 * I, RING16));
            if (window == I) {
                assertEquals(3, changes.size(), "an unsmoothed burst is a change there and back: " + changes);
                assertEquals(TopologyClass.STAR, changes.get(1).newTopology().topologyClass());
            } else {
                assertEquals(1, changes.size(), "a 1 s burst in a 10 s window is noise: " + changes);
            }
        }
    }

    @Test
    void theWindowAveragesBytesOverTheTimeItCovers() {
        Vttif v = new Vttif(config(VttifConfig.Mode.REACTIVE, 5 * I, 0).withMinPairRate(0));
        v.add(TrafficSample.builder(NET, 0, I).pair(mac(1), mac(2), 5, 5000).build());
        v.evaluate(I);
        assertEquals(5000, v.matrix(NET).weight(mac(1), mac(2)), 1e-9, "5000 B in 1 s");
        v.evaluate(3 * I);
        assertEquals(5000 / 3.0, v.matrix(NET).weight(mac(1), mac(2)), 1e-9, "silence counts as zero");
        v.evaluate(5 * I);
        assertEquals(1000, v.matrix(NET).weight(mac(1), mac(2)), 1e-9, "the burst spread over the window");
        v.evaluate(6 * I);
        assertTrue(v.matrix(NET).isEmpty(), "the burst has left the window");
        assertTrue(v.inferred(NET).isEmpty());
    }

    @Test
    void reportsOfSeveralAgentsAreSummed() {
        Vttif v = new Vttif(config(VttifConfig.Mode.REACTIVE, I, 0));
        TrafficSample.Builder a = TrafficSample.builder(NET, 0, I);
        TrafficSample.Builder b = TrafficSample.builder(NET, 0, I);
        for (int i = 0; i < 8; i++) {
            (i < 4 ? a : b).pair(mac(i), mac((i + 1) % 8), 10, 10_000);
        }
        b.pair(mac(0), mac(1), 10, 10_000);
        List<TopologyChange> changes = v.update(I, List.of(a.build(), b.build()));
        assertEquals(TopologyClass.RING, changes.get(0).newTopology().topologyClass());
        assertEquals(20_000, v.matrix(NET).weight(mac(0), mac(1)), 1e-9);
        assertEquals(10_000, v.matrix(NET).weight(mac(5), mac(6)), 1e-9);
    }

    @Test
    void broadcastMulticastAndSelfPairsAreIgnored() {
        Vttif v = new Vttif(config(VttifConfig.Mode.REACTIVE, I, 0));
        TrafficSample.Builder b = TrafficSample.builder(NET, 0, I);
        MacAddress mdns = MacAddress.parse("01:00:5e:00:00:fb");
        for (int i = 0; i < 8; i++) {
            b.pair(mac(i), mac((i + 1) % 8), 10, 10_000);
            b.pair(mac(i), MacAddress.BROADCAST, 10_000, 1_000_000);
            b.pair(mac(i), mdns, 5000, 500_000);
            b.pair(mac(i), mac(i), 5000, 500_000);
        }
        b.pair(mdns, mac(3), 5000, 500_000);
        List<TopologyChange> changes = v.update(I, List.of(b.build()));
        assertEquals(TopologyClass.RING, changes.get(0).newTopology().topologyClass());
        assertEquals(8, v.matrix(NET).size());
        assertEquals(-1, v.matrix(NET).indexOf(MacAddress.BROADCAST));
        assertEquals(-1, v.matrix(NET).indexOf(mdns));
    }

    @Test
    void pairsBelowTheMinimumRateAreIgnored() {
        TrafficSample.Builder b = TrafficSample.builder(NET, 0, 10 * I);
        for (int i = 0; i < 8; i++) {
            b.pair(mac(i), mac((i + 1) % 8), 1000, 1_000_000);
            b.pair(mac(8), mac(i), 5, 300);
            b.pair(mac(i), mac(8), 5, 300);
        }
        TrafficSample arp = b.build();
        Vttif v = new Vttif(config(VttifConfig.Mode.REACTIVE, 10 * I, 0));
        v.update(10 * I, List.of(arp));
        assertEquals(-1, v.matrix(NET).indexOf(mac(8)), "60 B/s of ARP chatter is below 100 B/s");
        assertEquals(8, v.matrix(NET).size());
        Vttif all = new Vttif(config(VttifConfig.Mode.REACTIVE, 10 * I, 0).withMinPairRate(0));
        all.update(10 * I, List.of(arp));
        assertEquals(60, all.matrix(NET).undirectedWeight(all.matrix(NET).indexOf(mac(8)),
                all.matrix(NET).indexOf(mac(0))), 1e-9);
    }

    @Test
    void networksAreInferredSeparately() {
        NetworkId other = NetworkId.of(7);
        Vttif v = new Vttif(config(VttifConfig.Mode.REACTIVE, I, 0));
        List<TopologyChange> changes = v.update(I, List.of(sample(NET, I, RING16), sample(other, I, STAR16)));
        assertEquals(2, changes.size());
        assertEquals(other, changes.get(0).network(), "ordered by network");
        assertEquals(TopologyClass.STAR, changes.get(0).newTopology().topologyClass());
        assertEquals(TopologyClass.RING, changes.get(1).newTopology().topologyClass());
        assertEquals(java.util.Set.of(NET, other), v.networks());
        assertTrue(v.forget(other));
        assertFalse(v.forget(other));
        assertEquals(Optional.empty(), v.topology(other));
    }

    @Test
    void anIdleNetworkKeepsItsTopology() {
        Vttif v = new Vttif(config(VttifConfig.Mode.REACTIVE, 2 * I, 0));
        assertEquals(1, run(v, 0, 5 * I, RING16).size());
        for (long t = 6 * I; t <= 20 * I; t += I) {
            assertTrue(v.evaluate(t).isEmpty());
        }
        assertTrue(v.inferred(NET).isEmpty());
        assertEquals(TopologyClass.RING, v.topology(NET).orElseThrow().topologyClass());
        List<TopologyChange> changes = run(v, 20 * I, 21 * I, STAR16);
        assertEquals(TopologyClass.RING, changes.get(0).oldTopology().orElseThrow().topologyClass());
    }

    @Test
    void newIntensitiesUpdateTheTopologyWithoutAnEvent() {
        Vttif v = new Vttif(config(VttifConfig.Mode.REACTIVE, I, 0));
        run(v, 0, I, RING16);
        double[][] heavier = new double[16][];
        for (int i = 0; i < 16; i++) {
            heavier[i] = RING16[i].clone();
        }
        heavier[0][1] *= 3;
        assertTrue(run(v, I, 2 * I, heavier).isEmpty());
        assertEquals(1.0, v.topology(NET).orElseThrow().intensity(mac(0), mac(1)), 1e-12);
    }

    @Test
    void timeMustNotGoBackwards() {
        Vttif v = new Vttif(VttifConfig.defaults());
        v.evaluate(5000);
        v.evaluate(5000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.evaluate(4000));
        assertTrue(e.getMessage().contains("4000") && e.getMessage().contains("5000"), e.getMessage());
    }

    @Test
    void aReportTooLateForTheWindowIsRefused() {
        Vttif v = new Vttif(config(VttifConfig.Mode.REACTIVE, 5 * I, 0));
        v.evaluate(10 * I);
        assertFalse(v.add(sample(NET, 5 * I, RING16)));
        assertTrue(v.add(sample(NET, 5 * I + 1, RING16)));
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Vttif(null));
        Vttif v = new Vttif(VttifConfig.defaults());
        assertThrows(IllegalArgumentException.class, () -> v.add(null));
        assertThrows(IllegalArgumentException.class, () -> v.update(1, null));
        assertThrows(IllegalArgumentException.class, () -> v.infer(null));
    }
}
