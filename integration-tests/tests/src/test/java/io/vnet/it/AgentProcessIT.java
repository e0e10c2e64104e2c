package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The agent as a process: bundles in Felix, configuration errors, signals, a vanished TAP, restarts. */
class AgentProcessIT {
    static final int VNI = 100;

    @Test
    void everyBundleIsActiveInFelixAndSigtermStopsCleanly() throws Exception {
        Path bundles = Fabric.repo().resolve("host-agent/target/dist/bundles");
        try (Stream<Path> jars = Files.list(bundles)) {
            for (Path jar : jars.filter(p -> p.getFileName().toString().startsWith("vnet-")).toList()) {
                try (JarFile jf = new JarFile(jar.toFile())) {
                    assertNotNull(jf.getManifest().getMainAttributes().getValue("Bundle-SymbolicName"),
                            jar + " has a Bundle-SymbolicName");
                }
            }
        }
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host h = fabric.addHost("ha");
            AgentProcess agent = fabric.startAgent(h, forHost(h).network(VNI, 1500).build());
            String log = agent.awaitLog("bundles ACTIVE", 10_000); // the launcher lists them once all started
            for (String bsn : List.of("io.vnet.api", "io.vnet.dataplane", "io.vnet.agent", "org.apache.felix.scr",
                    "io.netty.transport-classes-epoll", "com.sun.jna", "io.vnet.wrap.pcap4j", "slf4j.api", "slf4j.jdk14")) {
                assertTrue(log.matches("(?s).*bundle \\d+ " + java.util.regex.Pattern.quote(bsn) + " \\S+ ACTIVE.*"),
                        bsn + " ACTIVE in the agent's log:\n" + log);
            }
            assertFalse(log.contains("INSTALLED (unresolved)"), "no unresolved bundle:\n" + log);
            assertTrue(log.contains("epoll transport"), "the native epoll transport is used:\n" + log);
            assertFalse(log.contains("Pcap4J successfully loaded"), "a host with no LAN device never loads libpcap:\n" + log);
            assertTrue(Sh.run("ip", "-n", h.ns(), "link", "show", "vnet100").ok(), "the agent made its TAP");

            agent.signal("TERM");
            assertTrue(agent.process().waitFor(20, TimeUnit.SECONDS), "the agent exits on SIGTERM");
            log = agent.logText();
            assertTrue(log.contains("data plane of host ha stopped"), "the data plane stopped:\n" + log);
            assertTrue(log.contains("stopped cleanly"), "clean stop logged:\n" + log);
            assertFalse(Sh.run("ip", "-n", h.ns(), "link", "show", "vnet100").ok(), "its TAP is gone");
            assertFalse(Files.exists(agent.socket()), "its control socket is removed");
        }
    }

    @Test
    void aConfigurationErrorExitsWithCode2NamingFileAndField() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host h = fabric.addHost("ha");
            ObjectNode cfg = forHost(h).network(VNI, 1500).build();
            ((ObjectNode) cfg.withArray("networks").get(0)).put("vni", 0);
            Path file = fabric.workDir().resolve("bad.json");
            Files.writeString(file, cfg.toString());
            Path out = fabric.workDir().resolve("bad.log");
            Process p = fabric.spawn(h.ns(), List.of(fabric.repoDir().resolve("host-agent/bin/vnet-agent").toString(),
                    "--config", file.toString()), out);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the agent exits");
            String text = Files.readString(out);
            assertEquals(2, p.exitValue(), "exit code 2:\n" + text);
            assertTrue(text.contains("config " + file + ": networks[0].vni: expected an integer 1..16777215, got 0"),
                    "the message names the file, the field and what is expected:\n" + text);
        }
    }

    @Test
    void aVanishedTapIsReportedAndTheAgentGoesOn() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host h = fabric.addHost("ha");
            AgentProcess agent = fabric.startAgent(h, forHost(h).network(VNI, 1500).network(101, 1500).build());
            Sh.must("ip", "-n", h.ns(), "link", "del", "vnet100");
            long deadline = System.currentTimeMillis() + 5000;
            String state = "";
            while (System.currentTimeMillis() < deadline && !state.equals("vanished")) {
                Thread.sleep(100);
                state = agent.stats("interface", "vnet100").path("state").asText();
            }
            assertEquals("vanished", state, "the TAP's state says it vanished");
            assertTrue(agent.logText().contains("TAP device vnet100 (vni 100) vanished"), agent.logText());
            assertTrue(agent.process().isAlive(), "the agent is still running");
            assertEquals("up", agent.stats("interface", "vnet101").path("state").asText(), "the other TAP is unaffected");
        }
    }

    @Test
    void aRestartedPeerIsReconnectedAndForwardingResumes() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host a = fabric.addHost("ha");
            Host b = fabric.addHost("hb");
            Vm va = fabric.addVm(a, "va", VNI, 1500);
            Vm vb = fabric.addVm(b, "vb", VNI, 1500);
            ObjectNode cfgB = forHost(b).network(VNI, 1500).accept("to-a", "ha", true).build();
            AgentProcess agentB = fabric.startAgent(b, cfgB);
            AgentProcess agentA = fabric.startAgent(a, forHost(a).network(VNI, 1500).dial("to-b", b, true).build());
            agentA.awaitLinkUp("to-b", 10_000);
            assertEquals(3, va.ping(vb, 3).received());

            agentB.signal("KILL");
            agentB.process().waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(1500); // A keeps dialling with growing backoff meanwhile
            assertEquals("connecting", agentA.stats("link", "to-b").path("state").asText());
            long restarted = System.nanoTime();
            AgentProcess again = fabric.startAgent(b, cfgB);
            agentA.awaitLinkUp("to-b", 10_000);
            System.out.printf("link back up %.1f s after the peer restarted%n", (System.nanoTime() - restarted) / 1e9);
            assertTrue(agentA.stats("link", "to-b").path("peer").asText().contains("sessions 2"), "a second session");
            assertEquals("up", again.stats("link", "to-a").path("state").asText());
            Vm.PingResult r = va.ping(vb, 5);
            assertEquals(5, r.received(), "forwarding resumed:\n" + r.output());
        }
    }

    @Test
    void aSilentPeerIsDroppedByKeepaliveAndTheLinkComesBack() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host a = fabric.addHost("ha");
            Host b = fabric.addHost("hb");
            Vm va = fabric.addVm(a, "va", VNI, 1500);
            Vm vb = fabric.addVm(b, "vb", VNI, 1500);
            AgentProcess agentB = fabric.startAgent(b, forHost(b).network(VNI, 1500).accept("to-a", "ha", true)
                    .set("keepaliveMs", 300).build());
            AgentProcess agentA = fabric.startAgent(a, forHost(a).network(VNI, 1500).dial("to-b", b, true)
                    .set("keepaliveMs", 300).build());
            agentA.awaitLinkUp("to-b", 10_000);
            Thread.sleep(1500);
            assertEquals("up", agentA.stats("link", "to-b").path("state").asText(), "keepalives hold an idle link up");

            agentB.signal("STOP");
            try {
                Thread.sleep(2500);
                assertTrue(agentA.logText().contains("link to-b: peer hb silent past the keepalive timeout"),
                        "A noticed the silent peer:\n" + agentA.logText());
                assertEquals("connecting", agentA.stats("link", "to-b").path("state").asText());
            } finally {
                agentB.signal("CONT");
            }
            agentA.awaitLinkUp("to-b", 15_000);
            assertEquals(5, va.ping(vb, 5).received(), "forwarding resumed over the new connection");
        }
    }
}
