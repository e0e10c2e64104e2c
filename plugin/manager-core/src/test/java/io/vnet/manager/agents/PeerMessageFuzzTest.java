package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.NetworkId;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.Rejections;
import io.vnet.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What another manager of the cluster says ({@link PeerMessage}): read, a message is taken whole or
 * refused with an {@link IllegalArgumentException}; what is taken writes back as it was read; a relayed
 * applied message's parts are VNIs and generations; a report narrowed to a manager's networks keeps only
 * entries of its networks.
 */
@Fuzzing
class PeerMessageFuzzTest {
    @FuzzTest
    @DictionaryEntries({"\"type\"", "\"peer-hello\"", "\"relay\"", "\"part\"", "\"applied\"", "\"gone\"", "\"managerId\"",
            "\"protocol\"", "\"host\"", "\"msg\"", "\"identity\"", "\"role\"", "\"tenant\"", "\"security\"", "\"remote\"",
            "\"vni\"", "\"generation\"", "\"parts\"", "\"pairs\"", "\"rest\"", "\"manager\"", "\"proxy\""})
    void peer(byte[] input) {
        JsonNode m;
        try {
            m = Json.MAPPER.readTree(new String(input, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            return; // the channel's decoder takes JSON only
        }
        Rejections.onlyIllegalArgument(() -> {
            PeerMessage p = PeerMessage.read(m);
            PeerMessage again = PeerMessage.read(p.toJson());
            assertEquals(p.toJson(), again.toJson(), "written back as read");
            if (p instanceof PeerMessage.Relay r) {
                if (PeerMessage.APPLIED.equals(r.type())) {
                    Map<Integer, Long> parts = PeerMessage.parts(r.msg());
                    assertTrue(parts.size() <= PeerMessage.MAX_PARTS);
                    parts.keySet().forEach(NetworkId::of);
                }
                if (r.msg().isObject()) {
                    JsonNode narrowed = Relay.onlyOwnedBy(r.msg(), Map.of(NetworkId.of(100), "m2"), "m2");
                    for (String f : new String[] {"pairs", "rest"}) {
                        narrowed.path(f).forEach(e -> assertEquals(100, e.path("vni").asInt(), f + ": " + e));
                    }
                }
            }
            return p;
        });
    }
}
