package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.HostInfo;
import io.vnet.manager.Recorder;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import org.junit.jupiter.api.Test;

/** The manager keeps at most the protocol's bound of an agent's VM addresses, whatever it lists. */
class AgentSessionsBoundsTest {
    @Test
    void anAgentListingTooManyAddressesIsKeptToTheBound() {
        ObjectNode hello = Json.object().put("type", "hello").put("hostId", "kvm-1").put("macsOmitted", 5);
        hello.putArray("networks").add(1).add(2).add(3).add(4).add(5);
        ArrayNode macs = hello.putArray("macs");
        for (int n = 1; n <= 5; n++) {
            for (int i = 0; i < 5000; i++) {
                macs.addObject().put("vni", n).put("mac", MacAddress.of(0x0200_0000_0000L + n * 10_000L + i).toString());
            }
        }
        AgentSessions sessions = new AgentSessions(Recorder.NONE);
        sessions.hello(new EmbeddedChannel(), hello);
        HostInfo h = sessions.host("kvm-1").orElseThrow();
        assertEquals(ManagerProtocol.MAX_MACS, h.vms().values().stream().mapToInt(java.util.List::size).sum());
        assertEquals(ManagerProtocol.MAX_MACS_PER_NETWORK, h.vms().get(NetworkId.of(1)).size());
        assertEquals(ManagerProtocol.MAX_MACS - 3 * ManagerProtocol.MAX_MACS_PER_NETWORK, h.vms().get(NetworkId.of(4)).size());
        assertEquals(null, h.vms().get(NetworkId.of(5)), "nothing of the network past the total");
    }
}
