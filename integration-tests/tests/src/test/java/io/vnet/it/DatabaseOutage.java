package io.vnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.experiment.AdaptTestbed;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.it.soak.Outages;
import io.vnet.it.soak.Soak;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The manager's database stopped for 60 s (issue 19, item 5), run by {@link SoakIT} on the soak's own
 * cloud while the soak runs ({@link Soak.Interlude}): the soak's manager runs on a PostgreSQL server of
 * the test's own in the manager's namespace ({@link PrivatePostgres}), which is stopped (fast shutdown)
 * {@value #AT_MS} ms after the soak's start, under the soak's workload, churn, probes and closed loop
 * (mode automatic), and started again 60 s later: the outage and the recovery end within the run's
 * first third, which the soak's growth rule does not judge (the manager's connections to its database
 * close and open again then).
 *
 * <p>While the database is down the manager answers the reads it holds in memory (agents, hosts,
 * networks, the network's adaptation and overlay), refuses a write with 503 and a message naming the
 * database and the retry, {@code /readyz} says 503 and why, {@code /healthz} 200, and the data plane
 * forwards every ping between two of the workload's VMs (neither migrated meanwhile). A VM that
 * appears during the outage is learned, and recorded once the database is back. After the database
 * starts again the manager is ready and takes writes within {@value #RECOVERY_S} s, without a restart,
 * and what it acknowledged before and after the outage is in the database, no store write refused or
 * dropped. The writes change the network's {@code maxMigrationsPerHour} only (the soak's loop does not
 * migrate), so the soak's settings stay as they are.
 */
final class DatabaseOutage implements Soak.Interlude {
    static final int VNI = AdaptTestbed.VNI;
    static final long OUTAGE_MS = 60_000;
    static final double RECOVERY_S = 20;
    /** When PostgreSQL is stopped, after the soak's start: the soak's workload and probes run by then. */
    static final long AT_MS = 15_000;
    /**
     * The writes' {@code maxMigrationsPerHour}: before the outage, during it (refused) and after it; no other
     * settings write of the run sets these, so the audit log's entries of each are counted by it.
     */
    private static final int BEFORE = 1005;
    private static final int DURING = 1006;
    private static final int AFTER = 1007;
    private static final Pattern WRITTEN_AFTER = Pattern.compile("\"maxMigrationsPerHour\"\\s*:\\s*" + AFTER + "\\b");

    /** What the outage measured (printed by {@link #run}). */
    record Result(double outageS, double readyAfterS, double writableAfterS, double vmRecordedAfterS, int pingsSent,
                  int pingsAnswered, JsonNode storeWrites) {
    }

    private final Fabric fabric;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "database-outage");
        t.setDaemon(true);
        return t;
    });
    private volatile PrivatePostgres pg;
    private volatile Future<Result> outcome;

    DatabaseOutage(Fabric fabric) {
        this.fabric = fabric;
    }

    @Override
    public List<String> beforeManager(Host managerHost) throws java.io.IOException, InterruptedException {
        pg = PrivatePostgres.create(fabric, managerHost);
        return List.of("vnet.manager.db.url=" + PrivatePostgres.URL);
    }

    @Override
    public void started(Soak.Context c) {
        outcome = thread.submit(() -> run(c));
    }

    /** Waits for the outage's checks to end; throws what failed in them. */
    Result await(long timeoutMs) throws Exception {
        if (outcome == null) {
            throw new AssertionError("the soak never started: no database outage ran");
        }
        try {
            return outcome.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw (Exception) e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the database outage's checks did not end within " + timeoutMs + " ms");
        } finally {
            thread.shutdownNow();
        }
    }

    private Result run(Soak.Context c) throws Exception {
        AdaptTestbed tb = c.testbed();
        ManagerProcess manager = tb.manager();
        List<Vm> vms = tb.vms();
        // two of the workload's VMs on two hosts; the churn migrates the workload's VMs from the first on
        Vm a = vms.get(vms.size() - 1);
        Vm b = vms.get(vms.size() - 2);
        assertTrue(!a.host().name().equals(b.host().name()), "the pinging VMs are on two hosts");
        awaitVmRow(manager, a.mac(), 15_000);
        awaitVmRow(manager, b.mac(), 15_000);
        Thread.sleep(Math.max(0, c.startMs() + AT_MS - System.currentTimeMillis()));

        // a write acknowledged before the outage
        ManagerProcess.Response set = manager.rest("PUT", "/networks/" + VNI + "/adaptation", settings(BEFORE));
        assertEquals(200, set.status(), set.body().toString());

        long pingFrom = System.currentTimeMillis();
        Vm.BackgroundPing ping = a.pingInBackground(b, (int) (OUTAGE_MS / 100) - 20, 0.1);
        long stoppedAt = System.currentTimeMillis();
        ManagerProcess.Response readyz;
        ManagerProcess.Response write;
        Vm.PingResult pings;
        Vm c2;
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
            write = manager.rest("PUT", "/networks/" + VNI + "/adaptation", settings(DURING));
            assertEquals(503, write.status(), "a write while the database is down: " + write.body());
            String msg = write.body().path("error").asText();
            assertTrue(msg.contains("database") && msg.contains("unreachable") && msg.contains("try again"), msg);
            assertEquals(5, write.body().path("retryAfterSeconds").asInt(), write.body().toString());
            // a VM that appears while the database is down: the manager learns it and records it later
            c2 = fabric.addVm(tb.vmHosts().get(1), "dbo", VNI, 1500);
            assertEquals(3, c2.ping(a, 3, 0.2, 56).received(), "a new VM forwards during the outage");
            Vm.BackgroundPing cTraffic = c2.pingInBackground(a, 100, 0.3);
            Thread.sleep(Math.max(0, stoppedAt + OUTAGE_MS - System.currentTimeMillis()));
            pings = ping.await(30);
            cTraffic.await(60);
        } finally {
            pg.start(); // always: the rest of the soak, and the fabric's clean-up, expect it running
        }
        long pingTo = System.currentTimeMillis();
        long startedAt = pingTo;
        long readyAt = -1;
        while (System.currentTimeMillis() < startedAt + 60_000) {
            if (probe(manager, "/readyz").status() == 200) {
                readyAt = System.currentTimeMillis();
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(readyAt > 0, "ready again after PostgreSQL started: " + probe(manager, "/readyz").body());
        ManagerProcess.Response again = manager.rest("PUT", "/networks/" + VNI + "/adaptation", settings(AFTER));
        long writableAt = System.currentTimeMillis();
        assertEquals(200, again.status(), "a write once the database is back, no restart: " + again.body());
        long cRecordedAt = awaitVmRow(manager, c2.mac(), 30_000);
        String settingWrites = pg.query("SELECT " + auditCount(BEFORE) + " || ',' || " + auditCount(DURING) + " || ','"
                + " || " + auditCount(AFTER) + " FROM audit_log WHERE action = 'adaptation-settings'");
        String stored = pg.query("SELECT document FROM adaptation_setting WHERE vni = " + VNI);
        JsonNode ready = probe(manager, "/readyz").body();
        double recovery = (writableAt - startedAt) / 1000.0;
        Result result = new Result((startedAt - stoppedAt) / 1000.0, (readyAt - startedAt) / 1000.0, recovery,
                (cRecordedAt - startedAt) / 1000.0, pings.sent(), pings.received(), ready.path("storeWrites"));
        System.out.printf(Locale.ROOT, "PostgreSQL stopped for %.1f s at +%.1f s of the soak: reads from memory 200,"
                        + " a write 503 (\"%s\"), /readyz 503 (\"%s\"); pings %s -> %s across the outage %d of %d"
                        + " answered; PostgreSQL started: /readyz 200 after %.2f s, a write accepted after %.2f s; the"
                        + " VM that appeared during the outage recorded %.2f s after the start; store writes %s%n",
                result.outageS(), (stoppedAt - c.startMs()) / 1000.0, write.body().path("error").asText(),
                readyz.body().path("reason").asText(), a.name(), b.name(), pings.received(), pings.sent(),
                result.readyAfterS(), recovery, result.vmRecordedAfterS(), result.storeWrites());
        Map<String, List<Outages.Window>> moved = c.churn().migrations();
        for (Vm v : List.of(a, b)) {
            for (Outages.Window w : moved.getOrDefault(v.name(), List.of())) {
                assertTrue(w.toMs() < pingFrom || w.fromMs() > pingTo, "the churn migrated " + v.name()
                        + " during the outage's ping (" + w + "): pick VMs it does not move then");
            }
        }
        assertEquals(pings.sent(), pings.received(), "the data plane forwarded every ping during the outage: "
                + pings.output());
        assertTrue(recovery <= RECOVERY_S, "writes work again " + recovery + " s after PostgreSQL started");
        assertEquals("1,0,1", settingWrites, "the audit log's entries of the settings write acknowledged before the"
                + " outage, the one refused during it and the one after it: each acknowledged one once, the refused"
                + " one none");
        assertTrue(WRITTEN_AFTER.matcher(stored).find(), "the write after the outage is stored: " + stored);
        assertEquals(0, ready.path("storeWrites").path("dropped").asLong(), ready.toString());
        assertEquals(0, ready.path("storeWrites").path("refused").asLong(), ready.toString());
        return result;
    }

    /** SQL: how many of the rows have settings with {@code maxMigrationsPerHour} {@code n} in their detail. */
    private static String auditCount(int n) {
        return "count(*) FILTER (WHERE detail LIKE '%\"maxMigrationsPerHour\":" + n + "%')";
    }

    /** The soak's settings (mode automatic, greedy, no migrations), with {@code maxMigrationsPerHour} set to {@code n}. */
    private static String settings(int n) {
        return "{\"mode\": \"automatic\", \"algorithm\": \"greedy\", \"maxMigrationsPerHour\": " + n + "}";
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
