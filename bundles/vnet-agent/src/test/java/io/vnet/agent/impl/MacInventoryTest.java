package io.vnet.agent.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bounded list of VM addresses an agent gives the manager. */
class MacInventoryTest {
    private static MacAddress mac(long i) {
        return MacAddress.of(0x0200_0000_0000L + i);
    }

    private static List<MacAddress> macs(long from, int count) {
        List<MacAddress> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(mac(from + i));
        }
        return out;
    }

    private static Map<Integer, Integer> perNetwork(ObjectNode m) {
        Map<Integer, Integer> out = new HashMap<>();
        m.path("macs").forEach(e -> out.merge(e.path("vni").asInt(), 1, Integer::sum));
        return out;
    }

    @Test
    void aNetworkListsAtMostItsShareAndSaysHowManyItLeftOut() {
        ObjectNode m = Json.object();
        int omitted = MacInventory.write(m, Map.of(), Map.of(NetworkId.of(5), macs(0, 1_000_000)));
        assertEquals(ManagerProtocol.MAX_MACS_PER_NETWORK, m.path("macs").size());
        assertEquals(1_000_000 - ManagerProtocol.MAX_MACS_PER_NETWORK, omitted);
        assertEquals(omitted, m.path("macsOmitted").asInt());
        assertEquals(mac(0).toString(), m.path("macs").get(0).path("mac").asText(), "in address order");
    }

    @Test
    void networksShareTheTotalFairly() {
        Map<NetworkId, List<MacAddress>> learned = new HashMap<>();
        for (int n = 1; n <= 5; n++) {
            learned.put(NetworkId.of(n), macs(n * 100_000L, 10_000));
        }
        learned.put(NetworkId.of(9), macs(900_000, 10));
        ObjectNode m = Json.object();
        int omitted = MacInventory.write(m, Map.of(), learned);
        assertEquals(ManagerProtocol.MAX_MACS, m.path("macs").size());
        assertEquals(50_010 - ManagerProtocol.MAX_MACS, omitted);
        Map<Integer, Integer> per = perNetwork(m);
        assertEquals(10, per.get(9), "a small network keeps all its addresses");
        for (int n = 1; n <= 5; n++) {
            int share = per.get(n);
            assertEquals(true, share >= (ManagerProtocol.MAX_MACS - 10) / 5 && share <= (ManagerProtocol.MAX_MACS - 10) / 5 + 4,
                    "network " + n + " gets an equal share, " + share);
        }
    }

    @Test
    void theAddressesOfRegisteredVmsComeFirst() {
        NetworkId net = NetworkId.of(7);
        ObjectNode m = Json.object();
        MacInventory.write(m, Map.of(net, List.of(mac(900), mac(5))), Map.of(net, macs(0, 10)), 4, 100);
        List<String> listed = new ArrayList<>();
        for (JsonNode e : m.path("macs")) {
            listed.add(e.path("mac").asText());
        }
        assertEquals(List.of(mac(5).toString(), mac(900).toString(), mac(0).toString(), mac(1).toString()), listed);
        assertEquals(7, m.path("macsOmitted").asInt(), "11 addresses: 5 is both registered and learned");
    }

    @Test
    void theLongestListFitsFarBelowTheMessageLimit() throws Exception {
        Map<NetworkId, List<MacAddress>> learned = new HashMap<>();
        for (int n = 0; n < 8; n++) {
            learned.put(NetworkId.of(0xFF_FFFF - n), macs(n * 100_000L, 10_000));
        }
        ObjectNode m = Json.object();
        MacInventory.write(m, Map.of(), learned);
        int size = Json.MAPPER.writeValueAsBytes(m.path("macs")).length;
        assertEquals(true, size <= ManagerProtocol.MAX_MACS * 43 + 1, size + " bytes");
    }
}
