package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.it.fabric.AgentConfigBuilder;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.RawLinkClient;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Peers prove who they are before a byte is accepted: daemons refuse to start without TLS unless
 * told they are insecure; a live session is never replaced by a newcomer claiming the same peer
 * (a plain client, or a second certificate for the same identity); and whoever holds a tenant
 * proxy's certificate still gets only what that proxy's link carries.
 */
class AuthenticationIT {
    static final int A = 100;
    static final int B = 200;

    @Test
    void aPlainClientSayingHelloAsAConnectedPeerIsRefusedAndTheRealSessionGoesOn() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host a = fabric.addHost("ha");
            Host b = fabric.addHost("hb");
            Host m = fabric.addHost("hm");
            Vm va = fabric.addVm(a, "va", A, 1500);
            Vm vb = fabric.addVm(b, "vb", A, 1500);
            // this test is about plain TCP: both agents say they are insecure
            AgentProcess agentB = fabric.startAgent(b, forHost(b).insecure().network(A, 1500).accept("to-a", "ha", true)
                    .build());
            AgentProcess agentA = fabric.startAgent(a, forHost(a).insecure().network(A, 1500).dial("to-b", b, true)
                    .build());
            agentA.awaitLinkUp("to-b", 10_000);
            assertTrue(agentB.logText().contains("INSECURE: no authentication"), agentB.logText());
            JsonNode status = agentB.op("status");
            assertTrue(status.path("security").asText().startsWith("INSECURE"), status.toString());

            Vm.BackgroundPing ping = va.pingInBackground(vb, 40, 0.1);
            Thread.sleep(500);
            // hello as ha (the live peer), then a broadcast frame of network 100 as if from ha
            RawLinkClient.send(m, b, "\\x00\\x00\\x00\\x04\\x01\\x01ha",
                    "\\x00\\x00\\x00\\x13\\x01\\x00\\x00\\x00\\x64" + "\\xff".repeat(6) + "\\x02\\x00\\x00\\x00\\x00\\x66"
                            + "\\x08\\x06");
            Vm.PingResult during = ping.await(30);

            JsonNode listener = agentB.stats("listener", "listener");
            JsonNode toA = agentB.stats("link", "to-a");
            System.out.println("after the impostor: listener " + listener + ", to-a " + toA);
            assertTrue(agentB.logText().contains("to-a has a live session with ha"), agentB.logText());
            assertTrue(listener.path("peer").asText().contains("refused 1"), listener.toString());
            assertTrue(toA.path("peer").asText().contains("sessions 1,"), "the real session was not replaced: " + toA);
            assertEquals("up", toA.path("state").asText());
            assertEquals(0, during.lost(), "the real session carried every ping:\n" + during.output());
        }
    }

    @Test
    void withoutTlsAndWithoutInsecureTheAgentAndTheManagerRefuseToStartAndSayWhy() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host h = fabric.addHost("ha");
            ObjectNode cfg = forHost(h).network(A, 1500).build();
            cfg.remove("tls");
            Path file = fabric.workDir().resolve("plain.json");
            Files.writeString(file, cfg.toString());
            Path out = fabric.workDir().resolve("plain.log");
            Process p = fabric.spawn(h.ns(), List.of(fabric.repoDir().resolve("host-agent/bin/vnet-agent").toString(),
                    "--config", file.toString()), out);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the agent exits");
            String text = Files.readString(out);
            assertEquals(2, p.exitValue(), "exit code 2:\n" + text);
            assertTrue(text.contains("links and the manager channel are authenticated with mutual TLS")
                    && text.contains("\"insecure\": true"), text);

            Path mcfg = fabric.workDir().resolve("manager-plain.json");
            Files.writeString(mcfg, "{\"agentListen\": \"" + h.ip() + ":5900\"}");
            Path mout = fabric.workDir().resolve("manager-plain.log");
            Process mp = fabric.spawn(h.ns(), List.of(fabric.repoDir().resolve("plugin/manager-runtime/bin/vnet-manager")
                    .toString(), "--config", mcfg.toString(), "--fw", "vnet.manager.db.url=jdbc:h2:file:"
                    + fabric.workDir().resolve("plain-db")), mout);
            assertTrue(mp.waitFor(90, TimeUnit.SECONDS), "the manager exits");
            String mtext = Files.readString(mout);
            assertTrue(mp.exitValue() != 0, "a failure exit code:\n" + mtext);
            assertTrue(mtext.contains("agents are authenticated with mutual TLS") && mtext.contains("agentTokensFile"),
                    mtext);
        }
    }

    @Test
    void aProxysCertificateCarriesOnlyItsTenantsNetworkAndASecondCertificateForALiveIdentityIsRefused()
            throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host kvm = fabric.addHost("kvm");
            Host pxa = fabric.addHost("pxa");
            Host evil = fabric.addHost("evil");
            Vm a1 = fabric.addVm(kvm, "a1", A, 1400);
            Vm b1 = fabric.addVm(kvm, "b1", B, 1400);
            Vm a2 = fabric.addVm(pxa, "a2", A, 1400);
            Vm e2 = fabric.addVm(evil, "e2", B, 1400);
            // tenant A's proxy dials the host, which carries only A's network on that link
            AgentProcess host = fabric.startAgent(kvm, forHost(kvm).network(A, 1400).network(B, 1400)
                    .accept("from-pxa", "pxa", true, A).build());
            AgentProcess proxy = fabric.startAgent(pxa, forHost(pxa).role("proxy").network(A, 1400)
                    .dial("to-kvm", kvm, true, A).build());
            host.awaitLinkUp("from-pxa", 10_000);
            assertEquals(3, a1.ping(a2, 3).received());
            assertEquals("mutual TLS", host.op("status").path("security").asText());

            // a second valid certificate for pxa (same CA, new key) is refused while pxa's session lives
            Path certs = fabric.certs("pxa");
            Path second = fabric.workDir().resolve("second");
            Files.createDirectories(second);
            Files.copy(certs.resolve("ca.pem"), second.resolve("ca.pem"));
            Files.copy(certs.resolve("ca.key"), second.resolve("ca.key"));
            Sh.Result made = Sh.run(60, List.of(fabric.repoDir().resolve("scripts/vnet-certs.sh").toString(),
                    second.toString(), "proxy", "--tenant", io.vnet.it.fabric.AgentConfigBuilder.defaultTenant(pxa), "pxa"));
            assertEquals(0, made.exit(), made.out());
            ObjectNode impostor = forHost(evil).role("proxy").tls(second, "pxa").network(A, 1400).network(B, 1400)
                    .dial("to-kvm", kvm, true, A, B).build();
            impostor.put("hostId", "pxa");
            AgentProcess other = fabric.startAgent(evil, impostor);
            host.awaitLog("from-pxa has a live session with pxa", 15_000);
            assertEquals(3, a1.ping(a2, 3).received(), "the real proxy's session goes on");
            other.stop();

            // the stolen certificate itself (pxa's own key): the host takes it for pxa (here pxa is
            // down, so the thief holds the session), and still accepts nothing of network 200 from it
            proxy.stop();
            ObjectNode thief = forHost(evil).role("proxy").tls(certs, "pxa").network(A, 1400).network(B, 1400)
                    .dial("to-kvm", kvm, true, A, B).build();
            thief.put("hostId", "pxa");
            AgentProcess stolen = fabric.startAgent(evil, thief);
            stolen.awaitLinkUp("to-kvm", 15_000);
            long before = host.stats("link", "from-pxa").path("drops").path("not-carried").asLong();
            Vm.PingResult attack = e2.ping(b1, 5);
            long after = host.stats("link", "from-pxa").path("drops").path("not-carried").asLong();
            System.out.printf("stolen certificate: %d of 5 pings reached B's VM; %d frame(s) of network %d refused%n",
                    attack.received(), after - before, B);
            assertEquals(0, attack.received(), attack.output());
            assertTrue(after - before >= 1, "the thief's frames of network 200 (its VM's ARP requests) were counted"
                    + " not-carried: "
                    + host.stats("link", "from-pxa"));
        }
    }
    @Test
    void aCertificateSaysTheRoleAndTheManagerLetsAProxyCarryOnlyItsTenantsNetworks() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host mgr = fabric.addHost("mgr");
            Host kvm = fabric.addHost("kvm");
            Host pxa = fabric.addHost("pxa");
            Host evil = fabric.addHost("evil");
            String tenant = AgentConfigBuilder.defaultTenant(pxa);
            ObjectNode mcfg = Json.object();
            ObjectNode tenants = mcfg.putObject("tenants");
            tenants.putArray(tenant).add(A);
            tenants.putArray("t-other").add(B);
            ManagerProcess manager = fabric.startManager(mgr, mcfg);
            assertTrue(manager.logText().contains("tenants: 2; a proxy carries only the networks of the tenant"),
                    manager.logText());
            Path certs = fabric.certs("pxa", "proxy", tenant);
            fabric.certs("kvm");

            // the proxy's certificate cannot register as a host ...
            ObjectNode asHost = forHost(evil).tls(certs, "pxa").network(A, 1400).manager(manager, 500).build();
            asHost.put("hostId", "pxa");
            AgentProcess fake = fabric.startAgent(evil, asHost);
            manager.awaitLog("host pxa says it is a host but holds the certificate of a proxy pxa of tenant " + tenant,
                    15_000);
            fake.stop();
            // ... nor a host's as a proxy
            AgentProcess hostAsProxy = fabric.startAgent(kvm, forHost(kvm).role("proxy").tls(certs, "kvm").network(A, 1400)
                    .manager(manager, 500).build());
            manager.awaitLog("host kvm says it is a proxy but holds the certificate of a host kvm", 15_000);
            hostAsProxy.stop();

            // the real proxy reports A and B; its certificate's tenant owns A only
            AgentProcess proxy = fabric.startAgent(pxa, forHost(pxa).role("proxy").network(A, 1400).network(B, 1400)
                    .manager(manager, 500).build());
            manager.awaitLog("agent pxa (proxy) registered", 15_000);
            manager.awaitLog("reports networks [" + B + "] outside what its certificate lets it carry", 15_000);
            assertEquals("[" + A + "]", agent(manager, "pxa").path("networks").toString(),
                    "the manager plans pxa into network " + A + " only");
            assertEquals(0, manager.get("/networks/" + B + "/overlay").path("hosts").size(), "no host carries " + B + " for the manager: "
                    + manager.get("/networks/" + B + "/overlay"));

            // a second valid certificate for the live proxy is refused by the manager; pxa's session goes on
            Path second = fabric.workDir().resolve("second");
            Files.createDirectories(second);
            Files.copy(certs.resolve("ca.pem"), second.resolve("ca.pem"));
            Files.copy(certs.resolve("ca.key"), second.resolve("ca.key"));
            Sh.Result made = Sh.run(60, List.of(fabric.repoDir().resolve("scripts/vnet-certs.sh").toString(),
                    second.toString(), "proxy", "--tenant", tenant, "pxa"));
            assertEquals(0, made.exit(), made.out());
            ObjectNode impostor = forHost(evil).role("proxy").tls(second, "pxa").network(A, 1400).manager(manager, 500)
                    .build();
            impostor.put("hostId", "pxa");
            AgentProcess other = fabric.startAgent(evil, impostor);
            manager.awaitLog("host pxa has a live session from", 15_000);
            assertTrue(manager.logText().contains("a second certificate for a live identity is refused"), manager.logText());
            assertTrue(agent(manager, "pxa").path("connected").asBoolean(), "the real proxy's session goes on");
            assertFalse(manager.logText().contains("agent pxa disconnected"), manager.logText());
            other.stop();
            proxy.stop();
        }
    }

    private static JsonNode agent(ManagerProcess manager, String id) throws Exception {
        for (JsonNode a : manager.get("/agents")) {
            if (a.path("hostId").asText().equals(id)) {
                return a;
            }
        }
        throw new AssertionError("no agent " + id + " in " + manager.get("/agents"));
    }

    @Test
    void aClientWithTenantAsProxyCertificateSendingTenantBsNetworkHasEveryRecordDroppedAndCounted() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host kvm = fabric.addHost("kvm");
            Host pxa = fabric.addHost("pxa");
            Host evil = fabric.addHost("evil");
            fabric.addVm(kvm, "b1", B, 1400); // tenant B's VM on the host
            // the host accepts tenant A's proxy on a link that carries A's network only
            AgentProcess host = fabric.startAgent(kvm, forHost(kvm).network(A, 1400).network(B, 1400)
                    .accept("from-pxa", "pxa", true, A).build());
            Path certs = fabric.certs("pxa", "proxy", AgentConfigBuilder.defaultTenant(pxa));
            int records = 25;
            String[] chunks = new String[records + 1];
            chunks[0] = "\\x00\\x00\\x00\\x05\\x01\\x01pxa"; // hello as pxa (the certificate's CN)
            // frame records of network 200 (0xc8): a 60-byte broadcast ARP frame each
            String frame = "\\x00\\x00\\x00\\x41\\x01\\x00\\x00\\x00\\xc8" + "\\xff".repeat(6)
                    + "\\x02\\x00\\x00\\x00\\x00\\x66\\x08\\x06" + "\\x00".repeat(46);
            java.util.Arrays.fill(chunks, 1, chunks.length, frame);
            long before = host.stats("link", "from-pxa").path("drops").path("not-carried").asLong();
            long tapBefore = host.stats("interface", Host.tapName(B)).path("framesOut").asLong();
            String out = io.vnet.it.fabric.RawLinkClient.sendOverTls(evil, kvm, certs, "pxa", 0.05, chunks);
            host.awaitLog("link from-pxa up: peer pxa", 5_000);
            JsonNode link = host.stats("link", "from-pxa");
            long dropped = link.path("drops").path("not-carried").asLong() - before;
            long toB = host.stats("interface", Host.tapName(B)).path("framesOut").asLong() - tapBefore;
            System.out.printf("tenant A's proxy certificate sent %d records of network %d: %d dropped not-carried, %d"
                    + " reached B's bridge; link %s%n", records, B, dropped, toB, link);
            assertEquals(records, dropped, "every record of the other tenant's network is dropped and counted: " + link
                    + "\n" + out);
            assertEquals(0, toB, "none reached network " + B + "'s TAP");
        }
    }
}
