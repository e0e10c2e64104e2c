package io.vnet.agent.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.dataplane.TrafficGrowth;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A report names its largest pairs and aggregates the rest per network, so all bytes are there. */
class ReportTrafficTest {
    private static MacAddress mac(long i) {
        return MacAddress.of(0x0200_0000_0000L + i);
    }

    private static long bytes(JsonNode array, int vni) {
        long sum = 0;
        for (JsonNode e : array) {
            if (e.path("vni").asInt() == vni) {
                sum += e.path("bytes").asLong();
            }
        }
        return sum;
    }

    @Test
    void aHundredThousandPairsAreReportedAsTheLargestFirstAndTheRestPerNetwork() {
        SplittableRandom random = new SplittableRandom(4);
        List<PairCount> pairs = new ArrayList<>();
        long[] total = new long[3];
        for (int i = 0; i < 100_000; i++) {
            int vni = 1 + i % 2;
            long b = 64 + random.nextInt(100_000);
            pairs.add(new PairCount(NetworkId.of(vni), mac(i), mac(i + 1_000_000), 1, b, i % 7 == 0));
            total[vni] += b;
        }
        TrafficGrowth growth = new TrafficGrowth(pairs, List.of(new TrafficGrowth.Overflow(NetworkId.of(2), 10, 6400)), 9);
        total[2] += 6400;
        ObjectNode r = Json.object();
        ReportTraffic.write(r, growth);
        JsonNode named = r.path("pairs");
        assertEquals(ManagerProtocol.MAX_REPORT_PAIRS, named.size());
        for (int i = 1; i < named.size(); i++) {
            assertTrue(named.get(i - 1).path("bytes").asLong() >= named.get(i).path("bytes").asLong(), "largest first");
        }
        long smallestNamed = named.get(named.size() - 1).path("bytes").asLong();
        long largestLeftOut = pairs.stream().mapToLong(PairCount::bytes).sorted().skip(100_000 - ManagerProtocol.MAX_REPORT_PAIRS - 1)
                .findFirst().orElseThrow();
        assertTrue(largestLeftOut <= smallestNamed);
        JsonNode rest = r.path("rest");
        assertEquals(2, rest.size(), "one entry per network");
        for (int vni = 1; vni <= 2; vni++) {
            assertEquals(total[vni], bytes(named, vni) + bytes(rest, vni), "network " + vni + ": every byte once");
        }
        assertEquals(100_000 - ManagerProtocol.MAX_REPORT_PAIRS,
                rest.get(0).path("pairs").asLong() + rest.get(1).path("pairs").asLong());
        assertEquals(9, r.path("refusedPairs").asLong());
    }

    @Test
    void aSmallReportNamesEveryPairAndOnlyTheOverflowIsRest() {
        TrafficGrowth growth = new TrafficGrowth(List.of(new PairCount(NetworkId.of(3), mac(1), mac(2), 2, 200, false)),
                List.of(new TrafficGrowth.Overflow(NetworkId.of(3), 5, 500)), 4);
        ObjectNode r = Json.object();
        ReportTraffic.write(r, growth);
        assertEquals(1, r.path("pairs").size());
        assertEquals("{\"vni\":3,\"pairs\":0,\"frames\":5,\"bytes\":500}", r.path("rest").get(0).toString());
        ObjectNode quiet = Json.object();
        ReportTraffic.write(quiet, TrafficGrowth.NONE);
        assertEquals(0, quiet.path("rest").size());
        assertEquals(0, quiet.path("pairs").size());
    }
}
