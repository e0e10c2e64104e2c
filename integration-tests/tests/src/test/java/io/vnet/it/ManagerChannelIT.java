package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.Vm;
import io.vnet.protocol.Json;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Agents and the real manager process: registration, and forwarding while the manager is away. */
class ManagerChannelIT {
    static final int VNI = 100;

    @Test
    void agentsRegisterAndForwardingGoesOnWhileTheManagerIsDown() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host m = fabric.addHost("mgr");
            Host a = fabric.addHost("ha");
            Host b = fabric.addHost("hb");
            Vm va = fabric.addVm(a, "va", VNI, 1500);
            Vm vb = fabric.addVm(b, "vb", VNI, 1500);
            ManagerProcess manager = fabric.startManager(m, Json.object());
            AgentProcess agentB = fabric.startAgent(b, forHost(b).network(VNI, 1500).accept("to-a", "ha", true)
                    .manager(manager, 500).build());
            AgentProcess agentA = fabric.startAgent(a, forHost(a).network(VNI, 1500).dial("to-b", b, true)
                    .manager(manager, 500).build());
            agentA.awaitLinkUp("to-b", 10_000);
            assertEquals(3, va.ping(vb, 3).received());
            String log = manager.awaitLog("agent hb (host) registered", 10_000);
            manager.awaitLog("agent ha (host) registered", 10_000);
            assertTrue(log.contains("links at " + b.ip() + ":5800"), "the manager knows where hb takes links:\n" + log);

            // path properties are measured: the keepalive round trip, and the rate while iperf3 runs
            java.util.concurrent.ExecutorService bg = java.util.concurrent.Executors.newSingleThreadExecutor();
            java.util.concurrent.Future<Vm.IperfResult> iperf = bg.submit(() -> va.iperf(vb, 6, 1));
            com.fasterxml.jackson.databind.JsonNode linkA = null;
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline) {
                for (com.fasterxml.jackson.databind.JsonNode h : manager.get("/agents")) {
                    if (h.path("hostId").asText().equals("ha") && h.path("links").size() == 1
                            && h.path("links").get(0).path("rttMicros").asLong() > 0
                            && h.path("links").get(0).path("outBitsPerSecond").asLong() > 1_000_000) {
                        linkA = h.path("links").get(0);
                    }
                }
                if (linkA != null) {
                    break;
                }
                Thread.sleep(250);
            }
            Vm.IperfResult r = iperf.get(30, TimeUnit.SECONDS);
            bg.shutdown();
            assertTrue(linkA != null, "ha's link with a measured round trip and rate in /api/agents: "
                    + manager.get("/agents"));
            System.out.println("ha's link as the manager sees it: " + linkA + " (iperf3 " + r.bitsPerSecond() / 1e6
                    + " Mbit/s)");
            assertEquals("to-b", linkA.path("id").asText());
            assertEquals("hb", linkA.path("peer").asText());
            assertTrue(linkA.path("rttMicros").asLong() < 1_000_000 && linkA.path("minRttMicros").asLong() > 0
                    && linkA.path("minRttMicros").asLong() <= linkA.path("rttMicros").asLong() * 8, linkA.toString());

            manager.signal("KILL");
            manager.process().waitFor(10, TimeUnit.SECONDS);
            agentA.awaitLog("lost the manager", 10_000);
            Vm.PingResult whileDown = va.ping(vb, 5);
            assertEquals(5, whileDown.received(), "forwarding goes on without the manager:\n" + whileDown.output());

            ManagerProcess again = fabric.startManager(m, Json.object());
            again.awaitLog("agent ha (host) registered", 15_000);
            again.awaitLog("agent hb (host) registered", 15_000);
        }
    }
}
