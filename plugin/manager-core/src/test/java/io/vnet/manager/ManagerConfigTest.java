package io.vnet.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.adapt.AdaptationLoop;
import io.vnet.manager.adapt.AdaptationSettings;
import io.vnet.manager.adapt.Planner;
import io.vnet.manager.agents.AgentsConfig;
import io.vnet.manager.config.ManagerConfiguration;
import io.vnet.manager.vttif.VttifSettings;
import io.vnet.protocol.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The manager's configuration as its core reads it, each concern its own fields (the agents', VTTIF's,
 * the closed loop's and migrations'), and errors that name the field.
 */
class ManagerConfigTest {
    /** What the core's three concerns read from one file. */
    record Core(AgentsConfig agents, VttifSettings vttif, AdaptationSettings adaptation) {
    }

    private static Core parse(String json) throws Exception {
        return parse(Path.of("manager.json"), Json.MAPPER.readTree(json));
    }

    static Core parse(Path file, JsonNode root) {
        return parse(ManagerConfiguration.of(file, (com.fasterxml.jackson.databind.node.ObjectNode) root));
    }

    /** What the core's concerns read of {@code cfg}, as their components do. */
    static Core parse(ManagerConfiguration cfg) {
        VttifSettings vttif = VttifSettings.from(cfg);
        return new Core(AgentsConfig.from(cfg), vttif, AdaptationSettings.from(cfg, vttif.vttif().windowMillis()));
    }

    @Test
    void theBoundOnGreetingsHasDefaultsAndIsCheckedByName() throws Exception {
        assertEquals("Limits[max=128, perAddress=4, seconds=20]", parse("{}").agents().greetings().toString());
        assertEquals("Limits[max=2, perAddress=2, seconds=5]",
                parse("{\"greetings\": {\"max\": 2, \"seconds\": 5}}").agents().greetings().toString(),
                "perAddress at most max");
        for (String bad : List.of("{\"greetings\": {\"max\": 0}}", "{\"greetings\": {\"max\": 8, \"perAddress\": 9}}",
                "{\"greetings\": {\"seconds\": 601}}", "{\"greetings\": {\"maximum\": 8}}", "{\"greetings\": 8}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(bad), bad);
            assertTrue(e.getMessage().contains("greetings"), e.getMessage());
        }
    }

    @Test
    void agentsMustProveWhoTheyAre(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("{}").agents().requireAuthentication());
        assertTrue(e.getMessage().contains("mutual TLS") && e.getMessage().contains("\"insecure\": true"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("{\"insecure\": true}").agents().requireAuthentication());
        assertTrue(e.getMessage().contains("agentTokensFile"), e.getMessage());
        java.nio.file.Files.writeString(dir.resolve("tokens"), "# host token\nh1 0123456789abcdef0123\n\nh2 fedcba9876543210fedc\n");
        Core ok = parse(dir.resolve("manager.json"),
                Json.MAPPER.readTree("{\"insecure\": true, \"agentTokensFile\": \"tokens\"}"));
        ok.agents().requireAuthentication();
        assertEquals(java.util.Map.of("h1", "0123456789abcdef0123", "h2", "fedcba9876543210fedc"), ok.agents().agentTokens());
        java.nio.file.Files.writeString(dir.resolve("bad"), "h1 0123456789abcdef0123\nh1 0123456789abcdef0124\n");
        e = assertThrows(IllegalArgumentException.class, () -> parse(dir.resolve("manager.json"),
                Json.MAPPER.readTree("{\"insecure\": true, \"agentTokensFile\": \"bad\"}")));
        assertTrue(e.getMessage().contains("line 2: host h1 is listed twice"), e.getMessage());
    }

    @Test
    void defaultsFollowVttifsWindowAndNeedNoMigrationExecutor() throws Exception {
        Core c = parse("{\"vttif\": {\"windowMs\": 2000}}");
        assertEquals(500, c.adaptation().tickMs());
        assertEquals(new AdaptationLoop.Timing(5000, 3000, 3000, 1000, 0.1), c.adaptation().timing());
        assertEquals(Planner.Settings.defaults(), c.adaptation().planner());
        assertNull(c.adaptation().migration());
        assertEquals(0.8, c.vttif().vttif().dominantShare(), "a mixture's dominant shape: 80% by default");
        assertEquals(1.0, parse("{\"vttif\": {\"dominantShare\": 1}}").vttif().vttif().dominantShare());
    }

    @Test
    void everyFieldIsRead() throws Exception {
        Core c = parse("{\"adaptation\": {\"tickMs\": 250, \"minIntervalMs\": 8000, \"settleMs\": 1000,"
                + " \"measureMs\": 2000, \"steadyMs\": 1500, \"rollbackTolerance\": 0.25, \"hostCapacity\": 3, \"linkMbps\": 50, \"uplinkMbps\": 40, \"latencyMs\": 2, \"linkCostMs\": 100,"
                + " \"migrationCostMs\": 10, \"minGain\": 0.2},"
                + " \"migration\": {\"command\": [\"/bin/move\", \"{vni}\", \"{mac}\", \"{from}\", \"{to}\"], \"timeoutMs\": 9000}}");
        assertEquals(250, c.adaptation().tickMs());
        assertEquals(new AdaptationLoop.Timing(8000, 1000, 2000, 1500, 0.25), c.adaptation().timing());
        Planner.Settings p = c.adaptation().planner();
        assertEquals(3, p.hostCapacity());
        assertEquals(50e6, p.linkBitsPerSecond(), 1e-3);
        assertEquals(40e6, p.uplinkBitsPerSecond(), 1e-3);
        assertEquals(0.002, p.latencySeconds(), 1e-12);
        assertEquals(0.1, p.cost().linkCostSeconds(), 1e-12);
        assertEquals(0.01, p.cost().migrationCostSeconds(), 1e-12);
        assertEquals(0.2, p.cost().minGain(), 1e-12);
        assertEquals(List.of("/bin/move", "300", "02:00:00:00:00:01", "h1", "h2"), c.adaptation().migration().commandFor(NetworkId.of(300),
                MacAddress.parse("02:00:00:00:00:01"), "h1", "h2"));
    }

    @Test
    void badValuesAreNamed() {
        for (String[] bad : new String[][] {
            {"{\"adaptation\": {\"tickMs\": 0}}", "adaptation.tickMs"},
            {"{\"adaptation\": {\"minGain\": -1}}", "adaptation.minGain"},
            {"{\"adaptation\": {\"rollbackTolerance\": 1.5}}", "adaptation.rollbackTolerance"},
            {"{\"adaptation\": {\"steadyMs\": -1}}", "adaptation.steadyMs"},
            {"{\"adaptation\": {\"uplinkMbps\": -5}}", "adaptation.uplinkMbps"},
            {"{\"adaptation\": {\"speed\": 1}}", "speed"},
            {"{\"adaptation\": 5}", "adaptation"},
            {"{\"migration\": {\"command\": []}}", "migration.command"},
            {"{\"migration\": {\"command\": [1]}}", "migration.command[0]"},
            {"{\"vttif\": {\"dominantShare\": 0.3}}", "vttif.dominantShare"},
        }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(bad[0]), bad[0]);
            assertTrue(e.getMessage().contains(bad[1]), bad[0] + ": " + e.getMessage());
        }
    }
}
