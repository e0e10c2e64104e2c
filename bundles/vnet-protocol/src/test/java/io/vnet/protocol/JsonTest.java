package io.vnet.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.Endpoint;
import io.vnet.api.ForwardingRule;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.LinkSpec;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.PortStats;
import io.vnet.api.RuleTarget;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonTest {

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String error(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void linkRoundTrips() {
        for (LinkSpec l : new LinkSpec[] {
                LinkSpec.dial("to-c", "host-c", Endpoint.parse("[2001:db8::1]:5800"), true, List.of(NetworkId.of(100))),
                LinkSpec.accept("from-b", "host-b", false, List.of(NetworkId.of(7), NetworkId.of(100)))}) {
            ObjectNode o = Json.write(l);
            assertEquals(l, Json.link(o, "links[0]"));
            assertEquals("tcp", o.get("transport").asText());
        }
    }

    @Test
    void aLinkListsItsNetworks() {
        LinkSpec l = Json.link(parse("{\"id\": \"to-px\", \"peer\": \"px\", \"vnis\": [200, 100]}"), "links[0]");
        assertEquals(List.of(NetworkId.of(100), NetworkId.of(200)), l.networks());
        assertEquals("[100,200]", Json.write(l).get("vnis").toString());
        assertEquals("links[0].vnis: link to-px names no network: list the VNIs it carries, e.g. \"vnis\": [100]",
                error(() -> Json.link(parse("{\"id\": \"to-px\", \"peer\": \"px\"}"), "links[0]")));
        assertEquals("links[0].vnis[1]: expected a VNI 1..16777215, got 0",
                error(() -> Json.link(parse("{\"id\": \"l\", \"peer\": \"px\", \"vnis\": [1, 0]}"), "links[0]")));
        assertEquals("links[0].vnis: expected an array of VNIs, got string",
                error(() -> Json.link(parse("{\"id\": \"l\", \"peer\": \"px\", \"vnis\": \"100\"}"), "links[0]")));
    }

    @Test
    void aLinkFloodsAllItsNetworksOrTheOnesListed() {
        LinkSpec some = Json.link(parse("{\"id\": \"l\", \"peer\": \"px\", \"flood\": [200], \"vnis\": [100, 200]}"),
                "links[0]");
        assertEquals(List.of(NetworkId.of(200)), some.flooded());
        assertEquals("[200]", Json.write(some).get("flood").toString());
        assertEquals(some, Json.link(Json.write(some), "again"));
        LinkSpec all = Json.link(parse("{\"id\": \"l\", \"peer\": \"px\", \"flood\": [100, 200], \"vnis\": [100, 200]}"),
                "links[0]");
        assertEquals("true", Json.write(all).get("flood").toString(), "flooding every network it carries is written true");
        assertEquals("links[0].flood: link l floods network 300, which it does not carry (it carries [100])",
                error(() -> Json.link(parse("{\"id\": \"l\", \"peer\": \"px\", \"flood\": [300], \"vnis\": [100]}"),
                        "links[0]")));
        assertEquals("links[0].flood: expected true or false, got \"yes\"",
                error(() -> Json.link(parse("{\"id\": \"l\", \"peer\": \"px\", \"flood\": \"yes\", \"vnis\": [100]}"),
                        "links[0]")));
    }

    @Test
    void aQuietLinkNamesAConfiguredLinkAndItsNetworks() {
        io.vnet.api.QuietLink q = Json.quiet(parse("{\"link\": \"to-px\", \"vnis\": [200, 100, 200]}"), "quiet[0]");
        assertEquals(List.of(NetworkId.of(100), NetworkId.of(200)), q.networks());
        assertEquals(q, Json.quiet(Json.write(q), "again"));
        assertEquals("quiet[0].vnis: quiet link to-px names no network",
                error(() -> Json.quiet(parse("{\"link\": \"to-px\"}"), "quiet[0]")));
        assertTrue(error(() -> Json.quiet(parse("{\"link\": \"to-px\", \"vnis\": [1], \"x\": 1}"), "quiet[0]"))
                .contains("x"));
        assertEquals(List.of(), Json.quietLinks(parse("{}").path("quiet"), "quiet"), "none when absent");
    }

    @Test
    void linksAndRulesMustBeArrays() {
        assertEquals("links: expected an array, got object",
                error(() -> Json.links(parse("{\"links\": {\"a\": 1}}").get("links"), "links")));
        assertEquals("rules: expected an array, got string", error(() -> Json.rules(parse("\"x\""), "rules")));
    }

    @Test
    void ruleRoundTrips() {
        ForwardingRule r = new ForwardingRule(NetworkId.of(100), MacMatch.parse("02:00:00:00:00:01"),
                MacMatch.BROADCAST, RuleTarget.iface("vnet100"));
        ObjectNode o = Json.write(r);
        assertEquals("{\"vni\":100,\"src\":\"02:00:00:00:00:01\",\"dst\":\"broadcast\",\"to\":\"interface:vnet100\"}",
                o.toString());
        assertEquals(r, Json.rule(o, "rules[0]"));
    }

    @Test
    void ruleSidesDefaultToAny() {
        ForwardingRule r = Json.rule(parse("{\"vni\": 5, \"to\": \"link:x\"}"), "");
        assertEquals(MacMatch.ANY, r.src());
        assertEquals(MacMatch.ANY, r.dst());
    }

    @Test
    void strictRuleKeyRejectsATarget() {
        JsonNode n = parse("{\"vni\": 5, \"dst\": \"any\", \"to\": \"link:x\"}");
        assertEquals(new ForwardingRule.Key(NetworkId.of(5), MacMatch.ANY, MacMatch.ANY), Json.ruleKey(n, "", false));
        assertTrue(error(() -> Json.ruleKey(n, "", true)).startsWith("to: unknown field"));
    }

    @Test
    void ruleErrorsNameTheField() {
        assertTrue(error(() -> Json.rule(parse("{\"vni\": 5, \"src\": \"ff:ff:ff:ff:ff:ff\", \"to\": \"link:x\"}"), "r"))
                .startsWith("r.src: invalid rule src 'ff:ff:ff:ff:ff:ff'"));
        assertTrue(error(() -> Json.rule(parse("{\"vni\": 5, \"to\": \"link:\"}"), "r"))
                .startsWith("r.to: invalid link id ''"));
    }

    @Test
    void interfaceAndStatsAreWritten() {
        assertEquals("{\"id\":\"vnet100\",\"vni\":100,\"bridge\":\"br100\",\"mtu\":1500}",
                Json.write(new InterfaceSpec("vnet100", NetworkId.of(100), "br100", 1500)).toString());
        assertFalse(Json.write(new InterfaceSpec("t", NetworkId.of(1), null, 1500)).has("bridge"));
        Map<String, Long> drops = new LinkedHashMap<>();
        drops.put("runt", 2L);
        ObjectNode s = Json.write(new PortStats("link", "to-c", "up", "host-c", 1, 2, 3, 4, drops));
        assertEquals("up", s.get("state").asText());
        assertEquals(4, s.get("bytesOut").asLong());
        assertEquals(2, s.get("drops").get("runt").asLong());
    }

    @Test
    void integerChecksTypeAndRange() {
        JsonNode n = parse("{\"a\": 5, \"b\": \"5\", \"c\": 5.0, \"d\": 9999999999, \"e\": 99999999999999999999999}");
        assertEquals(5, Json.integer(n, "p", "a", 1, 10, null));
        assertEquals(7, Json.integer(n, "p", "missing", 1, 10, 7));
        assertEquals("p.missing: required, expected an integer 1..10", error(() -> Json.integer(n, "p", "missing", 1, 10, null)));
        assertEquals("p.b: expected an integer 1..10, got \"5\"", error(() -> Json.integer(n, "p", "b", 1, 10, null)));
        assertEquals("p.c: expected an integer 1..10, got 5.0", error(() -> Json.integer(n, "p", "c", 1, 10, null)));
        assertEquals("p.a: expected an integer 6..10, got 5", error(() -> Json.integer(n, "p", "a", 6, 10, null)));
        assertTrue(error(() -> Json.integer(n, "p", "d", 0, Integer.MAX_VALUE, null)).contains("got 9999999999"));
        assertTrue(error(() -> Json.integer(n, "p", "e", 0, Integer.MAX_VALUE, null))
                .contains("got 99999999999999999999999"));
    }

    @Test
    void textAndBoolCheckTypes() {
        JsonNode n = parse("{\"s\": \"x\", \"n\": 1, \"b\": true, \"z\": null}");
        assertEquals("x", Json.text(n, "", "s"));
        assertEquals("n: expected a string, got 1", error(() -> Json.text(n, "", "n")));
        assertEquals("z: required, expected a string", error(() -> Json.text(n, "", "z")));
        assertEquals("dflt", Json.optText(n, "", "z", "dflt"));
        assertTrue(Json.bool(n, "", "b", false));
        assertTrue(Json.bool(n, "", "missing", true));
        assertEquals("o.s: expected true or false, got \"x\"", error(() -> Json.bool(n, "o", "s", false)));
    }

    @Test
    void onlyFieldsNamesTheUnknownOne() {
        JsonNode n = parse("{\"id\": 1, \"typo\": 2}");
        String m = error(() -> Json.onlyFields(n, "links[3]", Set.of("id")));
        assertEquals("links[3].typo: unknown field (expected one of id)", m);
        assertEquals("x: expected an object, got array", error(() -> Json.onlyFields(parse("[]"), "x", Set.of())));
    }

    @Test
    void fieldPrefixesValidationErrorsWithThePath() {
        assertEquals("links[1].connect: invalid endpoint 'x': expected HOST:PORT",
                error(() -> Json.field("links[1]", "connect", () -> Endpoint.parse("x"))));
        assertEquals("listen: invalid port 0: expected 1..65535",
                error(() -> Json.field("", "listen", () -> Endpoint.parse("h:0"))));
        assertEquals("ok", Json.field("a", "b", () -> "ok"));
    }
}
