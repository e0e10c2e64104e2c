package io.vnet.dataplane.count;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The bounds of the pair counters: a thread's table keeps at most its caps of pairs, counts every
 * other frame in its network's overflow, and estimates the pairs it refused; whatever is counted
 * where, the totals are the frames and bytes fed.
 */
class PairCountersBoundsTest {
    private static final int FRAME = 100;

    private static long frames(List<PairCounters.Count> counts) {
        return counts.stream().mapToLong(PairCounters.Count::frames).sum();
    }

    private static long overflowFrames(List<PairCounters.Overflow> overflow, int vni) {
        return overflow.stream().filter(o -> o.vni() == vni).mapToLong(PairCounters.Overflow::frames).sum();
    }

    @Test
    void aMillionDistinctPairsInOneNetworkStayAtItsCapWithTheRestCounted() {
        PairCounters p = new PairCounters();
        SplittableRandom random = new SplittableRandom(1);
        int fed = 1_000_000;
        for (int i = 0; i < fed; i++) {
            p.count(7, random.nextLong() & 0xFEFF_FFFF_FFFFL, 0x0200_0000_0001L, FRAME);
        }
        List<PairCounters.Count> pairs = p.snapshot();
        assertEquals(PairCounters.MAX_PAIRS_PER_NETWORK, pairs.size());
        List<PairCounters.Overflow> overflow = p.overflow();
        assertEquals(List.of(new PairCounters.Overflow(7, fed - PairCounters.MAX_PAIRS_PER_NETWORK,
                (long) (fed - PairCounters.MAX_PAIRS_PER_NETWORK) * FRAME)), overflow);
        assertEquals(fed, frames(pairs) + overflowFrames(overflow, 7), "every frame is counted once");
        assertEquals(fed - PairCounters.MAX_PAIRS_PER_NETWORK, p.refusedPairs(), "each refused pair once");
    }

    @Test
    void aTableStaysAtItsCapOverAllNetworksAndAFloodedNetworkLeavesRoomToTheOthers() {
        PairCounters p = new PairCounters();
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 200_000; i++) {
            p.count(1 + i % 4, random.nextLong() & 0xFEFF_FFFF_FFFFL, 0x0200_0000_0001L, FRAME);
        }
        assertEquals(PairCounters.MAX_PAIRS, p.snapshot().size());
        long overflow = p.overflow().stream().mapToLong(PairCounters.Overflow::frames).sum();
        assertEquals(200_000, frames(p.snapshot()) + overflow);

        PairCounters q = new PairCounters();
        for (int i = 0; i < 100_000; i++) {
            q.count(1, random.nextLong() & 0xFEFF_FFFF_FFFFL, 0x0200_0000_0001L, FRAME);
        }
        q.count(2, 0x0200_0000_0002L, 0x0200_0000_0003L, FRAME);
        assertEquals(1, q.snapshot().stream().filter(c -> c.vni() == 2).count(), "network 2 still gets a counter");
        assertEquals(0, overflowFrames(q.overflow(), 2));
    }

    @Test
    void theRefusedPairEstimateCountsARepeatedPairOnce() {
        PairCounters p = new PairCounters(2, 2);
        p.count(1, 1, 2, FRAME);
        p.count(1, 1, 3, FRAME);
        for (int i = 0; i < 1000; i++) {
            p.count(1, 9, 9, FRAME);
            p.count(1, 8, 8, FRAME);
        }
        assertEquals(2, p.refusedPairs());
        assertEquals(List.of(new PairCounters.Overflow(1, 2000, 2000L * FRAME)), p.overflow());
    }

    @Test
    void countingKnownAndRefusedPairsAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        PairCounters p = new PairCounters(64, 64);
        for (int round = 0; round < 3; round++) { // fills the table and warms up
            for (int i = 0; i < 200_000; i++) {
                p.count(5, i % 1000, 1, FRAME);
            }
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000_000; i++) {
            p.count(5, i % 1000, 1, FRAME);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for a million frames");
        assertEquals(1_600_000, frames(p.snapshot()) + overflowFrames(p.overflow(), 5));
    }
}
