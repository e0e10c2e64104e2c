package io.vnet.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.LanSpec;
import io.vnet.api.NetworkId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy's "lan" section: LAN devices bridged onto the overlay with pcap. */
class AgentConfigLanTest {
    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path f = dir.resolve("proxy.json");
        Files.writeString(f, json);
        return f;
    }

    private static String proxy(String networks, String lan) {
        return "{\"hostId\": \"home-proxy\", \"insecure\": true, \"role\": \"proxy\", \"networks\": " + networks + ", \"lan\": " + lan + "}";
    }

    private String fails(String json, String... parts) throws IOException {
        Path f = write(json);
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(f));
        String m = e.getMessage();
        assertTrue(m.startsWith("config " + f + ": "), m);
        for (String p : parts) {
            assertTrue(m.contains(p), "message lacks [" + p + "]: " + m);
        }
        return m;
    }

    @Test
    void aProxyBridgesItsLanDeviceWithTheNetworksMtu() throws Exception {
        AgentConfig c = AgentConfig.load(write(proxy(
                "[{\"vni\": 100, \"mtu\": 1400}, {\"vni\": 200, \"tap\": \"vnet200\"}]",
                "[{\"vni\": 100, \"device\": \"eth1\"}, {\"vni\": 200, \"device\": \"eth2.200\"}]")));
        assertEquals(List.of(new LanSpec("eth1", NetworkId.of(100), 1400), new LanSpec("eth2.200", NetworkId.of(200), 1500)),
                c.lans());
        assertEquals(1, c.interfaces().size(), "a LAN device is no TAP");
        assertEquals("proxy", c.role());
    }

    @Test
    void noLanSectionMeansNoLanDevice() throws Exception {
        assertTrue(AgentConfig.load(write("{\"hostId\": \"h\", \"insecure\": true}")).lans().isEmpty());
        assertTrue(AgentConfig.load(write("{\"hostId\": \"h\", \"insecure\": true, \"lan\": null}")).lans().isEmpty());
        assertTrue(AgentConfig.load(write("{\"hostId\": \"h\", \"insecure\": true, \"lan\": []}")).lans().isEmpty(), "empty is fine for a host");
    }

    @Test
    void rulesMayTargetTheLanDevice() throws Exception {
        AgentConfig c = AgentConfig.load(write("{\"hostId\": \"p\", \"insecure\": true, \"role\": \"proxy\", \"networks\": [{\"vni\": 100}],"
                + " \"lan\": [{\"vni\": 100, \"device\": \"eth1\"}],"
                + " \"rules\": [{\"vni\": 100, \"dst\": \"02:00:00:00:00:01\", \"to\": \"interface:eth1\"}]}"));
        assertEquals("interface:eth1", c.rules().get(0).target().toString());
    }

    @Test
    void onlyAProxyHasALan() throws IOException {
        fails("{\"hostId\": \"h\", \"insecure\": true, \"networks\": [{\"vni\": 100}], \"lan\": [{\"vni\": 100, \"device\": \"eth1\"}]}",
                "lan: only a proxy bridges a LAN device", "\"role\": \"proxy\"", "role is host");
    }

    @Test
    void theNetworkMustBeListed() throws IOException {
        fails(proxy("[{\"vni\": 100}]", "[{\"vni\": 300, \"device\": \"eth1\"}]"), "lan[0].vni", "network 300 is not in networks");
        fails(proxy("[{\"vni\": 100}]", "[{\"vni\": 0, \"device\": \"eth1\"}]"), "lan[0].vni", "expected an integer 1..16777215");
        fails(proxy("[{\"vni\": 100}]", "[{\"device\": \"eth1\"}]"), "lan[0].vni", "required");
    }

    @Test
    void theDeviceIsANameUsedOnce() throws IOException {
        fails(proxy("[{\"vni\": 100}]", "[{\"vni\": 100}]"), "lan[0].device", "required");
        fails(proxy("[{\"vni\": 100}]", "[{\"vni\": 100, \"device\": \"eth 1\"}]"), "lan[0].device",
                "invalid LAN device name 'eth 1'");
        fails(proxy("[{\"vni\": 100}]", "[{\"vni\": 100, \"device\": \"a-very-long-device-name\"}]"), "lan[0].device");
        fails(proxy("[{\"vni\": 100}, {\"vni\": 200}]", "[{\"vni\": 100, \"device\": \"eth1\"}, {\"vni\": 200, \"device\": \"eth1\"}]"),
                "lan[1].device", "LAN device eth1 is listed twice");
        fails(proxy("[{\"vni\": 100, \"tap\": \"eth1\"}]", "[{\"vni\": 100, \"device\": \"eth1\"}]"),
                "lan[0].device", "eth1 is a TAP of networks already");
    }

    @Test
    void unknownFieldsAndWrongShapesAreErrors() throws IOException {
        fails(proxy("[{\"vni\": 100}]", "[{\"vni\": 100, \"device\": \"eth1\", \"promisc\": true}]"), "lan[0]", "promisc");
        fails(proxy("[{\"vni\": 100}]", "{\"vni\": 100}"), "lan: expected an array, got object");
    }
}
