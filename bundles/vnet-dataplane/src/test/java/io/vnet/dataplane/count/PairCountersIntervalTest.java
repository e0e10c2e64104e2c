package io.vnet.dataplane.count;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The reporter's view: {@link PairCounters#interval()} gives each interval's growth, idle pairs
 * are dropped after a whole idle interval, and the growth stays exact across that, across
 * threads and across threads that end.
 */
class PairCountersIntervalTest {
    private static final int FRAME = 64;

    private static Map<String, Long> frames(PairCounters.Counts c) {
        return c.pairs().stream().collect(Collectors.toMap(p -> p.vni() + "/" + p.src() + "/" + p.dst(),
                PairCounters.Count::frames));
    }

    private static long total(PairCounters.Counts c) {
        return c.pairs().stream().mapToLong(PairCounters.Count::frames).sum()
                + c.overflow().stream().mapToLong(PairCounters.Overflow::frames).sum();
    }

    @Test
    void eachIntervalGivesTheGrowthSinceThePreviousOne() {
        PairCounters p = new PairCounters();
        p.count(1, 1, 2, FRAME);
        p.count(1, 1, 2, FRAME);
        p.count(1, 2, 1, FRAME);
        assertEquals(Map.of("1/1/2", 2L, "1/2/1", 1L), frames(p.interval()));
        p.count(1, 1, 2, FRAME);
        PairCounters.Counts c = p.interval();
        assertEquals(Map.of("1/1/2", 1L), frames(c), "pairs that did not grow are left out");
        assertEquals(FRAME, c.pairs().get(0).bytes());
        assertEquals(Map.of(), frames(p.interval()));
    }

    @Test
    void aPairIdleForAWholeIntervalIsDroppedAndCountedAgainFromZero() {
        PairCounters p = new PairCounters();
        p.count(1, 1, 2, FRAME);
        p.count(1, 3, 4, FRAME);
        p.interval(); // ends epoch 0
        p.count(1, 1, 2, FRAME);
        p.interval(); // ends epoch 1: 3 -> 4 counted nothing in it
        p.count(1, 5, 6, FRAME); // the table prunes at its first frame of the new epoch
        assertEquals(List.of("1/1/2", "1/5/6"), p.snapshot().stream().map(c -> c.vni() + "/" + c.src() + "/" + c.dst())
                .sorted().toList(), "3 -> 4 was dropped");
        p.count(1, 3, 4, FRAME);
        p.count(1, 3, 4, FRAME);
        assertEquals(Map.of("1/5/6", 1L, "1/3/4", 2L), frames(p.interval()), "a new counter: all of it is growth");
    }

    @Test
    void aFloodTurnsOverAndEveryFrameIsReportedExactlyOnce() {
        PairCounters p = new PairCounters(1000, 500);
        SplittableRandom random = new SplittableRandom(3);
        long fed = 0;
        long reported = 0;
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 5000; i++) {
                p.count(9, random.nextLong() & 0xFEFF_FFFF_FFFFL, 1, FRAME); // a new address each frame
                p.count(9, 100, 200, FRAME); // and one conversation that goes on
                fed += 2;
            }
            PairCounters.Counts c = p.interval();
            reported += total(c);
            assertEquals(5000, frames(c).get("9/100/200"), "the live pair keeps its counter through the flood");
            assertTrue(p.snapshot().size() <= 500);
        }
        assertEquals(fed, reported);
    }

    @Test
    void pairsCountedOnSeveralThreadsAreSummedAndAnEndedThreadIsReadOnceMore() throws Exception {
        PairCounters p = new PairCounters();
        p.count(1, 1, 2, FRAME);
        Thread other = new Thread(() -> {
            for (int i = 0; i < 10; i++) {
                p.count(1, 1, 2, FRAME);
            }
        });
        other.start();
        other.join();
        assertEquals(2, p.tableCount());
        assertEquals(Map.of("1/1/2", 11L), frames(p.interval()));
        assertEquals(1, p.tableCount(), "the ended thread's table was read one last time and dropped");
        p.count(1, 1, 2, FRAME);
        assertEquals(Map.of("1/1/2", 1L), frames(p.interval()), "the dropped table's counts are not taken back");
    }

    @Test
    void overflowIsReportedAsGrowthPerNetwork() {
        PairCounters p = new PairCounters(1, 1);
        p.count(1, 1, 2, FRAME);
        p.count(1, 3, 4, FRAME);
        p.count(1, 3, 4, FRAME);
        PairCounters.Counts c = p.interval();
        assertEquals(List.of(new PairCounters.Overflow(1, 2, 2L * FRAME)), c.overflow());
        assertEquals(1, c.refusedPairs());
        p.count(1, 1, 2, FRAME);
        p.count(1, 5, 6, FRAME);
        c = p.interval();
        assertEquals(List.of(new PairCounters.Overflow(1, 1, FRAME)), c.overflow());
        assertEquals(1, c.refusedPairs());
    }
}
