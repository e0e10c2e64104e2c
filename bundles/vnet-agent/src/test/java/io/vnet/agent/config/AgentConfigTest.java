package io.vnet.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.Endpoint;
import io.vnet.api.ForwardingRule;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.LinkSpec;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    static final String FULL = """
            {
              "hostId": "host-a", "role": "proxy", "insecure": true,
              "listen": "0.0.0.0:5800",
              "control": "/tmp/vnet-test.sock",
              "networks": [ {"vni": 100, "tap": "vnet100", "bridge": "br100", "mtu": 1500},
                            {"vni": 200, "mtu": 9000} ],
              "links": [ {"id": "to-c", "peer": "host-c", "connect": "192.0.2.3:5800", "flood": true, "vnis": [100]},
                         {"id": "from-b", "peer": "host-b", "transport": "TCP", "vnis": [200, 100]} ],
              "rules": [ {"vni": 100, "src": "any", "dst": "02:00:00:00:00:02", "to": "link:to-c"},
                         {"vni": 100, "dst": "broadcast", "to": "interface:vnet100"} ],
              "keepaliveMs": 1000, "backoffMinMs": 50, "backoffMaxMs": 2000, "maxMtu": 1500, "eventLoops": 2, "realtimePriority": 0
            }
            """;

    @TempDir
    Path dir;

    Path write(String json) throws IOException {
        Path f = dir.resolve("agent.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void fullFileParses() throws Exception {
        Path f = write(FULL);
        AgentConfig c = AgentConfig.load(f);
        assertEquals(f, c.file());
        assertEquals("host-a", c.hostId());
        assertEquals("proxy", c.role());
        assertEquals(new Endpoint("0.0.0.0", 5800), c.listen());
        assertEquals(Path.of("/tmp/vnet-test.sock"), c.control());
        assertEquals(List.of(NetworkId.of(100), NetworkId.of(200)), c.networks());
        assertEquals(List.of(new InterfaceSpec("vnet100", NetworkId.of(100), "br100", 1500)), c.interfaces());
        assertEquals(List.of(LinkSpec.dial("to-c", "host-c", Endpoint.parse("192.0.2.3:5800"), true,
                        List.of(NetworkId.of(100))),
                LinkSpec.accept("from-b", "host-b", false, List.of(NetworkId.of(100), NetworkId.of(200)))), c.links());
        assertEquals(List.of(
                new ForwardingRule(NetworkId.of(100), MacMatch.ANY, MacMatch.parse("02:00:00:00:00:02"),
                        RuleTarget.link("to-c")),
                new ForwardingRule(NetworkId.of(100), MacMatch.ANY, MacMatch.BROADCAST, RuleTarget.iface("vnet100"))),
                c.rules());
        assertEquals("host-a", c.dataPlane().hostId());
        assertEquals(c.listen(), c.dataPlane().listen());
        assertEquals(9000 + 18, c.dataPlane().maxFrame(), "the largest network MTU wins");
        assertEquals(Duration.ofSeconds(1), c.dataPlane().keepalive());
        assertEquals(Duration.ofSeconds(3), c.dataPlane().linkTimeout(), "three keepalives unless set");
        assertEquals(Duration.ofMillis(50), c.dataPlane().backoffMin());
        assertEquals(Duration.ofSeconds(2), c.dataPlane().backoffMax());
        assertEquals(2, c.dataPlane().eventLoops());
        assertEquals(0, c.dataPlane().realtimePriority(), "normal scheduling asked for");
    }

    @Test
    void minimalFileTakesDefaults() throws Exception {
        AgentConfig c = AgentConfig.load(write("{\"hostId\": \"h1\", \"insecure\": true}"));
        assertEquals("host", c.role());
        assertNull(c.listen());
        assertEquals(AgentConfig.DEFAULT_CONTROL, c.control());
        assertTrue(c.networks().isEmpty() && c.interfaces().isEmpty() && c.links().isEmpty() && c.rules().isEmpty());
        assertEquals(1518, c.dataPlane().maxFrame());
        assertEquals(Duration.ofSeconds(2), c.dataPlane().keepalive());
        assertEquals(Duration.ofMillis(100), c.dataPlane().backoffMin());
        assertEquals(Duration.ofSeconds(5), c.dataPlane().backoffMax());
        assertEquals(1, c.dataPlane().eventLoops(), "one event loop: no hand-over between threads per frame");
        assertEquals(1, c.dataPlane().realtimePriority(), "the event loop asks for SCHED_RR at priority 1");
        assertTrue(c.dataPlane().offloads());
    }

    @Test
    void maxMtuRaisesTheFrameSize() throws Exception {
        AgentConfig c = AgentConfig.load(write("{\"hostId\": \"h1\", \"insecure\": true, \"maxMtu\": 8000}"));
        assertEquals(8018, c.dataPlane().maxFrame());
    }

    @Test
    void nullArraysAreEmpty() throws Exception {
        AgentConfig c = AgentConfig.load(write("{\"hostId\": \"h1\", \"insecure\": true, \"networks\": null, \"links\": null, \"rules\": null}"));
        assertTrue(c.networks().isEmpty() && c.links().isEmpty() && c.rules().isEmpty());
    }

    @Test
    void listsAreImmutable() throws Exception {
        AgentConfig c = AgentConfig.load(write(FULL));
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> c.rules().add(c.rules().get(0)));
    }

    @Test
    void vmsOfTheFileAndTheHoldOfLocalAddresses() throws Exception {
        AgentConfig c = AgentConfig.load(write("{\"hostId\": \"h1\", \"insecure\": true, \"macHoldMs\": 60000,"
                + " \"networks\": [{\"vni\": 100, \"tap\": \"t100\", \"bridge\": \"b100\"}],"
                + " \"vms\": [{\"name\": \"x\", \"nics\": [{\"vni\": 100, \"mac\": \"52:54:00:00:00:01\"}]}]}"));
        assertEquals(java.time.Duration.ofSeconds(60), c.macHold());
        assertEquals(List.of(new AgentConfig.Vm("config-x", "x", List.of(new AgentConfig.VmNic(io.vnet.api.NetworkId.of(100),
                io.vnet.api.MacAddress.parse("52:54:00:00:00:01"))))), c.vms());
        AgentConfig d = AgentConfig.load(write("{\"hostId\": \"h1\", \"insecure\": true}"));
        assertEquals(java.time.Duration.ofMinutes(5), d.macHold());
        assertEquals(List.of(), d.vms());
        org.junit.jupiter.api.Assertions.assertTrue(d.ownedSourcesOnly(), "port security is on by default");
        org.junit.jupiter.api.Assertions.assertFalse(AgentConfig.load(write("{\"hostId\": \"h1\", \"insecure\": true,"
                + " \"ownedSourcesOnly\": false}")).ownedSourcesOnly(), "and can be turned off");
    }

    @Test
    void theMetricsEndpointIsOnLoopbackByDefaultAndMayMoveOrBeTurnedOff() throws Exception {
        AgentConfig d = AgentConfig.load(write("{\"hostId\": \"h1\", \"insecure\": true}"));
        assertEquals(new AgentConfig.Metrics(AgentConfig.DEFAULT_METRICS, false), d.metrics());
        assertEquals("127.0.0.1", d.metrics().listen().host());
        AgentConfig moved = AgentConfig.load(write("{\"hostId\": \"h1\", \"insecure\": true, \"metrics\": \"10.0.0.1:9100\"}"));
        assertEquals(new AgentConfig.Metrics(io.vnet.api.Endpoint.parse("10.0.0.1:9100"), true), moved.metrics());
        AgentConfig off = AgentConfig.load(write("{\"hostId\": \"h1\", \"insecure\": true, \"metrics\": \"off\"}"));
        org.junit.jupiter.api.Assertions.assertNull(off.metrics().listen());
        ConfigException bad = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> AgentConfig.load(write("{\"hostId\": \"h1\", \"insecure\": true, \"metrics\": \"nowhere\"}")));
        org.junit.jupiter.api.Assertions.assertTrue(bad.getMessage().contains("metrics"), bad.getMessage());
    }

    @Test
    void badVmsAreRefusedNamingTheField() throws Exception {
        String net = "\"networks\": [{\"vni\": 100, \"tap\": \"t100\", \"bridge\": \"b100\"}]";
        String[][] cases = {
            {"[{\"name\": \"x\", \"nics\": [{\"vni\": 200, \"mac\": \"52:54:00:00:00:01\"}]}]", "vms[0].nics[0].vni"},
            {"[{\"name\": \"x\", \"nics\": [{\"vni\": 100, \"mac\": \"ff:ff:ff:ff:ff:ff\"}]}]", "vms[0].nics[0].mac"},
            {"[{\"name\": \"x\", \"nics\": []}]", "vms[0].nics"},
            {"[{\"name\": \"x\", \"nics\": [{\"vni\": 100, \"mac\": \"52:54:00:00:00:01\"}]},"
                + " {\"name\": \"x\", \"nics\": [{\"vni\": 100, \"mac\": \"52:54:00:00:00:02\"}]}]", "vms[1]"},
            {"[{\"name\": \"x\", \"nics\": [{\"vni\": 100, \"mac\": \"52:54:00:00:00:01\"},"
                + " {\"vni\": 100, \"mac\": \"52:54:00:00:00:01\"}]}]", "vms[0].nics[1].mac"},
            {"[{\"name\": \"x\", \"cpu\": 2, \"nics\": []}]", "vms[0]"},
            {"[5]", "vms[0]"},
            {"{}", "vms"},
        };
        for (String[] c : cases) {
            ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                    () -> AgentConfig.load(write("{\"hostId\": \"h1\", \"insecure\": true, " + net + ", \"vms\": " + c[0] + "}")));
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> AgentConfig.load(write("{\"hostId\": \"h1\", \"insecure\": true, \"macHoldMs\": 300001}")));
        assertTrue(e.getMessage().contains("macHoldMs"), e.getMessage());
    }

    @Test
    void aHostMayListTheManagersOfAClusterAndStaysWithOneAtATime() throws Exception {
        Files.writeString(dir.resolve("token"), "0123456789abcdef0123456789abcdef\n");
        String base = "{\"hostId\": \"host-a\", \"insecure\": true, \"enrolmentTokenFile\": \"token\","
                + " \"networks\": [{\"vni\": 100}], ";
        AgentConfig one = AgentConfig.load(write(base + "\"manager\": \"192.0.2.10:5900\"}"));
        assertEquals(List.of(Endpoint.parse("192.0.2.10:5900")), one.managers());
        assertEquals(Endpoint.parse("192.0.2.10:5900"), one.manager());
        AgentConfig two = AgentConfig.load(write(base + "\"manager\": [\"192.0.2.10:5900\", \"192.0.2.11:5900\"]}"));
        assertEquals(List.of(Endpoint.parse("192.0.2.10:5900"), Endpoint.parse("192.0.2.11:5900")), two.managers());
        assertEquals(Endpoint.parse("192.0.2.10:5900"), two.manager(), "the first: where a token is spent");
        AgentConfig none = AgentConfig.load(write(base + "\"rules\": []}"));
        assertEquals(List.of(), none.managers());
        assertEquals(null, none.manager());
        for (String bad : new String[] {"[]", "[\"192.0.2.10:5900\", \"192.0.2.10:5900\"]", "[5900]", "{}",
                "[\"nowhere\"]"}) {
            Path f = write(base + "\"manager\": " + bad + "}");
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> AgentConfig.load(f), bad);
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("manager"), e.getMessage());
        }
    }
}
