package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.protocol.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A revoked certificate is refused at once: scripts/vnet-certs.sh DIR revoke NAME puts it on the
 * deny list that the agents and the manager re-read every second; its live link session and its
 * manager session are closed, and its reconnections refused at the hello.
 */
class RevocationIT {
    static final int A = 100;

    /** The manager on {@code mgr}, with mutual TLS and the deny list {@code revoked} (next to the fabric's CA). */
    private static ManagerProcess startManager(Fabric fabric, Host mgr, Path revoked) throws Exception {
        Path certs = fabric.certs("manager");
        ObjectNode mcfg = Json.object();
        mcfg.putObject("tls").put("ca", certs.resolve("ca.pem").toString())
                .put("cert", certs.resolve("manager.pem").toString()).put("key", certs.resolve("manager.key").toString())
                .put("revoked", revoked.toString());
        return fabric.startManager(mgr, mcfg);
    }

    @Test
    void aRevokedCertificatesLiveSessionsAreClosedWithinSecondsAndItsReconnectionsRefused() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host mgr = fabric.addHost("mgr");
            Host ha = fabric.addHost("ha");
            Host hb = fabric.addHost("hb");
            Vm va = fabric.addVm(ha, "va", A, 1500);
            Vm vb = fabric.addVm(hb, "vb", A, 1500);
            Path certs = fabric.certs("manager");
            Path revoked = certs.resolve("revoked.txt");
            ManagerProcess manager = startManager(fabric, mgr, revoked);
            assertTrue(manager.logText().contains("revoked certificates: 0 in " + revoked), manager.logText());
            AgentProcess agentA = fabric.startAgent(ha, forHost(ha).revoked(revoked).network(A, 1500)
                    .accept("from-b", "hb", true).manager(manager, 500).build());
            AgentProcess agentB = fabric.startAgent(hb, forHost(hb).revoked(revoked).network(A, 1500)
                    .dial("to-a", ha, true).manager(manager, 500).build());
            agentA.awaitLinkUp("from-b", 10_000);
            manager.awaitLog("agent hb (host) registered", 10_000);
            assertEquals(3, va.ping(vb, 3).received(), "hb's certificate is good");

            Sh.Result r = Sh.run(60, List.of(fabric.repoDir().resolve("scripts/vnet-certs.sh").toString(),
                    certs.toString(), "revoke", "hb"));
            assertEquals(0, r.exit(), r.out());
            long t0 = System.nanoTime();
            assertTrue(r.out().contains("revoked " + certs.resolve("hb.pem")), r.out());
            while (agentA.stats("link", "from-b").path("state").asText().equals("up")
                    && System.nanoTime() - t0 < 10_000_000_000L) {
                Thread.sleep(20);
            }
            long closedMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("hb's link session closed " + closedMs + " ms after its certificate was revoked");
            assertNotEquals("up", agentA.stats("link", "from-b").path("state").asText());
            assertTrue(closedMs <= 2500, "closed within a second or two of the revocation: " + closedMs + " ms");
            agentA.awaitLog("link from-b: closing the session with hb", 5_000);
            manager.awaitLog("closing agent connection from", 5_000);
            assertTrue(manager.logText().contains("(SHA-256 "), manager.logText());

            // hb dials again, and says hello to the manager again: both refused at the hello
            agentA.awaitLog("(host 'hb'): its certificate (SHA-256", 15_000);
            manager.awaitLog("refused agent connection from", 15_000);
            Thread.sleep(2000);
            assertNotEquals("up", agentA.stats("link", "from-b").path("state").asText(), "hb stays out");
            assertEquals(0, va.ping(vb, 3).received(), "nothing crosses with a revoked certificate");
            JsonNode listener = agentA.stats("listener", "listener");
            System.out.println("ha's listener after the revocation: " + listener);
            assertTrue(listener.path("peer").asText().contains("revoked certificates 1"), listener.toString());
            boolean hbConnected = true;
            boolean haConnected = false;
            for (JsonNode ag : manager.get("/agents")) {
                if (ag.path("hostId").asText().equals("hb")) {
                    hbConnected = ag.path("connected").asBoolean();
                } else if (ag.path("hostId").asText().equals("ha")) {
                    haConnected = ag.path("connected").asBoolean();
                }
            }
            assertFalse(hbConnected, "hb has no manager session: " + agentB.logText());
            assertTrue(haConnected, "ha's certificate is good: its session goes on");
        }
    }

    @Test
    void theManagerPushesItsDenyListSoAgentsWithoutAFileCloseARevokedPeerToo() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host mgr = fabric.addHost("mgr");
            Host ha = fabric.addHost("ha");
            Host hb = fabric.addHost("hb");
            Vm va = fabric.addVm(ha, "va", A, 1500);
            Vm vb = fabric.addVm(hb, "vb", A, 1500);
            Path certs = fabric.certs("manager");
            Path revoked = certs.resolve("revoked.txt");
            ManagerProcess manager = startManager(fabric, mgr, revoked);
            // the agents name no deny list of their own: only the manager's reaches them
            AgentProcess agentA = fabric.startAgent(ha, forHost(ha).network(A, 1500).accept("from-b", "hb", true)
                    .manager(manager, 500).build());
            fabric.startAgent(hb, forHost(hb).network(A, 1500).dial("to-a", ha, true).manager(manager, 500).build());
            agentA.awaitLinkUp("from-b", 10_000);
            manager.awaitLog("agent hb (host) registered", 10_000);
            assertEquals(3, va.ping(vb, 3).received());

            Sh.Result r = Sh.run(60, List.of(fabric.repoDir().resolve("scripts/vnet-certs.sh").toString(),
                    certs.toString(), "revoke", "hb"));
            assertEquals(0, r.exit(), r.out());
            long t0 = System.nanoTime();
            while (agentA.stats("link", "from-b").path("state").asText().equals("up")
                    && System.nanoTime() - t0 < 10_000_000_000L) {
                Thread.sleep(20);
            }
            long closedMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("with the manager's pushed list: hb's link session closed " + closedMs + " ms after the"
                    + " revocation");
            assertNotEquals("up", agentA.stats("link", "from-b").path("state").asText());
            assertTrue(closedMs <= 2500, "closed within a second or two of the revocation: " + closedMs + " ms");
            manager.awaitLog("revoked certificates: 1 pushed to", 5_000);
            agentA.awaitLog("revoked certificates: 1 from the manager", 5_000);
            agentA.awaitLog("link from-b: closing the session with hb", 5_000);
            agentA.awaitLog("(host 'hb'): its certificate (SHA-256", 15_000);
            assertEquals(0, va.ping(vb, 3).received(), "hb stays out");
        }
    }
}
