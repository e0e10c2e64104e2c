package io.vnet.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigUpgradeTest {
    @TempDir
    Path dir;

    @Test
    void aLinkOfAnOlderVersionCarriesEveryNetworkOfTheFileAndTheOriginalIsKept() throws Exception {
        String old = "{\"hostId\": \"h1\", \"insecure\": true, \"networks\": [{\"vni\": 200, \"tap\": \"t200\", \"bridge\": \"b200\"},"
                + " {\"vni\": 100, \"tap\": \"t100\", \"bridge\": \"b100\"}], \"links\": [{\"id\": \"to-p\", \"peer\": \"p\","
                + " \"connect\": \"192.0.2.1:5800\", \"flood\": true}, {\"id\": \"to-q\", \"peer\": \"q\", \"connect\": \"192.0.2.2:5800\", \"vnis\": [100]}]}";
        Path f = Files.writeString(dir.resolve("agent.json"), old);
        assertThrows(ConfigException.class, () -> AgentConfig.load(f), "this version refuses the older file");
        ConfigUpgrade.Result r = ConfigUpgrade.upgrade(f);
        assertTrue(r.rewritten());
        assertTrue(r.said().get(0).contains("link to-p named no networks") && r.said().get(0).contains("[100, 200]"),
                r.said().toString());
        assertEquals(old, Files.readString(dir.resolve("agent.json.dpkg-old")));
        AgentConfig c = AgentConfig.load(f);
        assertEquals(2, c.links().get(0).networks().size());
        assertEquals(1, c.links().get(1).networks().size(), "a link that named its networks keeps them");
        assertEquals(Json.MAPPER.readTree(Files.readString(f)), Json.MAPPER.readTree(Files.readString(f)));
        ConfigUpgrade.Result again = ConfigUpgrade.upgrade(f);
        assertFalse(again.rewritten(), "an upgraded file needs nothing more");
    }

    @Test
    void whatIsNotAJsonObjectIsLeftAsItIs() throws Exception {
        Path f = Files.writeString(dir.resolve("agent.json"), "[1, 2");
        assertThrows(ConfigException.class, () -> ConfigUpgrade.upgrade(f));
        assertEquals("[1, 2", Files.readString(f));
    }
}
