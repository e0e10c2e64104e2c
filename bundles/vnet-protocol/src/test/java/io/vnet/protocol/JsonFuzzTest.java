package io.vnet.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.Rejections;
import java.nio.charset.StandardCharsets;

/**
 * The model's JSON readers (links, rules, quiet links, rule keys, VNI lists) on any document: each accepts it
 * or refuses it with an {@link IllegalArgumentException} naming the field, and what it accepts
 * survives a round trip through the writers unchanged.
 */
@Fuzzing
class JsonFuzzTest {
    @FuzzTest
    @DictionaryEntries({"\"id\"", "\"peer\"", "\"connect\"", "\"flood\"", "\"transport\"", "\"vnis\"", "\"vxlan\"",
            "\"tcp\"", "\"vni\"", "\"src\"", "\"dst\"", "\"to\"", "\"any\"", "\"links\"", "\"rules\"", "link:",
            "interface:", "02:00:00:00:00:01", "10.0.0.1:5800", "[::1]:4789", "16777215", "\"quiet\"", "\"link\""})
    void readers(byte[] input) {
        JsonNode doc = document(input);
        if (doc == null) {
            return;
        }
        Rejections.onlyIllegalArgument(() -> Json.links(doc.path("links"), "links"))
                .ifPresent(links -> links.forEach(JsonFuzzTest::roundTrips));
        Rejections.onlyIllegalArgument(() -> Json.rules(doc.path("rules"), "rules"))
                .ifPresent(rules -> rules.forEach(JsonFuzzTest::roundTrips));
        Rejections.onlyIllegalArgument(() -> Json.quietLinks(doc.path("quiet"), "quiet"))
                .ifPresent(quiet -> quiet.forEach(q -> assertEquals(q, Json.quiet(Json.write(q), "again"),
                        "a quiet link read, written and read again")));
        Rejections.onlyIllegalArgument(() -> Json.link(doc, "")).ifPresent(JsonFuzzTest::roundTrips);
        Rejections.onlyIllegalArgument(() -> Json.rule(doc, "")).ifPresent(JsonFuzzTest::roundTrips);
        Rejections.onlyIllegalArgument(() -> Json.ruleKey(doc, "", true));
        Rejections.onlyIllegalArgument(() -> Json.networks(doc, "", "vnis", 4));
        Rejections.onlyIllegalArgument(() -> Tls.Files.parse(doc, null));
    }

    /** The document, or null if the text is not JSON at all (the transport refuses those). */
    static JsonNode document(byte[] input) {
        try {
            return Json.MAPPER.readTree(new String(input, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static void roundTrips(LinkSpec l) {
        assertEquals(l, Json.link(Json.write(l), "again"), "a link read, written and read again");
    }

    private static void roundTrips(ForwardingRule r) {
        assertEquals(r, Json.rule(Json.write(r), "again"), "a rule read, written and read again");
    }
}
