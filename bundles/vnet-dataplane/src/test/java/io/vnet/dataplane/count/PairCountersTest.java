package io.vnet.dataplane.count;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PairCountersTest {
    private static Map<String, PairCounters.Count> byKey(List<PairCounters.Count> counts) {
        return counts.stream().collect(Collectors.toMap(c -> c.vni() + "/" + c.src() + "/" + c.dst(), c -> c));
    }

    @Test
    void countsFramesAndBytesPerNetworkAndPair() {
        PairCounters p = new PairCounters();
        p.count(100, 1, 2, 100);
        p.count(100, 1, 2, 60);
        p.count(100, 2, 1, 42);
        p.count(101, 1, 2, 1500);
        Map<String, PairCounters.Count> m = byKey(p.snapshot());
        assertEquals(3, m.size());
        assertEquals(2, m.get("100/1/2").frames());
        assertEquals(160, m.get("100/1/2").bytes());
        assertEquals(42, m.get("100/2/1").bytes());
        assertEquals(1500, m.get("101/1/2").bytes());
    }

    @Test
    void networkAndAddressesSurviveThePackingAtTheirLimits() {
        PairCounters p = new PairCounters();
        long maxMac = 0xFFFF_FFFF_FFFFL;
        p.count(0xFF_FFFF, maxMac, 0, 64);
        p.count(1, 0, maxMac, 64);
        p.count(0x01_0000, 0x0200_0000_0001L, 0x0200_0000_0002L, 64);
        Map<String, PairCounters.Count> m = byKey(p.snapshot());
        assertEquals(1, m.get(0xFF_FFFF + "/" + maxMac + "/0").frames());
        assertEquals(1, m.get("1/0/" + maxMac).frames());
        assertEquals(1, m.get(0x01_0000 + "/" + 0x0200_0000_0001L + "/" + 0x0200_0000_0002L).frames());
    }

    @Test
    void growsPastItsFirstCapacityWithoutLosingCounts() {
        PairCounters p = new PairCounters();
        int pairs = 5000;
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < pairs; i++) {
                p.count(7, i, i + 1_000_000L, 10);
            }
        }
        List<PairCounters.Count> s = p.snapshot();
        assertEquals(pairs, s.size());
        for (PairCounters.Count c : s) {
            assertEquals(3, c.frames());
            assertEquals(30, c.bytes());
        }
    }

    @Test
    void concurrentWritersAreMergedExactly() throws Exception {
        PairCounters p = new PairCounters();
        int threads = 4;
        int perThread = 200_000;
        CountDownLatch start = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    p.count(100, i % 50, 99, 100);
                }
            });
            ts[t].start();
        }
        start.countDown();
        // a reader while the writers run sees monotone, never torn, totals
        long last = 0;
        for (int i = 0; i < 50; i++) {
            long total = p.snapshot().stream().mapToLong(PairCounters.Count::frames).sum();
            assertEquals(true, total >= last, "totals never go back");
            last = total;
        }
        for (Thread t : ts) {
            t.join();
        }
        List<PairCounters.Count> s = p.snapshot();
        assertEquals(50, s.size());
        assertEquals((long) threads * perThread, s.stream().mapToLong(PairCounters.Count::frames).sum());
        assertEquals((long) threads * perThread * 100, s.stream().mapToLong(PairCounters.Count::bytes).sum());
    }
}
