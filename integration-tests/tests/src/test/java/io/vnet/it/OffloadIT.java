package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Vm;
import org.junit.jupiter.api.Test;

/**
 * TAP offloads end to end: between two agents that both read version-2 records a VM's large
 * TCP sends cross the link whole (frames far above the MTU on the link); to an agent with
 * offloads off the same traffic arrives as ordinary frames, segmented by the sender, in both
 * directions, with nothing dropped.
 */
class OffloadIT {
    static final int VNI = 100;

    /** {@code dropsB}: B's link drops once both ends were up (what the VMs sent before may be link-down). */
    private record Pair(Vm va, Vm vb, AgentProcess agentA, AgentProcess agentB, JsonNode dropsB) {
    }

    private static Pair start(Fabric fabric, boolean offloadsOnB) throws Exception {
        Host a = fabric.addHost("ha");
        Host b = fabric.addHost("hb");
        Vm va = fabric.addVm(a, "va", VNI, 1500);
        Vm vb = fabric.addVm(b, "vb", VNI, 1500);
        AgentProcess agentB = fabric.startAgent(b, forHost(b).network(VNI, 1500).accept("to-a", "ha", true)
                .flag("offloads", offloadsOnB).build());
        AgentProcess agentA = fabric.startAgent(a, forHost(a).network(VNI, 1500).dial("to-b", b, true).build());
        agentA.awaitLinkUp("to-b", 10_000);
        agentB.awaitLinkUp("to-a", 10_000);
        JsonNode dropsB = agentB.stats("link", "to-a").path("drops");
        assertEquals(3, va.ping(vb, 3).received());
        return new Pair(va, vb, agentA, agentB, dropsB);
    }

    private static double averageFrameOut(AgentProcess agent, String link, JsonNode before) throws Exception {
        JsonNode after = agent.stats("link", link);
        long frames = after.path("framesOut").asLong() - before.path("framesOut").asLong();
        long bytes = after.path("bytesOut").asLong() - before.path("bytesOut").asLong();
        return frames == 0 ? 0 : (double) bytes / frames;
    }

    @Test
    void largeSegmentsCrossALinkBetweenOffloadingAgentsWhole() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Pair p = start(fabric, true);
            assertTrue(p.agentA().stats("link", "to-b").path("peer").asText().contains("offloads"),
                    "A knows B reads offloaded frames: " + p.agentA().stats("link", "to-b"));
            JsonNode before = p.agentA().stats("link", "to-b");
            Vm.IperfResult r = p.va().iperf(p.vb(), 3, 1);
            double avg = averageFrameOut(p.agentA(), "to-b", before);
            System.out.printf("offloads on both sides: %.1f Mbit/s, average frame on the link %.0f bytes%n",
                    r.bitsPerSecond() / 1e6, avg);
            assertTrue(r.bytesReceived() > 1_000_000, "iperf3 moved data: " + r.bytesReceived());
            assertTrue(avg > 3000, "segments crossed whole (average frame " + avg + " bytes, MTU 1500)");
            JsonNode linkB = p.agentB().stats("link", "to-a");
            assertEquals(p.dropsB(), linkB.path("drops"), "no drops on B's link: " + linkB);
        }
    }

    @Test
    void anAgentWithOffloadsOffGetsOrdinaryFramesBothWays() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Pair p = start(fabric, false);
            assertFalse(p.agentA().stats("link", "to-b").path("peer").asText().contains("offloads"),
                    "B did not offer to read offloaded frames: " + p.agentA().stats("link", "to-b"));
            JsonNode before = p.agentA().stats("link", "to-b");
            Vm.IperfResult ab = p.va().iperf(p.vb(), 3, 1);
            double avg = averageFrameOut(p.agentA(), "to-b", before);
            Vm.IperfResult ba = p.vb().iperf(p.va(), 3, 1);
            System.out.printf("offloads off on B: A->B %.1f Mbit/s (average frame on A's link %.0f bytes), "
                    + "B->A %.1f Mbit/s%n", ab.bitsPerSecond() / 1e6, avg, ba.bitsPerSecond() / 1e6);
            assertTrue(ab.bytesReceived() > 1_000_000 && ba.bytesReceived() > 1_000_000,
                    "iperf3 moved data both ways: " + ab.bytesReceived() + ", " + ba.bytesReceived());
            assertTrue(avg <= 1518, "A segmented for B: average frame " + avg + " bytes");
            JsonNode linkB = p.agentB().stats("link", "to-a");
            assertTrue(linkB.path("peer").asText().contains("sessions 1"), "one session, never broken: " + linkB);
            assertEquals(p.dropsB(), linkB.path("drops"), "nothing dropped on B's link: " + linkB);
            assertEquals(0, p.agentB().stats("interface", "vnet100").path("drops").size(),
                    "nothing dropped at B's TAP: " + p.agentB().stats("interface", "vnet100"));
        }
    }
}
