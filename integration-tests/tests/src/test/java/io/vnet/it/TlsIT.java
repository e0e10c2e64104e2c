package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Mutual TLS on TCP links: peers with certificates from the one CA talk; a peer whose
 * certificate comes from another CA is refused, and so is one whose valid certificate names
 * another host than the one it says it is.
 */
class TlsIT {
    static final int VNI = 100;

    private static void certs(Fabric fabric, Path dir, String... hosts) {
        List<String> cmd = new java.util.ArrayList<>(List.of(fabric.repoDir().resolve("scripts/vnet-certs.sh").toString(),
                dir.toString()));
        cmd.addAll(List.of(hosts));
        Sh.Result r = Sh.run(60, cmd);
        assertEquals(0, r.exit(), r.out());
    }

    @Test
    void onlyPeersWithTheRightCaAndNameGetALink() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Path ca1 = fabric.workDir().resolve("ca1");
            Path ca2 = fabric.workDir().resolve("ca2");
            certs(fabric, ca1, "ha", "hb", "hc");
            certs(fabric, ca2, "hm");
            Host a = fabric.addHost("ha");
            Host b = fabric.addHost("hb");
            Host m = fabric.addHost("hm");
            Host x = fabric.addHost("hx");
            Vm va = fabric.addVm(a, "va", VNI, 1500);
            Vm vb = fabric.addVm(b, "vb", VNI, 1500);
            AgentProcess agentB = fabric.startAgent(b, forHost(b).tls(ca1, "hb").network(VNI, 1500)
                    .accept("from-a", "ha", true).accept("from-m", "hm", false).accept("from-x", "hx", false).build());
            AgentProcess agentA = fabric.startAgent(a, forHost(a).tls(ca1, "ha").network(VNI, 1500)
                    .dial("to-b", b, true).build());
            agentA.awaitLinkUp("to-b", 10_000);
            assertTrue(agentA.logText().contains("with mutual TLS"), agentA.logText());
            assertEquals(5, va.ping(vb, 5).received(), "ha and hb talk over TLS");
            Vm.IperfResult r = va.iperf(vb, 3, 1);
            System.out.printf("iperf3 over a mutual-TLS link: %.1f Mbit/s, %d retransmits; A's link: %s%n",
                    r.bitsPerSecond() / 1e6, r.retransmits(), agentA.stats("link", "to-b"));
            assertTrue(r.bytesReceived() > 1_000_000, "data moved over TLS");

            // hm: a certificate from another CA
            AgentProcess agentM = fabric.startAgent(m, forHost(m).tls(ca2, "hm").network(VNI, 1500)
                    .dial("to-b", b, false).build());
            // hx: a valid certificate of CA 1, but it names hc
            AgentProcess agentX = fabric.startAgent(x, forHost(x).tls(ca1, "hc").network(VNI, 1500)
                    .dial("to-b", b, false).build());
            agentB.awaitLog("TLS handshake failed", 10_000);
            agentB.awaitLog("it says it is host 'hx' but its certificate names 'hc'", 10_000);
            Thread.sleep(1000);
            assertNotEquals("up", agentB.stats("link", "from-m").path("state").asText(), "hm was refused");
            assertNotEquals("up", agentB.stats("link", "from-x").path("state").asText(), "hx was refused");
            assertNotEquals("up", agentM.stats("link", "to-b").path("state").asText());
            assertNotEquals("up", agentX.stats("link", "to-b").path("state").asText());
            assertTrue(agentB.stats("listener", "listener").path("drops").path("unidentified").asLong() >= 2,
                    agentB.stats("listener", "listener").toString());
            assertEquals(5, va.ping(vb, 5).received(), "the trusted link still works");
        }
    }

    /**
     * Two event loops and four lanes: the link's session joins three more TLS connections (each
     * with the peer's certificate and the session's token), flows spread over them, and each VM's
     * TAP has a queue per loop (a session's end ending its lanes is {@code LanesTest}'s, over loopback).
     */
    @Test
    void aSessionsLanesJoinOverTlsAndCarryItsFlows() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Path ca = fabric.workDir().resolve("ca");
            certs(fabric, ca, "ha", "hb");
            Host a = fabric.addHost("ha");
            Host b = fabric.addHost("hb");
            Vm va = fabric.addVm(a, "va", VNI, 1500);
            Vm vb = fabric.addVm(b, "vb", VNI, 1500);
            AgentProcess agentB = fabric.startAgent(b, forHost(b).tls(ca, "hb").network(VNI, 1500)
                    .accept("from-a", "ha", true).set("eventLoops", 2).set("linkLanes", 4).build());
            AgentProcess agentA = fabric.startAgent(a, forHost(a).tls(ca, "ha").network(VNI, 1500)
                    .dial("to-b", b, true).set("eventLoops", 2).set("linkLanes", 4).build());
            agentA.awaitLinkUp("to-b", 10_000);
            awaitPeerText(agentA, "to-b", "lanes 4/4");
            awaitPeerText(agentB, "from-a", "lanes 4/4");
            assertTrue(agentA.stats("interface", Host.tapName(VNI)).path("peer").asText().contains("queues 2"),
                    agentA.stats("interface", Host.tapName(VNI)).toString());
            assertEquals(5, va.ping(vb, 5).received(), "ha and hb talk over the lanes");
            Vm.IperfResult r = va.iperf(vb, 3, 4);
            System.out.printf("iperf3, 4 streams over 4 TLS lanes and 2 loops: %.1f Mbit/s; A's link: %s%n",
                    r.bitsPerSecond() / 1e6, agentA.stats("link", "to-b"));
            assertTrue(r.bytesReceived() > 1_000_000, "data moved over the lanes");
            assertEquals(0, agentA.stats("link", "to-b").path("drops").path("unidentified").asLong());
            assertTrue(agentA.logText().contains("opening 3 more connections to hb (4 lanes"), agentA.logText());
        }
    }

    /** Waits up to 10 s for the link's stats line to contain {@code text}. */
    private static void awaitPeerText(AgentProcess agent, String link, String text) throws Exception {
        long end = System.currentTimeMillis() + 10_000;
        String peer = "";
        while (System.currentTimeMillis() < end) {
            peer = agent.stats("link", link).path("peer").asText();
            if (peer.contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("link " + link + " did not show '" + text + "' within 10 s: " + peer);
    }

    @Test
    void agentsAndTheManagerTalkOverMutualTlsAndImpostorsAreRefused() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Path ca1 = fabric.workDir().resolve("ca1");
            Path ca2 = fabric.workDir().resolve("ca2");
            certs(fabric, ca1, "manager");
            certs(fabric, ca1, "host", "ha", "hc");
            certs(fabric, ca2, "hm");
            Host mgr = fabric.addHost("mgr");
            Host a = fabric.addHost("ha");
            Host x = fabric.addHost("hx");
            Host m = fabric.addHost("hm");
            com.fasterxml.jackson.databind.node.ObjectNode cfg = io.vnet.protocol.Json.object();
            cfg.putObject("tls").put("ca", ca1.resolve("ca.pem").toString())
                    .put("cert", ca1.resolve("manager.pem").toString()).put("key", ca1.resolve("manager.key").toString());
            io.vnet.it.fabric.ManagerProcess manager = fabric.startManager(mgr, cfg);
            manager.awaitLog("(mutual TLS)", 10_000);
            AgentProcess agentA = fabric.startAgent(a, forHost(a).tls(ca1, "ha").network(VNI, 1500).manager(manager, 500).build());
            manager.awaitLog("agent ha (host) registered", 10_000);
            agentA.awaitLog("over mutual TLS", 10_000);
            fabric.startAgent(x, forHost(x).tls(ca1, "hc").network(VNI, 1500).manager(manager, 500).build());
            manager.awaitLog("it says it is host 'hx' but its certificate names 'hc'", 10_000);
            fabric.startAgent(m, forHost(m).tls(ca2, "hm").network(VNI, 1500).manager(manager, 500).build());
            manager.awaitLog("TLS handshake failed", 10_000);
            Thread.sleep(1000);
            java.util.List<String> registered = new java.util.ArrayList<>();
            manager.get("/agents").forEach(ag -> registered.add(ag.path("hostId").asText()));
            assertEquals(List.of("ha"), registered, "only ha registered");
        }
    }
}
