package io.vnet.agent.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.Endpoint;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.fuzz.Fuzzing;
import io.vnet.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * The manager's desired-state documents ({@code generation, links[], rules[]}), any JSON, applied
 * by {@link ManagedState#apply} to a data plane that already has a configured link: whatever is
 * wrong in the document comes back as its errors, nothing throws, the configured link is never
 * touched, and applying the same generation again changes nothing.
 */
@Fuzzing
class ManagedStateFuzzTest {
    private static final LinkSpec STATIC = LinkSpec.dial("to-proxy", "proxy", Endpoint.parse("10.0.0.9:5800"), true,
            List.of(NetworkId.of(100)));

    @FuzzTest
    @DictionaryEntries({"\"generation\"", "\"links\"", "\"rules\"", "\"id\"", "\"peer\"", "\"connect\"", "\"flood\"",
            "\"transport\"", "\"vnis\"", "\"vni\"", "\"src\"", "\"dst\"", "\"to\"", "\"to-proxy\"", "link:", "interface:"})
    void apply(byte[] input) {
        String[] docs = new String(input, StandardCharsets.UTF_8).split("\n", 3);
        MemoryDataPlane dp = new MemoryDataPlane();
        dp.addNetwork(NetworkId.of(100));
        dp.addLink(STATIC);
        ManagedState state = new ManagedState(dp, Set.of(STATIC.id()), Set.of(), null);
        for (String text : docs) {
            JsonNode doc = document(text);
            if (doc == null) {
                continue; // the manager channel's decoder refuses what is not a JSON object
            }
            state.apply(doc, false);
            assertEquals(STATIC, dp.links().stream().filter(l -> l.id().equals(STATIC.id())).findFirst().orElse(null),
                    "the configured link is left alone");
            List<String> again = state.apply(doc, false);
            assertEquals(List.of(), again, "the same generation applied twice changes nothing");
        }
    }

    private static JsonNode document(String text) {
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            return n != null && n.isObject() ? n : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
