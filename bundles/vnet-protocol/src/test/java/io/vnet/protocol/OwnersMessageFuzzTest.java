package io.vnet.protocol;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.fuzz.Fuzzing;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Any JSON as the manager's owners message: {@link OwnersMessage#read} never throws, keeps within
 * the protocol's bounds, and keeps only unicast addresses on valid host ids.
 */
@Fuzzing
class OwnersMessageFuzzTest {
    @FuzzTest
    @DictionaryEntries({"\"networks\"", "\"vni\"", "\"owners\"", "\"mac\"", "\"host\"", "52:54:00:00:00:01", "\"h1\""})
    void read(byte[] input) {
        JsonNode doc;
        try {
            doc = Json.MAPPER.readTree(new String(input, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            return; // the channel's decoder refuses what is not JSON
        }
        OwnersMessage.Read r = OwnersMessage.read(doc);
        int total = 0;
        for (Map.Entry<NetworkId, Map<MacAddress, String>> n : r.owners().entrySet()) {
            assertTrue(n.getValue().size() <= ManagerProtocol.MAX_OWNERS_PER_NETWORK);
            total += n.getValue().size();
            n.getValue().forEach((mac, host) -> {
                assertTrue(!mac.isGroup(), "a group address kept: " + mac);
                assertTrue(!host.isEmpty(), "an empty host kept");
            });
        }
        assertTrue(total <= ManagerProtocol.MAX_OWNERS);
        assertTrue(r.errors().size() <= OwnersMessage.MAX_ERRORS);
    }
}
