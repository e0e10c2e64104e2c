package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.RawLinkClient;
import io.vnet.it.fabric.Vm;
import org.junit.jupiter.api.Test;

/**
 * A raw TCP client sends garbage to an agent's link port: before a hello (to the listener)
 * and after a hello as an accepted peer (to that link). Every bad record is dropped and
 * counted, the sender is disconnected, and the agent keeps forwarding for the real VMs.
 */
class BadInputIT {
    static final int VNI = 100;

    private static long drop(JsonNode stats, String reason) {
        return stats.path("drops").path(reason).asLong(0);
    }

    @Test
    void garbageIsCountedAndTheSenderDisconnectedWhileForwardingGoesOn() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host a = fabric.addHost("ha");
            Host b = fabric.addHost("hb");
            Host m = fabric.addHost("hm");
            Vm va = fabric.addVm(a, "va", VNI, 1500);
            Vm vb = fabric.addVm(b, "vb", VNI, 1500);
            // a raw client speaks plain TCP records: the agents run without TLS ("insecure")
            AgentProcess agentB = fabric.startAgent(b, forHost(b).insecure().network(VNI, 1500)
                    .accept("to-a", "ha", true).accept("mallory", "hm", false).build());
            AgentProcess agentA = fabric.startAgent(a, forHost(a).insecure().network(VNI, 1500).dial("to-b", b, true)
                    .build());
            agentA.awaitLinkUp("to-b", 10_000);
            assertEquals(3, va.ping(vb, 3).received());

            Vm.BackgroundPing ping = va.pingInBackground(vb, 60, 0.1);
            // before any hello: text (its first 4 bytes read as a huge length), a bad version,
            // a frame with no hello, and a hello from a host no link accepts
            RawLinkClient.send(m, b, "GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n");
            RawLinkClient.send(m, b, "\\x00\\x00\\x00\\x10\\x09\\x00" + "\\x00".repeat(14));
            RawLinkClient.send(m, b, "\\x00\\x00\\x00\\x13\\x01\\x00\\x00\\x00\\x64" + "\\xff".repeat(6) + "\\x02".repeat(6) + "\\x08\\x00");
            RawLinkClient.send(m, b, "\\x00\\x00\\x00\\x05\\x01\\x01eve");
            // as the accepted peer hm: a runt frame, a frame of a network its link does not carry, then an
            // oversized length
            RawLinkClient.send(m, b, "\\x00\\x00\\x00\\x04\\x01\\x01hm",
                    "\\x00\\x00\\x00\\x0f\\x01\\x00\\x00\\x00\\x64" + "\\x01".repeat(10),
                    "\\x00\\x00\\x00\\x13\\x01\\x00\\x00\\x03\\xe7" + "\\xff".repeat(6) + "\\x02".repeat(6) + "\\x08\\x00",
                    "\\x7f\\xff\\xff\\xff\\x01\\x00");
            Vm.PingResult during = ping.await(30);

            JsonNode listener = agentB.stats("listener", "listener");
            JsonNode mallory = agentB.stats("link", "mallory");
            System.out.println("listener after garbage: " + listener);
            System.out.println("link mallory after garbage: " + mallory);
            assertTrue(drop(listener, "oversize") >= 1, "text read as a length: " + listener);
            assertTrue(drop(listener, "bad-version") >= 1, "bad version: " + listener);
            assertTrue(drop(listener, "unidentified") >= 2, "frame before hello and unknown host: " + listener);
            assertTrue(listener.path("peer").asText().contains("refused 1"), "host eve refused: " + listener);
            assertEquals(1, drop(mallory, "runt"), "runt frame: " + mallory);
            assertEquals(1, drop(mallory, "not-carried"), "a network the link does not carry (999): " + mallory);
            assertEquals(1, drop(mallory, "oversize"), "oversized length: " + mallory);
            assertNotEquals("up", mallory.path("state").asText(), "the garbage sender was disconnected");
            String log = agentB.logText();
            assertTrue(log.contains("closing link mallory from /10.250.0.3"), "log names the peer:\n" + log);
            assertTrue(log.contains("host 'eve' is not the peer of any accepting link"), "log names eve:\n" + log);

            assertEquals(0, during.lost(), "forwarding for the real VMs went on:\n" + during.output());
            assertEquals("up", agentB.stats("link", "to-a").path("state").asText());
            assertEquals(5, va.ping(vb, 5).received(), "and still goes on");
        }
    }
}
