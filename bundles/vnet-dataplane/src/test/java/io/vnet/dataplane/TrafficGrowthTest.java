package io.vnet.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two intervals' growth as one (an agent's report held back while its manager read slowly). */
class TrafficGrowthTest {
    private static final NetworkId A = NetworkId.of(1);
    private static final NetworkId B = NetworkId.of(2);
    private static final MacAddress X = MacAddress.parse("02:00:00:00:00:01");
    private static final MacAddress Y = MacAddress.parse("02:00:00:00:00:02");

    @Test
    void eachPairAndNetworkOnceWithTheCountsOfBoth() {
        TrafficGrowth first = new TrafficGrowth(List.of(new PairCount(A, X, Y, 2, 200, false),
                new PairCount(A, Y, X, 1, 60, false), new PairCount(A, X, Y, 4, 400, true)),
                List.of(new TrafficGrowth.Overflow(A, 3, 300)), 5);
        TrafficGrowth later = new TrafficGrowth(List.of(new PairCount(A, X, Y, 1, 100, false),
                new PairCount(B, X, Y, 7, 700, false)), List.of(new TrafficGrowth.Overflow(A, 1, 100),
                new TrafficGrowth.Overflow(B, 2, 20)), 1);
        TrafficGrowth both = first.plus(later);
        assertEquals(List.of(new PairCount(A, X, Y, 3, 300, false), new PairCount(A, Y, X, 1, 60, false),
                new PairCount(A, X, Y, 4, 400, true), new PairCount(B, X, Y, 7, 700, false)), both.pairs(),
                "a pair counted on the bridge (same host) is another pair than the one that entered the overlay");
        assertEquals(List.of(new TrafficGrowth.Overflow(A, 4, 400), new TrafficGrowth.Overflow(B, 2, 20)), both.overflow());
        assertEquals(6, both.refusedPairs());
        assertEquals(first, first.plus(TrafficGrowth.NONE));
        assertEquals(first.pairs(), TrafficGrowth.NONE.plus(first).pairs());
    }

    @Test
    void aSumPastTheLargestCountStaysThere() {
        TrafficGrowth big = new TrafficGrowth(List.of(new PairCount(A, X, Y, Long.MAX_VALUE - 1, Long.MAX_VALUE, false)),
                List.of(new TrafficGrowth.Overflow(A, Long.MAX_VALUE, 1)), Long.MAX_VALUE);
        TrafficGrowth both = big.plus(big);
        assertEquals(new PairCount(A, X, Y, Long.MAX_VALUE, Long.MAX_VALUE, false), both.pairs().get(0));
        assertEquals(new TrafficGrowth.Overflow(A, Long.MAX_VALUE, 2), both.overflow().get(0));
        assertEquals(Long.MAX_VALUE, both.refusedPairs());
    }
}
