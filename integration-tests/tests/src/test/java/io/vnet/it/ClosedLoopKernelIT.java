package io.vnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.experiment.AdaptTestbed;
import io.vnet.it.experiment.AdaptationApi;
import io.vnet.it.experiment.IterationTimes;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.Vm;
import io.vnet.it.patterns.Patterns;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * VADAPT's closed loop drives the kernel path (issue 16, item 7): the same CI-sized cloud as
 * {@link ClosedLoopIT} (3 VM hosts and the proxy, uplinks shaped to 50 Mbit/s, 6 VMs in an
 * all-to-all), but the VM hosts' agents say {@code kernelPath}: the fast paths the manager adds are
 * kernel VXLAN links, each on a port of its own, the VMs' frames cross them without the agents,
 * the iterations get faster, and a rollback removes the kernel devices.
 */
class ClosedLoopKernelIT {
    @Test
    void theClosedLoopAddsKernelFastPathsAndTheFramesSkipTheAgents() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            AdaptTestbed tb = AdaptTestbed.start(fabric, 3, 2, ClosedLoopIT.RATE, true);
            ManagerProcess manager = tb.manager();
            AdaptationApi api = tb.adaptation();
            List<Vm> vms = tb.vms();
            ExecutorService bg = Executors.newSingleThreadExecutor();
            Future<Patterns.Result> run = bg.submit(() -> Patterns.run(fabric, vms, Patterns.Options.of("all:30")
                    .withComputeMs(ClosedLoopIT.COMPUTE_MS).withMessageBytes(ClosedLoopIT.MESSAGE).withPrintEvery(1)));
            Thread.sleep(10_000);
            long switchedAt = System.currentTimeMillis();
            api.set("automatic", "greedy");
            AdaptationApi.Decision applied = api.lastMeasuredWhile(run);
            bg.shutdown();
            Patterns.Result result = run.get();
            assertTrue(result.ok(), "the pattern ran through the adaptation: " + result.failures());
            assertTrue(applied != null, "a decision was applied and acknowledged: " + api.state());
            assertFalse(applied.added().isEmpty(), applied.json().toString());

            // the manager's fast paths are kernel VXLAN links: each host's on ports of their own
            Vm p0 = vms.get(0);
            Vm p1 = vms.get(1);
            AgentProcess h1 = tb.agent(p0.host());
            JsonNode kernel = h1.stats("kernel", "path");
            JsonNode fast = h1.stats("link", p1.host().name());
            System.out.println("h1's kernel path: " + kernel + "\nh1's fast path to h2: " + fast);
            assertTrue(kernel.path("framesIn").asLong() >= 1, "kernel devices on h1: " + kernel);
            assertTrue(fast.path("peer").asText().contains("via vxlan") && fast.path("peer").asText().contains("kernel devices"),
                    "the fast path h1-h2 is a kernel VXLAN link: " + fast);
            JsonNode desired = manager.get("/hosts/" + p0.host().name() + "/desired-state").path("document").path("links");
            java.util.Set<String> ports = new java.util.HashSet<>();
            for (JsonNode l : desired) {
                assertEquals("vxlan", l.path("transport").asText(), l.toString());
                ports.add(l.path("connect").asText().replaceAll(".*:", ""));
            }
            assertEquals(desired.size(), ports.size(), "each kernel link of h1 on its own port: " + desired);

            long phaseStart = IterationTimes.phaseStart(result.rank0(), 0);
            double starMs = ClosedLoopIT.medianBetween(result, phaseStart + 3000, switchedAt);
            double afterMs = IterationTimes.steady(result.rank0(), 0, 0, 0, applied.ackedAt().toEpochMilli() + 1000)
                    .medianMs();
            System.out.printf("all-to-all over the kernel path's fast paths: star %.1f ms, after %.1f ms: %.2fx%n", starMs,
                    afterMs, starMs / afterMs);
            assertTrue(starMs / afterMs > 1.3, "the closed loop made iterations " + starMs / afterMs + "x faster");

            // p0 -> p1 crosses the kernel device, not the agents: h1's TAP reads none of it
            long tapBefore = h1.stats("interface", Host.tapName(AdaptTestbed.VNI)).path("framesIn").asLong();
            long fastBefore = fast.path("bytesOut").asLong();
            Vm.PingResult ping = p0.ping(p1, 20, 0.05, 1000);
            assertEquals(20, ping.received(), ping.output());
            long tapFrames = h1.stats("interface", Host.tapName(AdaptTestbed.VNI)).path("framesIn").asLong() - tapBefore;
            long over = h1.stats("link", p1.host().name()).path("bytesOut").asLong() - fastBefore;
            assertTrue(over >= 20 * 1000, "the pings crossed the kernel fast path (" + over + " bytes)");
            assertTrue(tapFrames < 5, "h1's agent read " + tapFrames + " frames of 20 pings");

            // rollback: the kernel devices go with the links, the star forwards
            ManagerProcess.Response rb = manager.rest("POST", "/networks/" + AdaptTestbed.VNI + "/adaptation/rollback", null);
            assertEquals(200, rb.status(), String.valueOf(rb.body()));
            ClosedLoopIT.awaitOnlyStarLinks(tb, 15_000);
            assertEquals(0, h1.stats("kernel", "path").path("framesIn").asLong(), "no kernel device left on h1");
            assertEquals(5, p0.ping(p1, 5).received(), "the star forwards after the rollback");
        }
    }
}
