package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Vm;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * VTTIF's input from real frames: each agent counts traffic per VM pair, both for frames that
 * enter the overlay at it and for VMs on the same host (which never reach the agent).
 */
class PairCountIT {
    static final int VNI = 100;

    private static JsonNode pair(AgentProcess agent, Vm src, Vm dst, boolean sameHost) throws IOException {
        for (JsonNode p : agent.op("pairs")) {
            if (p.path("src").asText().equals(src.mac()) && p.path("dst").asText().equals(dst.mac())
                    && p.path("sameHost").asBoolean() == sameHost) {
                return p;
            }
        }
        return null;
    }

    @Test
    void overlayAndSameHostPairsAreCounted() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host a = fabric.addHost("ha");
            Host b = fabric.addHost("hb");
            Vm va1 = fabric.addVm(a, "va1", VNI, 1500);
            Vm va2 = fabric.addVm(a, "va2", VNI, 1500);
            Vm vb = fabric.addVm(b, "vb", VNI, 1500);
            AgentProcess agentB = fabric.startAgent(b, forHost(b).network(VNI, 1500).accept("to-a", "ha", true).build());
            AgentProcess agentA = fabric.startAgent(a, forHost(a).network(VNI, 1500).dial("to-b", b, true).build());
            agentA.awaitLinkUp("to-b", 10_000);

            assertEquals(10, va1.ping(vb, 10, 0.05, 56).received());
            assertEquals(10, va1.ping(va2, 10, 0.05, 56).received());

            JsonNode overlay = pair(agentA, va1, vb, false);
            assertNotNull(overlay, "A counted va1 -> vb: " + agentA.op("pairs"));
            assertTrue(overlay.path("frames").asLong() >= 10, overlay.toString());
            assertTrue(overlay.path("bytes").asLong() >= 10 * 98L, "10 echo requests of 98-byte frames: " + overlay);
            JsonNode replies = pair(agentB, vb, va1, false);
            assertNotNull(replies, "B counted the replies vb -> va1: " + agentB.op("pairs"));
            assertTrue(replies.path("frames").asLong() >= 10, replies.toString());
            JsonNode local = pair(agentA, va1, va2, true);
            assertNotNull(local, "A counted the same-host pair va1 -> va2: " + agentA.op("pairs"));
            assertTrue(local.path("frames").asLong() >= 10 && local.path("bytes").asLong() >= 10 * 98L, local.toString());
            assertEquals(null, pair(agentB, va1, vb, false), "a frame is counted once, where it enters the overlay");

            // the pair counter agrees with the link counter under load, but for what the link dropped when its
            // send queue was full (congested: counted where the frame entered, not sent; at most one offloaded
            // frame of 64 KiB each)
            long pairBefore = pair(agentA, va1, vb, false).path("bytes").asLong();
            JsonNode linkStats = agentA.stats("link", "to-b");
            long linkBefore = linkStats.path("bytesOut").asLong();
            long congestedBefore = linkStats.path("drops").path("congested").asLong();
            Vm.IperfResult r = va1.iperf(vb, 3, 1);
            long pairBytes = pair(agentA, va1, vb, false).path("bytes").asLong() - pairBefore;
            linkStats = agentA.stats("link", "to-b");
            long linkBytes = linkStats.path("bytesOut").asLong() - linkBefore;
            long congested = linkStats.path("drops").path("congested").asLong() - congestedBefore;
            System.out.printf("iperf3 va1 -> vb moved %d bytes; pair counter %d, link counter %d, %d frame(s) dropped"
                    + " congested%n", r.bytesReceived(), pairBytes, linkBytes, congested);
            assertTrue(Math.abs(pairBytes - linkBytes) <= linkBytes / 100 + congested * (65_536 + 64), "pair " + pairBytes
                    + " vs link " + linkBytes + " (" + congested + " frame(s) dropped congested)");
        }
    }
}
