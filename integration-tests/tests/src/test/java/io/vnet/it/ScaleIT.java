package io.vnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.it.fabric.Fabric;
import io.vnet.it.load.Latencies;
import io.vnet.it.load.LoadOptions;
import io.vnet.it.load.LoadRun;
import io.vnet.it.load.ManagerRunner;
import io.vnet.it.load.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, item 3, CI-sized: a real manager (root namespace, loopback, mutual TLS, VTTIF reactive,
 * evaluated every 500 ms, H2) and the load generator in-process: 500 simulated agents, each a real
 * TLS connection from its own 127.0.0.0/8 address, 20 VMs each in 50 networks running the BSP
 * patterns, reporting every second, every network changing its pattern every 30 s. Asserts: every
 * agent registered (the manager's /api/agents), report-to-matrix p99 within 1 s, every pattern change
 * classified within 5 s (the manager's vnet_topology_class), REST p99 within 200 ms per endpoint.
 * Prints the whole table. The manager is stopped by its pid whatever happens.
 */
class ScaleIT {
    @Test
    void fiveHundredAgentsAreServedWithinTheIssuesBounds() throws Exception {
        Path repo = Fabric.repo();
        for (String tool : List.of("openssl", "jcmd")) {
            assertTrue(onPath(tool), tool + " is missing: scripts/setup.sh installs what the tests need");
        }
        Path work = Files.createTempDirectory("vnet-scale-it");
        LoadOptions o = LoadOptions.defaults().with(b -> {
            b.agents = 500;
            b.networks = 50;
            b.durationSeconds = 40;
            b.warmupSeconds = 10;
            b.changeSeconds = 30;
            b.connectRate = 100;
            b.probes = 10;
            b.restPerSecond = 20; // about 200 requests per endpoint: a p99 that is not just the largest
            b.connectTimeoutSeconds = 60;
            b.repo = repo;
            b.out = repo.resolve("integration-tests/tests/target/scale-it.json");
        });
        try (ManagerRunner manager = ManagerRunner.start(repo, o.ca(), work, null, "-Xms256m -Xmx2g")) {
            runAndCheck(o, manager);
        } finally {
            // the manager's log goes with the test's reports; its database (hundreds of MB) goes
            Path log = work.resolve("manager.log");
            if (Files.exists(log)) {
                Files.copy(log, repo.resolve("integration-tests/tests/target/scale-it-manager.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            io.vnet.it.load.WorkDir.delete(work);
        }
    }

    private static void runAndCheck(LoadOptions o, ManagerRunner manager) throws Exception {
        {
            System.out.println("ScaleIT: manager " + manager.pid() + ", log " + manager.log());
            Result r = new LoadRun(o, System.out).run(new LoadRun.Target(List.of(manager.agentAddress()), manager.http(),
                    "admin", manager.adminPassword(), manager.metricsToken(), manager.pid(), "H2"));
            r.write(o.out());
            System.out.println(r.table());
            assertTrue(manager.alive(), "the manager is still running; its log: " + manager.log());
            assertEquals(500, r.fleet().everConnected(), "every simulated agent connected: " + r.fleet());
            assertEquals(500.0, r.manager().registeredAgents(), "the manager's /api/agents lists every agent");
            Latencies.Summary m = r.reportToMatrix();
            assertTrue(m.count() >= 20, "report-to-matrix measured at least 20 times: " + m);
            assertTrue(m.p99() <= 1000, "report-to-matrix p99 " + m.p99() + " ms > 1 s: " + m);
            assertEquals(0, r.matrixMissed(), "every probe pair reached the matrix");
            Result.Classification c = r.classification();
            assertTrue(c.changes() >= 20, "at least 20 pattern changes in the window: " + c);
            assertEquals(0, c.unclassified() + c.over5s(), "every change classified within 5 s: " + c);
            for (Map.Entry<String, Latencies.Summary> e : r.rest().entrySet()) {
                assertTrue(e.getValue().count() > 0, e.getKey() + " was called");
                assertTrue(e.getValue().p99() <= 200, e.getKey() + ": p99 " + e.getValue().p99() + " ms > 200 ms");
                assertEquals(0L, r.restErrors().getOrDefault(e.getKey(), 0L), e.getKey() + " answered errors");
            }
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
