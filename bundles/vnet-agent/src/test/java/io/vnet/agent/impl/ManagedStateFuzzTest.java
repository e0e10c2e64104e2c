package io.vnet.agent.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The manager's desired-state documents ({@code generation, links[], rules[], quiet[]}), any JSON,
 * applied by {@link ManagedState#apply} to a data plane that already has a configured link: whatever
 * is wrong in the document comes back as its errors, nothing throws, the configured link keeps its
 * connection and networks and floods at most what it was configured to (a quiet entry may only
 * take flooding off), applying the same document again changes nothing, and the applied
 * generation never goes back.
 */
@Fuzzing
class ManagedStateFuzzTest {
    private static final LinkSpec STATIC = LinkSpec.dial("to-proxy", "proxy", Endpoint.parse("10.0.0.9:5800"), true,
            List.of(NetworkId.of(100)));

    @FuzzTest
    @DictionaryEntries({"\"generation\"", "\"links\"", "\"rules\"", "\"id\"", "\"peer\"", "\"connect\"", "\"flood\"",
            "\"transport\"", "\"vnis\"", "\"vni\"", "\"src\"", "\"dst\"", "\"to\"", "\"to-proxy\"", "link:", "interface:",
            "\"quiet\"", "\"link\""})
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
            long before = state.generation();
            List<String> first = state.apply(doc, false);
            assertTrue(state.generation() >= before, "the applied generation never goes back");
            LinkSpec now = dp.links().stream().filter(l -> l.id().equals(STATIC.id())).findFirst().orElse(null);
            assertTrue(now != null && STATIC.sameConnection(now) && STATIC.networks().equals(now.networks())
                    && STATIC.flooded().containsAll(now.flooded()), "the configured link keeps all but some flooding: " + now);
            List<?> links = dp.links();
            List<?> rules = dp.rules();
            List<String> again = state.apply(doc, false);
            assertEquals(links, dp.links(), "the same document applied twice changes nothing");
            assertEquals(rules, dp.rules(), "the same document applied twice changes nothing");
            assertTrue(again.isEmpty() || again.equals(first) && first.get(0).contains("refused: older"),
                    "the same generation again is no error (an older one is refused again, the same way): " + again);
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
