package io.vnet.agent.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.Endpoint;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.dataplane.TrafficGrowth;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The manager client's messages stay bounded whatever the data plane holds: a host whose VM
 * forged a million source addresses still says a hello far below the message limit, so it can
 * always register, and its report names at most {@link ManagerProtocol#MAX_REPORT_PAIRS} pairs.
 */
class ManagerClientMessagesTest {
    private static final NetworkId NET = NetworkId.of(0xFF_FFFF);
    private MemoryDataPlane dp;
    private ManagerClient client;

    @BeforeEach
    void setUp() {
        dp = new MemoryDataPlane();
        dp.addNetwork(NET);
        client = new ManagerClient(java.util.List.of(Endpoint.parse("127.0.0.1:1")), "ha", "host", Endpoint.parse("10.0.0.1:5800"), dp,
                new ManagedState(dp, Set.of(), Set.of(), null), 1000, null, "manager");
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private static MacAddress mac(long i) {
        return MacAddress.of(0x0200_0000_0000L + i);
    }

    @Test
    void aHelloFromAMillionLearnedAddressesStaysFarBelowTheLimitAndSaysWhatItLeftOut() throws Exception {
        List<MacAddress> learned = new ArrayList<>(1_000_000);
        for (int i = 0; i < 1_000_000; i++) {
            learned.add(mac(i));
        }
        dp.localMacs = Map.of(NET, learned);
        ObjectNode hello = client.hello();
        int size = Json.MAPPER.writeValueAsBytes(hello).length;
        assertTrue(size < 1 << 20, size + " bytes: under 1 MiB, the limit is " + ManagerProtocol.MAX_MESSAGE);
        assertEquals(ManagerProtocol.MAX_MACS_PER_NETWORK, hello.path("macs").size());
        assertEquals(1_000_000 - ManagerProtocol.MAX_MACS_PER_NETWORK, hello.path("macsOmitted").asInt());
        assertEquals(ManagerProtocol.HELLO, hello.path("type").asText());
    }

    @Test
    void aReportOfAHundredThousandPairsIsBounded() throws Exception {
        List<PairCount> pairs = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < 100_000; i++) {
            pairs.add(new PairCount(NET, mac(i), mac(i + 500_000), Long.MAX_VALUE / 2, Long.MAX_VALUE / 200_000 - i, false));
            total += Long.MAX_VALUE / 200_000 - i;
        }
        ObjectNode report = client.report(new TrafficGrowth(pairs, List.of(), 0));
        assertEquals(ManagerProtocol.MAX_REPORT_PAIRS, report.path("pairs").size());
        long named = 0;
        for (var p : report.path("pairs")) {
            named += p.path("bytes").asLong();
        }
        assertEquals(total, named + report.path("rest").get(0).path("bytes").asLong());
        int size = Json.MAPPER.writeValueAsBytes(report).length;
        assertTrue(size < 1 << 20, size + " bytes");
        assertEquals(1, report.path("seq").asLong());
    }

    @Test
    void theManagersRevokedListGoesToTheDataPlaneAndABadOneChangesNothing() throws Exception {
        String f = "ab".repeat(32);
        client.revoked(Json.MAPPER.readTree("[\"" + f + "\", \"cd\"]"));
        assertEquals(List.of(f, "cd"), dp.revoked, "handed to the data plane as sent (it refuses and counts what is not a fingerprint)");
        client.revoked(Json.MAPPER.readTree("{\"a\": 1}"));
        client.revoked(Json.MAPPER.readTree("[\"" + f + "\", 7]"));
        assertEquals(List.of(f, "cd"), dp.revoked, "not an array of strings: ignored");
        client.revoked(Json.MAPPER.readTree("[]"));
        assertEquals(List.of(), dp.revoked, "an empty list revokes nothing any more");
    }

    /**
     * A report carries the inventory when it changed and in the report after (the manager records a VM seen in
     * two inventories in a row), not in the reports between changes.
     */
    @Test
    void reportsCarryTheInventoryWhenItChangesAndOnceMoreNotEveryTime() {
        TrafficGrowth none = new TrafficGrowth(List.of(), List.of(), 0);
        dp.localMacs = Map.of(NET, List.of(mac(1)));
        assertTrue(client.report(none).has("macs"), "the first report of a connection carries it");
        assertTrue(client.report(none).has("macs"), "and the one after");
        org.junit.jupiter.api.Assertions.assertFalse(client.report(none).has("macs"), "then not while nothing changes");
        org.junit.jupiter.api.Assertions.assertFalse(client.report(none).has("networks"));
        dp.localMacs = Map.of(NET, List.of(mac(1), mac(2)));
        ObjectNode changed = client.report(none);
        assertEquals(2, changed.path("macs").size(), "a new VM: carried at once");
        assertEquals(2, client.report(none).path("macs").size(), "and in the report after");
        org.junit.jupiter.api.Assertions.assertFalse(client.report(none).has("macs"));
    }
}
