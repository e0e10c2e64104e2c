package io.vnet.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The manager's owners message, written within the protocol's bounds and read defensively. */
class OwnersMessageTest {
    private static final MacAddress A = MacAddress.parse("52:54:00:00:00:01");
    private static final MacAddress B = MacAddress.parse("52:54:00:00:00:02");

    @Test
    void whatIsWrittenIsReadBack() {
        Map<NetworkId, Map<MacAddress, String>> owners = new LinkedHashMap<>();
        owners.put(NetworkId.of(100), Map.of(A, "h1"));
        owners.put(NetworkId.of(200), Map.of(B, "h2"));
        ObjectNode m = OwnersMessage.write(owners);
        assertEquals(ManagerProtocol.OWNERS, m.path("type").asText());
        assertEquals(0, m.path("omitted").asLong());
        OwnersMessage.Read r = OwnersMessage.read(m);
        assertEquals(owners, r.owners());
        assertEquals(0, r.skipped());
    }

    @Test
    void writingStopsAtTheBoundsAndSaysHowManyItLeftOut() {
        Map<MacAddress, String> many = new LinkedHashMap<>();
        for (int i = 0; i < ManagerProtocol.MAX_OWNERS_PER_NETWORK + 3; i++) {
            many.put(MacAddress.of(0x5254_0000_0000L + i), "h1");
        }
        ObjectNode m = OwnersMessage.write(Map.of(NetworkId.of(100), many));
        assertEquals(3, m.path("omitted").asLong());
        assertEquals(ManagerProtocol.MAX_OWNERS_PER_NETWORK, m.path("networks").get(0).path("owners").size());
    }

    @Test
    void badEntriesAreSkippedAndCountedTheRestIsKept() {
        ObjectNode m = Json.object();
        ArrayNode nets = m.putArray("networks");
        nets.addObject().put("vni", 0).putArray("owners");
        nets.addObject().put("vni", "100").putArray("owners");
        ArrayNode list = nets.addObject().put("vni", 100).putArray("owners");
        list.addObject().put("mac", A.toString()).put("host", "h1");
        list.addObject().put("mac", A.toString()).put("host", "h2");
        list.addObject().put("mac", "01:00:5e:00:00:01").put("host", "h1");
        list.addObject().put("mac", B.toString()).put("host", "");
        list.addObject().put("mac", 5).put("host", "h1");
        list.add("text");
        nets.addObject().put("vni", 100).putArray("owners");
        nets.addObject().put("vni", 300).put("owners", "none");
        nets.add(7);
        OwnersMessage.Read r = OwnersMessage.read(m);
        assertEquals(Map.of(NetworkId.of(100), Map.of(A, "h1")), r.owners());
        assertEquals(10, r.skipped());
        assertEquals(OwnersMessage.MAX_ERRORS, r.errors().size());
    }

    @Test
    void aMessageWithoutNetworksIsOneSkippedEntry() {
        for (JsonNode m : List.of(Json.object(), Json.object().put("networks", 3), Json.array())) {
            OwnersMessage.Read r = OwnersMessage.read(m);
            assertEquals(Map.of(), r.owners());
            assertEquals(1, r.skipped());
            assertTrue(r.errors().get(0).startsWith("networks"), r.errors().toString());
        }
        assertEquals(1, OwnersMessage.read(null).skipped());
    }
}
