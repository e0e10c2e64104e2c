package io.vnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.experiment.AdaptTestbed;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.it.patterns.Patterns;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The manager's database stopped for 60 s (issue 19, item 5): a manager on PostgreSQL (a server of
 * the test's own in the manager's namespace: {@link PrivatePostgres}) with three agents reporting.
 * While the database is down the manager answers the reads it holds in memory (agents, hosts,
 * networks, the network's adaptation and overlay), refuses a write with 503 and a message naming
 * the database and the retry, {@code /readyz} says 503 and why, {@code /healthz} 200, and the
 * data plane forwards every ping. A VM that appears during the outage is recorded once the database
 * is back. After the database starts again the manager is ready and takes writes within
 * {@value #RECOVERY_S} s, without a restart, and what it acknowledged before and during the outage
 * is in the database.
 */
class DatabaseOutageIT {
    static final int VNI = AdaptTestbed.VNI;
    static final long OUTAGE_MS = 60_000;
    static final double RECOVERY_S = 20;

    @Test
    void theManagerServesReadsRefusesWritesWithAReasonAndRecoversByItselfWhenPostgresqlReturns() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host mgr = fabric.addHost("mgr");
            Host h1 = fabric.addHost("h1");
            Host h2 = fabric.addHost("h2");
            Host px = fabric.addHost(AdaptTestbed.PROXY);
            Vm a = fabric.addVm(h1, "a", VNI, 1500);
            Vm b = fabric.addVm(h2, "b", VNI, 1500);
            Vm c = fabric.addVm(h2, "c", VNI, 1500); // silent until the outage
            PrivatePostgres pg = PrivatePostgres.create(fabric, mgr);
            ManagerProcess manager = fabric.startManager(mgr, AdaptTestbed.managerConfig(0),
                    List.of("vnet.manager.db.url=" + PrivatePostgres.URL));
            List<AgentProcess> agents = Patterns.startStar(fabric, List.of(h1, h2, px), VNI,
                    cb -> cb.manager(manager, AdaptTestbed.REPORT_MS));
            awaitConnected(manager, agents.size(), 20_000);
            assertEquals(3, a.ping(b, 3, 0.2, 56).received(), "the star forwards");
            awaitVmRow(manager, a.mac(), 15_000);
            awaitVmRow(manager, b.mac(), 15_000);
            // a write acknowledged before the outage
            ManagerProcess.Response set = manager.rest("PUT", "/networks/" + VNI + "/adaptation", "{\"mode\": \"recommend\"}");
            assertEquals(200, set.status(), set.body().toString());
            long auditBefore = ClosedLoopIT.lastAuditId(manager);

            Vm.BackgroundPing ping = a.pingInBackground(b, (int) (OUTAGE_MS / 100) - 20, 0.1);
            long stoppedAt = System.currentTimeMillis();
            ManagerProcess.Response readyz;
            ManagerProcess.Response write;
            Vm.PingResult pings;
            try {
                pg.stop();
                Thread.sleep(1500);
                ManagerProcess.Response healthz = probe(manager, "/healthz");
                assertEquals(200, healthz.status(), "alive: " + healthz.body());
                readyz = probe(manager, "/readyz");
                assertEquals(503, readyz.status(), "not ready: " + readyz.body());
                assertTrue(readyz.body().path("reason").asText().startsWith("database unreachable since "), readyz.body()
                        .toString());
                for (String read : List.of("/agents", "/hosts", "/networks", "/networks/" + VNI + "/adaptation",
                        "/networks/" + VNI + "/overlay")) {
                    ManagerProcess.Response r = manager.rest("GET", read, null);
                    assertEquals(200, r.status(), "GET " + read + " while the database is down: " + r.body());
                }
                write = manager.rest("PUT", "/networks/" + VNI + "/adaptation", "{\"mode\": \"off\"}");
                assertEquals(503, write.status(), "a write while the database is down: " + write.body());
                String msg = write.body().path("error").asText();
                assertTrue(msg.contains("database") && msg.contains("unreachable") && msg.contains("try again"), msg);
                assertEquals(5, write.body().path("retryAfterSeconds").asInt(), write.body().toString());
                // a VM that appears while the database is down: the manager learns it and records it later
                assertEquals(3, c.ping(a, 3, 0.2, 56).received(), "a new VM forwards during the outage");
                Vm.BackgroundPing cTraffic = c.pingInBackground(a, 100, 0.3);
                Thread.sleep(Math.max(0, stoppedAt + OUTAGE_MS - System.currentTimeMillis()));
                pings = ping.await(30);
                cTraffic.await(60);
            } finally {
                pg.start(); // always: the rest of the test, and the fabric's clean-up, expect it running
            }
            long startedAt = System.currentTimeMillis();
            long readyAt = -1;
            while (System.currentTimeMillis() < startedAt + 60_000) {
                if (probe(manager, "/readyz").status() == 200) {
                    readyAt = System.currentTimeMillis();
                    break;
                }
                Thread.sleep(100);
            }
            assertTrue(readyAt > 0, "ready again after PostgreSQL started: " + probe(manager, "/readyz").body());
            ManagerProcess.Response again = manager.rest("PUT", "/networks/" + VNI + "/adaptation", "{\"mode\": \"off\"}");
            long writableAt = System.currentTimeMillis();
            assertEquals(200, again.status(), "a write once the database is back, no restart: " + again.body());
            long cRecordedAt = awaitVmRow(manager, c.mac(), 30_000);
            String auditRows = pg.query("SELECT count(*) FROM audit_log WHERE id >= " + auditBefore);
            String settings = pg.query("SELECT document FROM adaptation_setting WHERE vni = " + VNI);
            JsonNode ready = probe(manager, "/readyz").body();
            double recovery = (writableAt - startedAt) / 1000.0;
            System.out.printf("PostgreSQL stopped for %.1f s: reads from memory 200, a write 503 (\"%s\"), /readyz 503"
                            + " (\"%s\"); pings across the outage %d of %d answered; PostgreSQL started: /readyz 200 after"
                            + " %.2f s, a write accepted after %.2f s; the VM that appeared during the outage recorded"
                            + " %.2f s after the start; store writes %s%n",
                    (startedAt - stoppedAt) / 1000.0, write.body().path("error").asText(),
                    readyz.body().path("reason").asText(), pings.received(), pings.sent(), (readyAt - startedAt) / 1000.0,
                    recovery, (cRecordedAt - startedAt) / 1000.0, ready.path("storeWrites"));
            assertEquals(pings.sent(), pings.received(), "the data plane forwarded every ping during the outage: "
                    + pings.output());
            assertTrue(recovery <= RECOVERY_S, "writes work again " + recovery + " s after PostgreSQL started");
            assertEquals("2", auditRows, "the audit entry acknowledged before the outage and the one after it are"
                    + " there, and the refused write left none");
            assertTrue(settings.contains("\"off\""), "the write after the outage is stored: " + settings);
            assertEquals(0, ready.path("storeWrites").path("dropped").asLong(), ready.toString());
            assertEquals(0, ready.path("storeWrites").path("refused").asLong(), ready.toString());
        }
    }

    /** {@code /healthz} or {@code /readyz}, without a token, from inside the manager's namespace. */
    static ManagerProcess.Response probe(ManagerProcess m, String path) throws Exception {
        Sh.Result r = Sh.run(10, List.of("ip", "netns", "exec", m.host().ns(), "curl", "-sS", "-w", "\n%{http_code}",
                "http://127.0.0.1:" + ManagerProcess.HTTP_PORT + path));
        String out = r.out();
        int nl = out.lastIndexOf('\n');
        if (!r.ok() || nl < 0) {
            throw new IllegalStateException("curl " + path + ": " + out);
        }
        String text = out.substring(0, nl);
        return new ManagerProcess.Response(Integer.parseInt(out.substring(nl + 1).trim()),
                text.isBlank() ? null : io.vnet.protocol.Json.MAPPER.readTree(text));
    }

    static void awaitConnected(ManagerProcess m, int n, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        int connected = 0;
        while (System.currentTimeMillis() < deadline) {
            connected = 0;
            for (JsonNode ag : m.get("/agents")) {
                connected += ag.path("connected").asBoolean() ? 1 : 0;
            }
            if (connected == n) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(connected + " of " + n + " agents connected");
    }

    /** Waits until the store holds {@code mac}'s row (GET /networks/VNI/vms); returns when. */
    static long awaitVmRow(ManagerProcess m, String mac, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            ManagerProcess.Response r = m.rest("GET", "/networks/" + VNI + "/vms", null);
            if (r.status() == 200) {
                for (JsonNode v : r.body()) {
                    if (v.path("mac").asText().equalsIgnoreCase(mac)) {
                        return System.currentTimeMillis();
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no row for VM " + mac + " within " + timeoutMs + " ms: "
                + m.rest("GET", "/networks/" + VNI + "/vms", null).body());
    }
}
