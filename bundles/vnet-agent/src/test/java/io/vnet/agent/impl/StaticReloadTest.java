package io.vnet.agent.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.agent.config.AgentConfig;
import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGHUP's reload on a data plane that keeps what it is given: only what the file changed changes. */
class StaticReloadTest {
    @TempDir
    Path dir;

    private static final String NETS = "\"networks\": [{\"vni\": 100, \"tap\": \"t100\", \"bridge\": \"b100\"},"
            + " {\"vni\": 200, \"tap\": \"t200\", \"bridge\": \"b200\"}]";

    private AgentConfig file(String name, String body) throws Exception {
        return AgentConfig.load(Files.writeString(dir.resolve(name), "{\"hostId\": \"h1\", \"insecure\": true, "
                + "\"listen\": \"127.0.0.1:5800\", " + body + "}"));
    }

    private static MemoryDataPlane started(AgentConfig c) throws Exception {
        MemoryDataPlane dp = new MemoryDataPlane();
        c.networks().forEach(dp::addNetwork);
        for (var i : c.interfaces()) {
            dp.addInterface(i);
        }
        c.links().forEach(dp::addLink);
        c.rules().forEach(dp::addRule);
        return dp;
    }

    private static ManagedState managed(MemoryDataPlane dp, AgentConfig c) {
        return new ManagedState(dp, c.links().stream().map(LinkSpec::id).collect(Collectors.toSet()),
                c.rules().stream().map(ForwardingRule::key).collect(Collectors.toSet()), null);
    }

    @Test
    void linksRulesAndInterfacesFollowTheFileAndWhatOnlyARestartChangesIsNamed() throws Exception {
        AgentConfig old = file("a.json", NETS + ", \"links\": [{\"id\": \"to-b\", \"peer\": \"b\", \"connect\": \"10.0.0.2:5800\","
                + " \"vnis\": [100]}, {\"id\": \"to-c\", \"peer\": \"c\", \"connect\": \"10.0.0.3:5800\", \"vnis\": [100]}],"
                + " \"rules\": [{\"vni\": 100, \"src\": \"any\", \"dst\": \"02:00:00:00:00:03\", \"to\": \"link:to-c\"}]");
        MemoryDataPlane dp = started(old);
        ManagedState m = managed(dp, old);
        AgentConfig next = file("b.json", NETS.replace("]", ", {\"vni\": 300, \"tap\": \"t300\", \"bridge\": \"b300\"}]")
                 + ", \"reportIntervalMs\": 2000, \"links\": [{\"id\": \"to-b\", \"peer\": \"b\","
                + " \"connect\": \"10.0.0.2:5800\", \"vnis\": [100, 200]}, {\"id\": \"to-d\", \"peer\": \"d\", \"connect\":"
                + " \"10.0.0.4:5800\", \"vnis\": [200]}], \"rules\": [{\"vni\": 200, \"src\": \"any\", \"dst\":"
                + " \"02:00:00:00:00:04\", \"to\": \"link:to-d\"}]");
        int adds = dp.linkAdds;
        List<String> said = StaticReload.apply(old, next, dp, m, null);
        assertEquals(Set.of("to-b", "to-d"), dp.links.keySet(), said.toString());
        assertEquals(2, dp.links.get("to-b").networks().size(), "to-b carries its new networks");
        assertEquals(1, dp.linkUpdates, "changed in place: its connection stays");
        assertEquals(adds + 1, dp.linkAdds, "only to-d was added");
        assertEquals(List.of("02:00:00:00:00:04"), dp.rules.values().stream().map(r -> r.dst().toString()).toList());
        assertTrue(dp.interfaces().stream().anyMatch(i -> i.id().equals("t300")), "the new network's TAP");
        assertTrue(said.contains("reportIntervalMs changed: it takes effect at the next restart"), said.toString());
        assertTrue(said.contains("link to-c: removed") && said.contains("link to-d: added")
                && said.contains("link to-b: changed in place"), said.toString());
        // the manager may not take the file's new link
        List<String> errors = m.apply(Json.MAPPER.valueToTree(Map.of("generation", 1, "links", List.of(Map.of("id", "to-d",
                "peer", "d", "connect", "10.0.0.4:5800", "vnis", List.of(200))), "rules", List.of())), false);
        assertTrue(errors.get(0).contains("link to-d is in the agent's configuration file"), errors.toString());
    }

    @Test
    void aNewFileLinkWithTheIdOfAManagersLinkIsRefusedAndTheRestApplied() throws Exception {
        AgentConfig old = file("a.json", NETS);
        MemoryDataPlane dp = started(old);
        ManagedState m = managed(dp, old);
        m.apply(Json.MAPPER.valueToTree(Map.of("generation", 1, "links", List.of(Map.of("id", "fast-1", "peer", "e",
                "connect", "10.0.0.5:5800", "vnis", List.of(100))), "rules", List.of())), false);
        AgentConfig next = file("b.json", NETS + ", \"links\": [{\"id\": \"fast-1\", \"peer\": \"f\", \"connect\":"
                + " \"10.0.0.6:5800\", \"vnis\": [100]}, {\"id\": \"to-g\", \"peer\": \"g\", \"connect\": \"10.0.0.7:5800\","
                + " \"vnis\": [100]}]");
        List<String> said = StaticReload.apply(old, next, dp, m, null);
        assertEquals("e", dp.links.get("fast-1").peerHost(), "the manager's link stays as it is");
        assertTrue(dp.links.containsKey("to-g"));
        assertTrue(said.stream().anyMatch(l -> l.startsWith("link fast-1: not added, the manager's desired state")), said.toString());
        assertFalse(said.contains("nothing changed"));
        List<String> again = StaticReload.apply(next, next, dp, m, null);
        assertEquals(1, again.size(), "the same file again: only the refusal, said again; " + again);
        assertTrue(again.get(0).startsWith("link fast-1: not added"), again.toString());
        assertEquals("e", dp.links.get("fast-1").peerHost(), "and the manager's link is never taken for the file's");
    }
}
