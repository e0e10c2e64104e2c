package io.vnet.agent.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.protocol.Json;
import io.vnet.protocol.OwnersMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The owned addresses the data plane gets from this host's own VMs and the manager's word. */
class MacOwnershipTest {
    private static final NetworkId N100 = NetworkId.of(100);
    private static final NetworkId N200 = NetworkId.of(200);
    private static final MacAddress MINE = MacAddress.parse("52:54:00:00:00:01");
    private static final MacAddress THEIRS = MacAddress.parse("52:54:00:00:00:02");
    private static final MacAddress LEFT = MacAddress.parse("52:54:00:00:00:03");

    private final MemoryDataPlane dp = new MemoryDataPlane();
    private final MacOwnership owners = new MacOwnership(dp, "h1");

    private static JsonNode message(Map<NetworkId, Map<MacAddress, String>> owners) {
        return OwnersMessage.write(owners);
    }

    @Test
    void theManagersOwnersElsewhereAndThisHostsOwnVmsHere() {
        owners.local(Map.of(N100, Set.of(MINE)));
        Map<MacAddress, String> n100 = new LinkedHashMap<>();
        n100.put(MINE, "h1");
        n100.put(THEIRS, "h2");
        owners.fromManager(message(Map.of(N100, n100)));
        assertEquals(Map.of(N100, List.of(MINE + " here", THEIRS + " elsewhere")), dp.owners);
        assertEquals("1 here, 1 elsewhere (1 update(s) from the manager)", owners.describe());
    }

    @Test
    void thisHostsKnowledgeOfItsVmsWinsOverTheManagersLaggingWord() {
        // LEFT migrated away (libvirt said so) and THEIRS arrived here; the manager has not heard yet
        owners.local(Map.of(N100, Set.of(THEIRS)));
        Map<MacAddress, String> n100 = new LinkedHashMap<>();
        n100.put(LEFT, "h1");
        n100.put(THEIRS, "h2");
        owners.fromManager(message(Map.of(N100, n100)));
        assertEquals(Map.of(N100, List.of(THEIRS + " here")), dp.owners, "LEFT is owned by no one until the manager catches up");
    }

    @Test
    void aNetworkNoSourceNamesAnyMoreIsEmptied() {
        owners.local(Map.of(N100, Set.of(MINE)));
        owners.fromManager(message(Map.of(N200, Map.of(THEIRS, "h2"))));
        assertEquals(Map.of(N100, List.of(MINE + " here"), N200, List.of(THEIRS + " elsewhere")), dp.owners);
        owners.local(Map.of());
        owners.fromManager(message(Map.of()));
        assertEquals(Map.of(), dp.owners);
    }

    @Test
    void aBadMessageIsReadAsFarAsItGoesAndCounted() {
        JsonNode bad = Json.object().put("type", "owners").set("networks", Json.array()
                .add(Json.object().put("vni", 100).set("owners", Json.array()
                        .add(Json.object().put("mac", "ff:ff:ff:ff:ff:ff").put("host", "h2"))
                        .add(Json.object().put("mac", THEIRS.toString()).put("host", "not a host id"))
                        .add(Json.object().put("mac", LEFT.toString()).put("host", "h3")))));
        owners.fromManager(bad);
        assertEquals(Map.of(N100, List.of(LEFT + " elsewhere")), dp.owners);
        assertTrue(owners.describe().endsWith(", 2 skipped, 0 refused at the cap"), owners.describe());
    }
}
