package io.vnet.manager.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.api.UnpairedTraffic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A network's rate counts the traffic a report aggregated without pairs, not only its named pairs. */
class RateMeterRestTest {
    private static final NetworkId NET = NetworkId.of(7);

    @Test
    void theRestOfAReportCountsForItsNetworksRate() {
        RateMeter m = new RateMeter();
        PairCount named = new PairCount(NET, MacAddress.parse("02:00:00:00:00:01"), MacAddress.parse("02:00:00:00:00:02"),
                10, 3000, false);
        m.onReport("ha", 1000, 1000, List.of(named), List.of(new UnpairedTraffic(NET, 500, 500, 7000),
                new UnpairedTraffic(NetworkId.of(8), 0, 1, 64)));
        assertEquals(10_000, m.rate(NET, 0, 1000), 1e-9, "3000 B named and 7000 B in the rest, in 1 s");
        assertEquals(64, m.rate(NetworkId.of(8), 0, 1000), 1e-9, "a network with only a rest has a rate too");
        m.onReport("hb", 1000, 1000, List.of(named));
        assertEquals(13_000, m.rate(NET, 0, 1000), 1e-9, "a report without a rest");
    }
}
