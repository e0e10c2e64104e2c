package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.Recorder;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import io.vnet.protocol.OwnersMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The manager tells every agent where the registered VMs of its networks are, as soon as it learns of a change. */
class AgentSessionsOwnersTest {
    private static final MacAddress X = MacAddress.parse("52:54:00:00:00:0a");
    private static final NetworkId N100 = NetworkId.of(100);

    private final AgentSessions sessions = new AgentSessions(Recorder.NONE);

    private static String vm(String uuid, String mac) {
        return "[{\"uuid\":\"" + uuid + "\",\"name\":\"x\",\"source\":\"libvirt\",\"nics\":[{\"vni\":100,\"mac\":\"" + mac
                + "\"}]}]";
    }

    private EmbeddedChannel hello(String host, String role, String vms) throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel();
        sessions.hello(ch, Json.MAPPER.readTree("{\"type\":\"hello\",\"hostId\":\"" + host + "\",\"role\":\"" + role
                + "\",\"networks\":[100],\"macs\":[],\"vms\":" + vms + "}"));
        return ch;
    }

    /** The last owners message written on {@code ch}, or null; the others are discarded. */
    private static Map<NetworkId, Map<MacAddress, String>> lastOwners(EmbeddedChannel ch) {
        Map<NetworkId, Map<MacAddress, String>> last = null;
        Object m;
        while ((m = ch.readOutbound()) != null) {
            JsonNode n = (JsonNode) m;
            if (ManagerProtocol.OWNERS.equals(n.path("type").asText())) {
                last = OwnersMessage.read(n).owners();
            }
        }
        return last;
    }

    @Test
    void everyAgentOfTheNetworkHearsWhereAVmIsAndWhereItMoved() throws Exception {
        EmbeddedChannel h1 = hello("h1", "host", vm("u1", X.toString()));
        EmbeddedChannel h2 = hello("h2", "host", "[]");
        EmbeddedChannel proxy = hello("p1", "proxy", "[]");
        assertEquals(Map.of(N100, Map.of(X, "h1")), lastOwners(h1));
        assertEquals(Map.of(N100, Map.of(X, "h1")), lastOwners(h2));
        assertEquals(Map.of(N100, Map.of(X, "h1")), lastOwners(proxy));
        Thread.sleep(2);
        // x migrates: h2 registers it before h1 withdraws it; the newer registration wins
        sessions.inventory("h2", Json.MAPPER.readTree("{\"type\":\"vms\",\"vms\":" + vm("u1", X.toString()) + "}"));
        assertEquals(Map.of(N100, Map.of(X, "h2")), lastOwners(h1));
        assertEquals(Map.of(N100, Map.of(X, "h2")), lastOwners(h2));
        assertEquals(Map.of(N100, Map.of(X, "h2")), lastOwners(proxy));
        sessions.inventory("h1", Json.MAPPER.readTree("{\"type\":\"vms\",\"vms\":[]}"));
        assertNull(lastOwners(h1), "nothing changed for anyone: nothing is sent");
        assertNull(lastOwners(h2));
    }

    @Test
    void aProxysRegistrationsOwnNothing() throws Exception {
        EmbeddedChannel proxy = hello("p1", "proxy", vm("u9", X.toString()));
        EmbeddedChannel h1 = hello("h1", "host", "[]");
        assertEquals(Map.of(N100, Map.of()), lastOwners(h1));
        assertEquals(Map.of(N100, Map.of()), lastOwners(proxy));
    }

    @Test
    void aReconnectedAgentIsToldAgain() throws Exception {
        hello("h1", "host", vm("u1", X.toString()));
        EmbeddedChannel first = hello("h2", "host", "[]");
        assertEquals(Map.of(N100, Map.of(X, "h1")), lastOwners(first));
        EmbeddedChannel second = hello("h2", "host", "[]");
        assertEquals(Map.of(N100, Map.of(X, "h1")), lastOwners(second));
    }

    @Test
    void anAgentThatCarriesANewNetworkIsToldItsOwnersAndNobodyElseHearsOfIt() throws Exception {
        EmbeddedChannel h1 = hello("h1", "host", vm("u1", X.toString()));
        EmbeddedChannel h2 = hello("h2", "host", "[]");
        lastOwners(h1);
        lastOwners(h2);
        sessions.inventory("h2", Json.MAPPER.readTree("{\"type\":\"vms\",\"networks\":[100,200]}"));
        assertEquals(Map.of(N100, Map.of(X, "h1"), NetworkId.of(200), Map.of()), lastOwners(h2));
        assertNull(lastOwners(h1), "h1's view did not change");
    }

    @Test
    void aProxysListOfVmsChangingTellsNobodyAnything() throws Exception {
        EmbeddedChannel h1 = hello("h1", "host", vm("u1", X.toString()));
        EmbeddedChannel proxy = hello("p1", "proxy", "[]");
        lastOwners(h1);
        lastOwners(proxy);
        sessions.inventory("p1", Json.MAPPER.readTree("{\"type\":\"vms\",\"vms\":" + vm("u2", X.toString()) + "}"));
        assertNull(lastOwners(h1), "a proxy cannot claim h1's VM");
        assertNull(lastOwners(proxy));
    }
}
