package io.vnet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UnpairedTrafficTest {
    static final NetworkId N = NetworkId.of(100);

    @Test
    void addsWhatCameAndStaysAtTheLargestCountInsteadOfWrappingAround() {
        UnpairedTraffic t = UnpairedTraffic.none(N).plus(1, 10, 640).plus(2, 5, 320);
        assertEquals(new UnpairedTraffic(N, 3, 15, 960), t);
        UnpairedTraffic full = t.plus(0, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, full.frames());
        assertEquals(Long.MAX_VALUE, full.bytes());
        assertEquals(3, full.pairs());
    }

    @Test
    void noNetworkAndNegativeCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new UnpairedTraffic(null, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new UnpairedTraffic(N, -1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new UnpairedTraffic(N, 0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new UnpairedTraffic(N, 0, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> UnpairedTraffic.none(N).plus(-1, 0, 0));
    }
}
