package io.vnet.vttif.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.vttif.Omitted;
import io.vnet.vttif.TrafficMatrix;
import io.vnet.vttif.TrafficSample;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The window's three bounds, with small limits so that each case is easy to check by hand: the
 * pairs kept of one report, the pairs held over the window, the VMs of the matrix.
 */
class TrafficWindowBoundsTest {
    private static final NetworkId NET = NetworkId.of(5);
    private static final long WINDOW = 10_000;

    private static MacAddress mac(int i) {
        return MacAddress.of(0x0200_0000_0000L + i);
    }

    @Test
    void aReportKeepsItsLargestPairsAndCountsTheRest() {
        TrafficWindow w = new TrafficWindow(WINDOW, 100, 3, 10);
        TrafficSample.Builder b = TrafficSample.builder(NET, 0, 1000);
        long total = 0;
        for (int i = 1; i <= 6; i++) {
            b.pair(mac(i), mac(i + 10), i, i * 1000L);
            total += i * 1000L;
        }
        w.add(b.build());
        TrafficMatrix m = w.advance(1000, 0);
        assertEquals(List.of(mac(4), mac(5), mac(6), mac(14), mac(15), mac(16)), m.nodes(), "the three largest pairs");
        Omitted o = w.omitted(0);
        assertEquals(3, o.reportPairs());
        assertEquals(1000 + 2000 + 3000, o.reportBytes());
        assertEquals(total, Math.round(m.totalWeight()) + o.reportBytes(), "kept and cut add up to the report");
    }

    @Test
    void pastItsPairBoundTheWindowDropsItsOldestReportsEarly() {
        TrafficWindow w = new TrafficWindow(WINDOW, 100, 4, 8);
        for (int r = 0; r < 5; r++) {
            TrafficSample.Builder b = TrafficSample.builder(NET, r * 1000L, (r + 1) * 1000L);
            for (int i = 0; i < 4; i++) {
                b.pair(mac(100 * r + i), mac(100 * r + i + 50), 4, 4000);
            }
            assertTrue(w.add(b.build()));
        }
        assertEquals(3, w.omitted(0).earlyReports(), "8 pairs fit: the last two reports of four pairs each");
        TrafficMatrix m = w.advance(5000, 0);
        assertEquals(16, m.size());
        assertEquals(-1, m.indexOf(mac(200)), "the third report left early");
        assertEquals(2000, m.weight(mac(300), mac(350)), 1e-9, "4000 B over the 2 s the two held reports cover");
    }

    @Test
    void theMatrixKeepsTheLargestTalkersAndCountsWhatItLeavesOut() {
        TrafficWindow w = new TrafficWindow(WINDOW, 3, 100, 100);
        TrafficSample.Builder b = TrafficSample.builder(NET, 0, 1000);
        b.pair(mac(1), mac(2), 50, 50_000);
        b.pair(mac(2), mac(3), 40, 40_000);
        b.pair(mac(3), mac(1), 30, 30_000);
        for (int i = 10; i < 20; i++) {
            b.pair(mac(i), mac(1), 1, 100);
        }
        w.add(b.build());
        TrafficMatrix m = w.advance(1000, 0);
        assertEquals(List.of(mac(1), mac(2), mac(3)), m.nodes());
        Omitted o = w.omitted(0);
        assertEquals(10, o.nodes());
        assertEquals(1000, o.bytesPerSecond(), 1e-9);
        assertEquals(1, o.cappedEvaluations());
        assertEquals(121_000, m.totalWeight() + o.bytesPerSecond(), 1e-6, "kept and left out add up");
    }

    @Test
    void aByteCountThatWouldOverflowIsRefused() {
        TrafficWindow w = new TrafficWindow(WINDOW, 10, 10, 10);
        w.add(TrafficSample.builder(NET, 0, 1000).pair(mac(1), mac(2), 1, Long.MAX_VALUE).build());
        TrafficSample again = TrafficSample.builder(NET, 1000, 2000).pair(mac(1), mac(2), 1, Long.MAX_VALUE).build();
        assertThrows(IllegalArgumentException.class, () -> w.add(again));
        w.clear();
        assertTrue(w.isEmpty());
        assertTrue(w.advance(2000, 0).isEmpty());
    }

    @Test
    void boundsMustBeConsistent() {
        assertThrows(IllegalArgumentException.class, () -> new TrafficWindow(WINDOW, 1, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> new TrafficWindow(WINDOW, 10, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new TrafficWindow(WINDOW, 10, 11, 10));
        assertFalse(new TrafficWindow(WINDOW, 2, 1, 1).omitted(0).any());
    }
}
