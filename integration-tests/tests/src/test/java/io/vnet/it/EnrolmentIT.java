package io.vnet.it;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A new host joins with a one-time token: the admin makes it on the manager (vnetctl manager enrol);
 * the new agent's configuration names the manager and the token file, and no certificate. At its
 * start it makes its own key, proves it to the manager over a channel that trusts only the
 * certificate its token pins, gets its certificate and the CA, and registers over mutual TLS. The
 * token is spent: used again (or for another host, or with a wrong secret) it is refused, and the
 * agent says why and exits.
 */
class EnrolmentIT {
    static final int VNI = 100;

    @Test
    void aNewHostJoinsWithOneTokenAndTheTokenIsSpent() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host m = fabric.addHost("mgr");
            Host n = fabric.addHost("hn");
            Host x = fabric.addHost("hx");
            fabric.addVm(n, "vn", VNI, 1500);
            Path ca = fabric.certs("manager");
            ManagerProcess manager = fabric.startManager(m, Json.object().set("enrolment", Json.object()
                    .put("signCommand", fabric.repoDir().resolve("scripts/vnet-certs.sh").toString())
                    .put("caDir", ca.toString())));
            manager.awaitLog("enrolment: new hosts join with one-time tokens", 10_000);

            // the admin's one step, with the command line, on the manager's host
            String token = vnetctl(fabric, m, manager, "manager", "enrol", "hn").lines().findFirst().orElse("").strip();
            assertEquals(120, token.length(), "one line, the token: " + token);
            Path tokenFile = fabric.workDir().resolve("hn-token");
            Files.writeString(tokenFile, token + "\n");
            Path pki = fabric.workDir().resolve("hn-pki");

            long t0 = System.nanoTime();
            AgentProcess agent = fabric.startAgent(n, forHost(n).network(VNI, 1500).enrolment(tokenFile, pki)
                    .manager(manager, 500).build());
            manager.awaitLog("agent hn (host) registered", 20_000);
            System.out.printf("EnrolmentIT: hn enrolled and registered %.1f s after its start%n", (System.nanoTime() - t0) / 1e9);
            String alog = agent.logText();
            assertTrue(alog.contains("enrolled with the manager"), alog);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.resolve("hn.key"))));
            String subject = Sh.must("openssl", "x509", "-in", pki.resolve("hn.pem").toString(), "-noout", "-subject",
                    "-nameopt", "RFC2253");
            assertTrue(subject.contains("CN=hn") && subject.contains("OU=host"), subject);
            assertTrue(Sh.run("openssl", "verify", "-CAfile", pki.resolve("ca.pem").toString(), pki.resolve("hn.pem").toString())
                    .ok(), "the certificate is the fabric CA's");
            JsonNode hn = null;
            for (JsonNode h : manager.get("/agents")) {
                if (h.path("hostId").asText().equals("hn")) {
                    hn = h;
                }
            }
            assertTrue(hn != null && hn.path("connected").asBoolean() && hn.path("security").asText().equals("mutual TLS"),
                    "hn is registered over mutual TLS: " + hn);
            JsonNode listed = Json.MAPPER.readTree(vnetctl(fabric, m, manager, "manager", "enrolments", "--json"));
            assertTrue(listed.get(0).path("usedAt").isTextual(), "the token is spent: " + listed);
            assertTrue(manager.logText().contains("enrolled host hn from"), "the manager logs the enrolment");

            // spent: the same token again (from another host, as if it were copied) is refused, and the agent exits saying so
            Path reused = fabric.workDir().resolve("hn2-pki");
            String again = startFailing(fabric, x, forHost(x).network(VNI, 1500).enrolment(tokenFile, reused)
                    .manager(manager, 500).build().put("hostId", "hn"));
            assertTrue(again.contains("refused it: the enrolment token") && again.contains("was spent"), again);
            assertTrue(!Files.exists(reused.resolve("hn.key")), "no key kept for a refused enrolment");

            // a token for another host is refused for this one
            String other = vnetctl(fabric, m, manager, "manager", "enrol", "hy").lines().findFirst().orElse("").strip();
            Path otherFile = fabric.workDir().resolve("hy-token");
            Files.writeString(otherFile, other + "\n");
            String wrongHost = startFailing(fabric, x, forHost(x).network(VNI, 1500)
                    .enrolment(otherFile, fabric.workDir().resolve("hx-pki")).manager(manager, 500).build());
            assertTrue(wrongHost.contains("the enrolment token is for host hy, not hx"), wrongHost);
            long refused = manager.logText().lines().filter(l -> l.contains("refused an enrolment from")).count();
            assertEquals(2, refused, "both refusals logged by the manager");
        }
    }

    /**
     * The must-show of issue 20, item 2: a running fabric (a proxy and a host in a configured star,
     * network 100; the host also carries network 200, linked nowhere); a new host (network 100) and a
     * new proxy (network 200) join with one token each. The manager gives every host that its
     * configuration links nowhere in a network a membership link to that network's hub (its proxy):
     * the new host's VM reaches the old host's, and the old host's VM in network 200 reaches the new
     * proxy's; the old daemons were neither restarted nor edited. The joining daemons' files hold their
     * names, the manager's address and the token file only: their networks come on demand ({@code vnetctl
     * net attach}, as the hooks do before a VM starts), and the new proxy takes no links (it dials).
     */
    @Test
    void aNewHostAndANewProxyJoinARunningFabricAndTheirVmsReachTheOthers() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host m = fabric.addHost("mgr");
            Host p = fabric.addHost("pa");
            Host h1 = fabric.addHost("h1");
            Host hn = fabric.addHost("hn");
            Host pn = fabric.addHost("pn");
            io.vnet.it.fabric.Vm v1 = fabric.addVm(h1, "v1", VNI, 1500);
            io.vnet.it.fabric.Vm v2 = fabric.addVm(h1, "v2", 200, 1500);
            io.vnet.it.fabric.Vm vn = fabric.addVm(hn, "vn", VNI, 1500);
            io.vnet.it.fabric.Vm vp = fabric.addVm(pn, "vp", 200, 1500);
            Path ca = fabric.certs("manager");
            ManagerProcess manager = fabric.startManager(m, Json.object().set("enrolment", Json.object()
                    .put("signCommand", fabric.repoDir().resolve("scripts/vnet-certs.sh").toString())
                    .put("caDir", ca.toString())));
            AgentProcess proxy = fabric.startAgent(p, forHost(p).role("proxy").network(VNI, 1500)
                    .accept("from-h1", "h1", true, VNI).manager(manager, 500).build());
            AgentProcess host1 = fabric.startAgent(h1, forHost(h1).network(VNI, 1500).network(200, 1500)
                    .dial("to-pa", p, true, VNI).manager(manager, 500).build());
            host1.awaitLinkUp("to-pa", 10_000);
            Path proxyConfig = fabric.workDir().resolve("pa.json");
            Path host1Config = fabric.workDir().resolve("h1.json");
            String proxyBefore = Files.readString(proxyConfig);
            String host1Before = Files.readString(host1Config);

            String hostToken = vnetctl(fabric, m, manager, "manager", "enrol", "hn").lines().findFirst().orElse("").strip();
            String proxyToken = vnetctl(fabric, m, manager, "manager", "enrol", "pn", "--role", "proxy", "--tenant", "t-pn")
                    .lines().findFirst().orElse("").strip();
            Path hostTokenFile = Files.writeString(fabric.workDir().resolve("hn-token"), hostToken + "\n");
            Path proxyTokenFile = Files.writeString(fabric.workDir().resolve("pn-token"), proxyToken + "\n");
            long t0 = System.nanoTime();
            // their files: the host's name, the manager's address and the token file (the harness adds the local
            // paths of the control socket and the state file); no certificate, no peer, no network
            AgentProcess newHost = fabric.startAgent(hn, joining("hn", "host", manager, hostTokenFile, fabric.workDir().resolve("hn-pki")));
            AgentProcess newProxy = fabric.startAgent(pn, joining("pn", "proxy", manager, proxyTokenFile, fabric.workDir().resolve("pn-pki")));
            // the networks come on demand, as CloudStack's and libvirt's hooks bring them before a VM starts
            // (vnetctl net attach makes vnbr<VNI> with the agent's TAP); the VM's NIC is plugged there
            attach(fabric, hn, newHost, VNI, vn);
            attach(fabric, pn, newProxy, 200, vp);
            Vm.PingResult hostPing;
            try {
                hostPing = pingUntil(vn, v1, 30_000);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nmanager: " + manager.logText().lines()
                        .filter(l -> l.contains("membership") || l.contains("registered") || l.contains("hn"))
                        .toList() + "\nhn's agent:\n" + newHost.logText().lines().filter(l -> !l.contains("bundle "))
                        .toList(), e);
            }
            double hostSeconds = (System.nanoTime() - t0) / 1e9;
            Vm.PingResult proxyPing = pingUntil(v2, vp, 30_000);
            double proxySeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("EnrolmentIT: the new host's VM reached the old host's %.1f s after the two started (%s),"
                    + " the old host's VM in network 200 the new proxy's %.1f s after (%s)%n", hostSeconds,
                    hostPing.output().lines().filter(l -> l.contains("packet loss")).findFirst().orElse(""), proxySeconds,
                    proxyPing.output().lines().filter(l -> l.contains("packet loss")).findFirst().orElse(""));
            String mlog = manager.logText();
            assertTrue(mlog.contains("host hn: membership links [member-pa [100]]"), mlog);
            assertTrue(mlog.contains("host h1: membership links [member-pn [200]]"), mlog);
            assertTrue(proxy.process().isAlive() && host1.process().isAlive(), "the old daemons were not restarted");
            assertEquals(proxyBefore, Files.readString(proxyConfig), "the proxy's configuration was not edited");
            assertEquals(host1Before, Files.readString(host1Config), "the old host's configuration was not edited");
            assertTrue(!proxy.logText().contains("stopped cleanly") && !host1.logText().contains("stopped cleanly"));
        }
    }

    /** A joining daemon's whole file: its name and role, the manager's address and its enrolment. */
    private static com.fasterxml.jackson.databind.node.ObjectNode joining(String host, String role, ManagerProcess manager,
                                                                         Path tokenFile, Path pki) {
        com.fasterxml.jackson.databind.node.ObjectNode c = Json.object().put("hostId", host).put("role", role)
                .put("manager", manager.agentAddress());
        c.putObject("enrolment").put("tokenFile", tokenFile.toString()).put("dir", pki.toString());
        return c;
    }

    /** {@code vnetctl net attach VNI} on {@code h} (as the hooks call it), then {@code vm}'s NIC on the bridge it printed. */
    private static void attach(Fabric fabric, Host h, AgentProcess agent, int vni, Vm vm) {
        Sh.Result r = Sh.run(60, List.of("ip", "netns", "exec", h.ns(), fabric.repoDir().resolve("host-agent/bin/vnetctl")
                .toString(), "-s", agent.socket().toString(), "net", "attach", Integer.toString(vni)));
        assertEquals(0, r.exit(), r.out());
        String bridge = r.out().strip();
        assertEquals("vnbr" + vni, bridge);
        Sh.must("ip", "-n", h.ns(), "link", "set", vm.hostSide(), "nomaster");
        Sh.must("ip", "-n", h.ns(), "link", "set", vm.hostSide(), "master", bridge, "up");
    }

    /** Pings {@code to} from {@code from} until three of three answer, or fails after {@code timeoutMs}. */
    private static Vm.PingResult pingUntil(Vm from, Vm to, long timeoutMs) throws Exception {
        long end = System.currentTimeMillis() + timeoutMs;
        Vm.PingResult r = null;
        while (System.currentTimeMillis() < end) {
            r = from.ping(to, 3);
            if (r.received() == 3) {
                return r;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(from + " never reached " + to + " within " + timeoutMs + " ms: " + (r == null ? "" : r.output()));
    }

    /** Starts an agent that must stop: it exits with 2 before it is ready; what it logged. */
    private static String startFailing(Fabric fabric, Host h, com.fasterxml.jackson.databind.node.ObjectNode cfg) throws Exception {
        try {
            fabric.startAgent(h, cfg);
        } catch (IllegalStateException expected) { // the agent exited before its control socket: its log is in the message
            assertTrue(expected.getMessage().contains("exited with 2"), expected.getMessage());
            return expected.getMessage();
        }
        throw new AssertionError("the agent of " + h + " started with a refused enrolment");
    }

    private static String vnetctl(Fabric fabric, Host m, ManagerProcess manager, String... args) throws Exception {
        Path session = fabric.workDir().resolve("enrol-session.json");
        if (!Files.exists(session)) {
            Path pw = fabric.workDir().resolve("enrol-pw");
            Files.writeString(pw, manager.adminPassword() + "\n");
            run(fabric, m, session, "manager", "login", "--url", "http://127.0.0.1:" + ManagerProcess.HTTP_PORT, "--user",
                    manager.adminUser(), "--password-file", pw.toString());
        }
        return run(fabric, m, session, args);
    }

    private static String run(Fabric fabric, Host m, Path session, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", m.ns(), "env",
                "VNET_MANAGER_SESSION=" + session, fabric.repoDir().resolve("host-agent/bin/vnetctl").toString()));
        cmd.addAll(List.of(args));
        Sh.Result r = Sh.run(60, cmd);
        assertEquals(0, r.exit(), String.join(" ", args) + ":\n" + r.out());
        return r.out();
    }
}
