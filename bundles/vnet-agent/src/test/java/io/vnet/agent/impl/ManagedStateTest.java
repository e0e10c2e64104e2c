package io.vnet.agent.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.Endpoint;
import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import io.vnet.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedStateTest {
    static final List<io.vnet.api.NetworkId> V100 = List.of(io.vnet.api.NetworkId.of(100));
    static final NetworkId NET = NetworkId.of(100);
    static final LinkSpec STATIC = LinkSpec.dial("to-proxy", "proxy", Endpoint.parse("10.0.0.9:5800"), true, V100);

    @TempDir
    Path dir;
    MemoryDataPlane dp;

    @BeforeEach
    void setUp() {
        dp = new MemoryDataPlane();
        dp.addNetwork(NET);
        dp.addLink(STATIC);
    }

    static ObjectNode state(long gen, List<LinkSpec> links, List<ForwardingRule> rules) {
        ObjectNode s = Json.object().put("generation", gen);
        links.forEach(l -> s.withArray("links").add(Json.write(l)));
        rules.forEach(r -> s.withArray("rules").add(Json.write(r)));
        s.withArray("links");
        s.withArray("rules");
        return s;
    }

    static ForwardingRule rule(String dst, String link) {
        return new ForwardingRule(NET, MacMatch.ANY, MacMatch.parse(dst), RuleTarget.link(link));
    }

    ManagedState managed(Path file) {
        return new ManagedState(dp, Set.of(STATIC.id()), Set.of(), file);
    }

    @Test
    void addsWhatIsDesiredAndRemovesWhatNoLongerIs() {
        ManagedState m = managed(null);
        LinkSpec fast = LinkSpec.dial("fast", "hb", Endpoint.parse("10.0.0.2:5800"), false, V100);
        assertEquals(List.of(), m.apply(state(1, List.of(fast), List.of(rule("02:00:00:00:00:02", "fast"))), false));
        assertTrue(dp.links.containsKey("fast"));
        assertEquals(1, dp.rules.size());
        assertEquals(1, m.generation());

        assertEquals(List.of(), m.apply(state(2, List.of(), List.of()), false));
        assertEquals(Set.of("to-proxy"), dp.links.keySet(), "the static link stays, the managed one goes");
        assertEquals(0, dp.rules.size());
    }

    @Test
    void applyingTheSameGenerationTwiceChangesNothing() {
        ManagedState m = managed(null);
        LinkSpec fast = LinkSpec.dial("fast", "hb", Endpoint.parse("10.0.0.2:5800"), false, V100);
        ObjectNode s = state(7, List.of(fast), List.of(rule("02:00:00:00:00:02", "fast")));
        m.apply(s, false);
        m.apply(s, false);
        assertEquals(1, dp.linkAdds - 1, "the managed link was added once (the static one is the other add)");
        assertEquals(0, dp.linkRemovals);
    }

    @Test
    void aNewGenerationLeavesUnchangedLinksAloneAndReplacesChangedRules() {
        ManagedState m = managed(null);
        LinkSpec fast = LinkSpec.dial("fast", "hb", Endpoint.parse("10.0.0.2:5800"), false, V100);
        LinkSpec other = LinkSpec.accept("other", "hc", false, V100);
        m.apply(state(1, List.of(fast), List.of(rule("02:00:00:00:00:02", "fast"))), false);
        m.apply(state(2, List.of(fast, other), List.of(rule("02:00:00:00:00:02", "other"))), false);
        assertEquals(0, dp.linkRemovals, "fast was not touched");
        assertEquals("link:other", dp.rules.values().iterator().next().target().toString());
    }

    @Test
    void aLinkWhoseNetworksChangeKeepsItsConnection() {
        ManagedState m = managed(null);
        dp.addNetwork(NetworkId.of(200));
        LinkSpec fast = LinkSpec.dial("fast", "hb", Endpoint.parse("10.0.0.2:5800"), false, V100);
        LinkSpec both = fast.withNetworks(List.of(NET, NetworkId.of(200)));
        ForwardingRule r200 = new ForwardingRule(NetworkId.of(200), MacMatch.ANY, MacMatch.parse("02:00:00:00:02:02"),
                RuleTarget.link("fast"));
        m.apply(state(1, List.of(fast), List.of(rule("02:00:00:00:00:02", "fast"))), false);
        assertEquals(List.of(), m.apply(state(2, List.of(both), List.of(rule("02:00:00:00:00:02", "fast"), r200)), false));
        assertEquals(both, dp.links.get("fast"));
        assertEquals(2, dp.rules.size());
        assertEquals(0, dp.linkRemovals, "widened in place");
        // narrowed to 200 only: network 100's rule goes, the link stays
        LinkSpec only200 = fast.withNetworks(List.of(NetworkId.of(200)));
        assertEquals(List.of(), m.apply(state(3, List.of(only200), List.of(r200)), false));
        assertEquals(List.of(r200), List.copyOf(dp.rules.values()));
        assertEquals(0, dp.linkRemovals);
        assertEquals(2, dp.linkUpdates);
    }

    @Test
    void aRuleSendingANetworkToALinkThatDoesNotCarryItIsAnError() {
        ManagedState m = managed(null);
        dp.addNetwork(NetworkId.of(200));
        LinkSpec fast = LinkSpec.dial("fast", "hb", Endpoint.parse("10.0.0.2:5800"), false, V100);
        ForwardingRule r200 = new ForwardingRule(NetworkId.of(200), MacMatch.ANY, MacMatch.parse("02:00:00:00:02:02"),
                RuleTarget.link("fast"));
        List<String> errors = m.apply(state(1, List.of(fast), List.of(r200)), false);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("does not carry network 200"), errors.get(0));
        assertTrue(dp.rules.isEmpty());
    }

    @Test
    void theStaticPartIsNeverTakenOver() {
        ManagedState m = managed(null);
        List<String> errors = m.apply(state(3, List.of(STATIC), List.of()), false);
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).contains("link to-proxy is in the agent's configuration file"), errors.get(0));
        assertTrue(dp.links.containsKey("to-proxy"));
    }

    @Test
    void badEntriesAreReportedAndTheRestApplies() {
        ManagedState m = managed(null);
        ObjectNode s = state(4, List.of(LinkSpec.accept("ok", "hb", false, V100)), List.of(rule("02:00:00:00:00:02", "ok")));
        s.withArray("rules").addObject().put("vni", 100).put("dst", "zz").put("to", "link:ok");
        s.withArray("rules").addObject().put("vni", 100).put("dst", "02:00:00:00:00:05").put("to", "link:missing");
        List<String> errors = m.apply(s, false);
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("rules[1].dst"), errors.get(0));
        assertTrue(errors.get(1).contains("no link:missing"), errors.get(1));
        assertTrue(dp.links.containsKey("ok"));
        assertEquals(1, dp.rules.size());
    }

    static ObjectNode quiet(ObjectNode state, String link, int... vnis) {
        var q = state.withArray("quiet").addObject().put("link", link);
        for (int v : vnis) {
            q.withArray("vnis").add(v);
        }
        return state;
    }

    @Test
    void aQuietConfiguredLinkStopsFloodingTheNetworkAndFloodsAgainWhenNoLongerNamed() {
        ManagedState m = managed(null);
        LinkSpec fast = LinkSpec.dial("fast", "hb", Endpoint.parse("10.0.0.2:5800"), true, V100); // the rebuilt tree
        assertEquals(List.of(), m.apply(quiet(state(1, List.of(fast), List.of()), "to-proxy", 100), false));
        assertFalse(dp.links.get("to-proxy").floods(100), "the configured star link no longer floods");
        assertTrue(STATIC.sameConnection(dp.links.get("to-proxy")), "and keeps its connection");
        assertTrue(dp.links.get("fast").floods(100));

        LinkSpec fastOff = LinkSpec.dial("fast", "hb", Endpoint.parse("10.0.0.2:5800"), false, V100);
        assertEquals(List.of(), m.apply(state(2, List.of(fastOff), List.of()), false));
        assertEquals(STATIC, dp.links.get("to-proxy"), "floods as configured again");
        assertFalse(dp.links.get("fast").floods(100));
    }

    @Test
    void onlyConfiguredLinksAreQuietedAndBadEntriesAreErrors() {
        ManagedState m = managed(null);
        LinkSpec fast = LinkSpec.dial("fast", "hb", Endpoint.parse("10.0.0.2:5800"), true, V100);
        ObjectNode s = quiet(quiet(state(1, List.of(fast), List.of()), "fast", 100), "to-proxy");
        List<String> errors = m.apply(s, false);
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("quiet[0]: link fast is not in the agent's configuration file"), errors.get(0));
        assertTrue(errors.get(1).contains("quiet[1]") && errors.get(1).contains("names no network"), errors.get(1));
        assertTrue(dp.links.get("fast").floods(100), "a managed link says itself what it floods");
        assertEquals(STATIC, dp.links.get("to-proxy"));
        ObjectNode tooMany = state(2, List.of(), List.of());
        for (int i = 0; i <= Json.MAX_QUIET; i++) {
            quiet(tooMany, "to-proxy", 100);
        }
        assertTrue(m.apply(tooMany, false).get(0).contains("at most " + Json.MAX_QUIET));
    }

    @Test
    void aQuietLinkIsSavedAndRestored() throws Exception {
        Path file = dir.resolve("state.json");
        managed(file).apply(quiet(state(4, List.of(), List.of()), "to-proxy", 100), true);
        setUp();
        ManagedState restarted = managed(file);
        restarted.restore();
        assertFalse(dp.links.get("to-proxy").floods(100), "a restarted agent keeps the star quiet until told otherwise");
        restarted.apply(state(5, List.of(), List.of()), true);
        assertEquals(STATIC, dp.links.get("to-proxy"));
    }

    @Test
    void theAppliedStateIsSavedAndARestartedAgentRestoresIt() throws Exception {
        Path file = dir.resolve("state.json");
        LinkSpec fast = LinkSpec.dial("fast", "hb", Endpoint.parse("10.0.0.2:5800"), false, V100);
        managed(file).apply(state(9, List.of(fast), List.of(rule("02:00:00:00:00:02", "fast"))), true);
        assertTrue(Files.exists(file));

        setUp(); // a new agent process: only the static part
        ManagedState restarted = managed(file);
        restarted.restore();
        assertEquals(9, restarted.generation());
        assertTrue(dp.links.containsKey("fast"));
        assertEquals(1, dp.rules.size());
    }

    @Test
    void anOlderGenerationIsRefusedAndTheAppliedStateKept() {
        ManagedState m = managed(null);
        LinkSpec fast = LinkSpec.dial("fast", "hb", Endpoint.parse("10.0.0.2:5800"), false, V100);
        assertEquals(List.of(), m.apply(state(5, List.of(fast), List.of(rule("02:00:00:00:00:02", "fast"))), false));
        // a manager restored from an older backup sends what it had then
        List<String> errors = m.apply(state(3, List.of(), List.of()), false);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("generation 3 refused: older than the applied generation 5"), errors.get(0));
        assertEquals(5, m.generation());
        assertEquals(1, m.refusedOlder());
        assertTrue(dp.links.containsKey("fast"), "nothing was rolled back");
        assertEquals(1, dp.rules.size());
        // the manager's next change is newer: applied
        assertEquals(List.of(), m.apply(state(6, List.of(), List.of()), false));
        assertEquals(6, m.generation());
        assertFalse(dp.links.containsKey("fast"));
    }

    @Test
    void theSavedStateReplacesTheFileWholeAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("state.json");
        ManagedState m = managed(file);
        LinkSpec fast = LinkSpec.dial("fast", "hb", Endpoint.parse("10.0.0.2:5800"), false, V100);
        m.apply(state(1, List.of(fast), List.of(rule("02:00:00:00:00:02", "fast"))), true);
        m.apply(state(2, List.of(), List.of()), true);
        assertEquals(2, Json.MAPPER.readTree(Files.readString(file)).path("generation").asLong());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "only the state file");
        }
    }
}
