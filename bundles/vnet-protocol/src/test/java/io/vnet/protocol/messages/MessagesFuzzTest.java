package io.vnet.protocol.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.Rejections;
import io.vnet.protocol.Json;
import java.nio.charset.StandardCharsets;

/**
 * The typed readers of the agent–manager messages ({@link AgentMessage#read}, {@link
 * ManagerMessage#read}) on any JSON object: each accepts it or refuses it with an {@link
 * IllegalArgumentException} that says why, and what it accepts is written and read again to the
 * same JSON (a second read changes nothing).
 */
@Fuzzing
class MessagesFuzzTest {
    @FuzzTest
    @DictionaryEntries({"\"type\"", "\"hello\"", "\"report\"", "\"ack\"", "\"vms\"", "\"state\"", "\"revoked\"",
            "\"owners\"", "\"hostId\"", "\"networks\"", "\"macs\"", "\"vni\"", "\"mac\"", "\"vms\"", "\"uuid\"", "\"nics\"",
            "\"pairs\"", "\"rest\"", "\"links\"", "\"rules\"", "\"generation\"", "\"fingerprints\"", "\"intervalMs\"",
            "02:00:00:00:00:01", "\"src\"", "\"dst\"", "\"frames\"", "\"bytes\"", "\"id\"", "\"peer\"", "\"vnis\"",
            "\"to\"", "link:"})
    void read(byte[] input) {
        JsonNode doc = document(input);
        if (doc == null || !doc.isObject()) {
            return; // the codec passes on JSON objects only (ManagerProtocolFuzzTest)
        }
        Rejections.onlyIllegalArgument(() -> AgentMessage.read(doc)).ifPresent(m -> {
            JsonNode once = m.toJson();
            assertEquals(once, AgentMessage.read(once).toJson(), "an agent message written, read and written again");
        });
        Rejections.onlyIllegalArgument(() -> ManagerMessage.read(doc)).ifPresent(m -> {
            JsonNode once = m.toJson();
            assertEquals(once, ManagerMessage.read(once).toJson(), "a manager message written, read and written again");
        });
    }

    static JsonNode document(byte[] input) {
        try {
            return Json.MAPPER.readTree(new String(input, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
