package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Vm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Frames up to the configured MTU cross the overlay whole (DF set, so nothing fragments). */
class MtuIT {
    @ParameterizedTest(name = "MTU {0}")
    @ValueSource(ints = {1500, 9000})
    void fullSizeFramesPassWhole(int mtu) throws Exception {
        int vni = 300;
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host a = fabric.addHost("ha");
            Host b = fabric.addHost("hb");
            Vm va = fabric.addVm(a, "va", vni, mtu);
            Vm vb = fabric.addVm(b, "vb", vni, mtu);
            AgentProcess agentB = fabric.startAgent(b, forHost(b).network(vni, mtu).accept("to-a", "ha", true).build());
            AgentProcess agentA = fabric.startAgent(a, forHost(a).network(vni, mtu).dial("to-b", b, true).build());
            agentA.awaitLinkUp("to-b", 10_000);
            int payload = mtu - 28; // IPv4 + ICMP headers: the IP packet is exactly the MTU
            long bytesBefore = agentA.stats("link", "to-b").path("bytesOut").asLong();
            Vm.PingResult there = va.ping(vb, 5, 0.2, payload);
            Vm.PingResult back = vb.ping(va, 5, 0.2, payload);
            assertEquals(5, there.received(), "MTU-sized pings va -> vb:\n" + there.output());
            assertEquals(5, back.received(), "MTU-sized pings vb -> va:\n" + back.output());
            long bytes = agentA.stats("link", "to-b").path("bytesOut").asLong() - bytesBefore;
            // 5 requests and 5 replies of mtu + 14 bytes each left A over the link
            assertTrue(bytes >= 10L * (mtu + 14), "link carried whole frames: " + bytes + " bytes");
            assertEquals(0, agentB.stats("link", "to-a").path("drops").size(), "no drops on B's link");
            Vm.PingResult tooBig = va.ping(vb, 2, 0.2, payload + 1);
            assertEquals(0, tooBig.received(), "a packet above the MTU does not pass with DF set");
        }
    }
}
