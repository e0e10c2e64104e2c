package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.api.UnpairedTraffic;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the manager reads a report's traffic: named pairs, the rest per network, and its bound. */
class TrafficReportTest {
    private static String mac(long i) {
        return MacAddress.of(0x0200_0000_0000L + i).toString();
    }

    @Test
    void pairsAndRestAreReadAndBadEntriesSkipped() throws Exception {
        TrafficReport r = TrafficReport.read(Json.MAPPER.readTree("{\"type\":\"report\",\"pairs\":["
                + "{\"vni\":5,\"src\":\"" + mac(1) + "\",\"dst\":\"" + mac(2) + "\",\"frames\":2,\"bytes\":300},"
                + "{\"vni\":5,\"src\":\"nonsense\",\"dst\":\"" + mac(2) + "\",\"frames\":2,\"bytes\":300}],"
                + "\"rest\":[{\"vni\":5,\"pairs\":7,\"frames\":70,\"bytes\":7000},{\"vni\":6,\"pairs\":0,\"frames\":1,"
                + "\"bytes\":64},{\"vni\":6,\"pairs\":-1,\"frames\":1,\"bytes\":64}],\"refusedPairs\":3}"));
        assertEquals(List.of(new PairCount(NetworkId.of(5), MacAddress.parse(mac(1)), MacAddress.parse(mac(2)), 2, 300,
                false)), r.pairs());
        assertEquals(List.of(new UnpairedTraffic(NetworkId.of(5), 7, 70, 7000), new UnpairedTraffic(NetworkId.of(6), 0, 1, 64)),
                r.rest());
        assertEquals(2, r.skipped());
        assertEquals(3, r.refusedPairs());
    }

    @Test
    void aReportFromBeforeTheBoundKeepsItsLargestPairsAndAddsTheOthersToItsRest() {
        ObjectNode report = Json.object().put("type", "report");
        ArrayNode pairs = report.putArray("pairs");
        long total = 0;
        for (int i = 0; i < 100_000; i++) {
            pairs.addObject().put("vni", 9).put("src", mac(i)).put("dst", mac(i + 200_000)).put("frames", 1)
                    .put("bytes", 64 + i);
            total += 64 + i;
        }
        report.putArray("rest").addObject().put("vni", 9).put("pairs", 1).put("frames", 1).put("bytes", 1000);
        TrafficReport r = TrafficReport.read(report);
        assertEquals(ManagerProtocol.MAX_REPORT_PAIRS, r.pairs().size());
        assertEquals(64 + 99_999, r.pairs().get(0).bytes(), "largest first");
        assertEquals(64 + 100_000 - ManagerProtocol.MAX_REPORT_PAIRS, r.pairs().get(r.pairs().size() - 1).bytes());
        UnpairedTraffic rest = r.rest().get(0);
        assertEquals(100_000 - ManagerProtocol.MAX_REPORT_PAIRS + 1, rest.pairs());
        assertEquals(total + 1000, r.pairs().stream().mapToLong(PairCount::bytes).sum() + rest.bytes(), "no byte lost");
    }
}
