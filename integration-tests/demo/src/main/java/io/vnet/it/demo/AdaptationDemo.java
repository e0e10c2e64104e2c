package io.vnet.it.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.it.experiment.AdaptTestbed;
import io.vnet.it.experiment.AdaptationApi;
import io.vnet.it.experiment.IterationTimes;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.patterns.Patterns;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The demo's part 3, VADAPT's closed loop: three VM hosts and the proxy with every uplink shaped
 * to the same rate, six VMs running an all-to-all. On the star every exchange between hosts
 * crosses the proxy's uplink; once the network's mode is automatic the manager adds fast paths
 * and rules by itself, and the iterations get faster. Prints the iteration time before and
 * after, the links added, the predicted and realised gain, and the audit log.
 */
final class AdaptationDemo {
    private static final long RATE = 50_000_000;

    private AdaptationDemo() {
    }

    /** Runs the part; adds the namespaces it made to {@code created}. Returns 0 when all went well. */
    static int run(List<String> created) throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Demo.step("Part 3: VADAPT's closed loop. Three VM hosts and the proxy px, every uplink shaped to "
                    + RATE / 1_000_000 + " Mbit/s (tc tbf), six VMs; the overlay starts as the VNET star through px");
            AdaptTestbed tb = AdaptTestbed.small(fabric, RATE);
            ManagerProcess manager = tb.manager();
            AdaptationApi api = tb.adaptation();
            api.set("recommend", "greedy");
            Patterns.Options all = Patterns.Options.of("all:24").withComputeMs(5).withMessageBytes(32 * 1024);
            System.out.println("  the patterns workload: all-to-all, 32 KiB messages, 24 s; the network's mode is"
                    + " 'recommend' (decisions recorded, nothing applied)");
            ExecutorService bg = Executors.newSingleThreadExecutor();
            long t0 = System.currentTimeMillis();
            Future<Patterns.Result> run = bg.submit(() -> Patterns.run(fabric, tb.vms(), all));
            Thread.sleep(10_000);
            long switchedAt = System.currentTimeMillis();
            Demo.step(String.format(Locale.ROOT, "t=%.1f s: PUT /api/networks/%d/adaptation {\"mode\":\"automatic\"}",
                    (switchedAt - t0) / 1000.0, AdaptTestbed.VNI));
            api.set("automatic", null);
            AdaptationApi.Decision applied = null;
            while (!run.isDone()) {
                for (AdaptationApi.Decision d : api.decisions()) {
                    if (d.applied() && applied == null) {
                        applied = d;
                        System.out.printf(Locale.ROOT, "  t=%.1f s: decision %d (%s): %s adds links %s, predicted gain %.2f;"
                                        + " pushed to the agents%n", (d.appliedAt().toEpochMilli() - t0) / 1000.0, d.id(),
                                d.trigger(), d.algorithm(), d.added(), d.predictedGain());
                    }
                }
                Thread.sleep(250);
            }
            Patterns.Result result = run.get();
            bg.shutdown();
            if (!result.ok() || applied == null) {
                System.out.println("  the run failed or nothing was applied: " + result.failures() + " " + api.state());
                return 1;
            }
            applied = api.decisions().stream().filter(d -> d.applied()).findFirst().orElse(applied);
            long phaseStart = IterationTimes.phaseStart(result.rank0(), 0);
            double[] star = IterationTimes.timeline(result.rank0()).stream().filter(x -> x.startEpochMs() >= phaseStart + 3000
                    && x.endEpochMs() <= switchedAt).mapToDouble(IterationTimes.Timed::timeMs).toArray();
            double starMs = IterationTimes.percentile(star, 50);
            double afterMs = IterationTimes.steady(result.rank0(), 0, 0, 0, applied.effectiveAt().toEpochMilli() + 1000)
                    .medianMs();
            Demo.step("Iteration time (rank 0, median)");
            System.out.printf(Locale.ROOT, "  on the star:                 %6.1f ms%n", starMs);
            System.out.printf(Locale.ROOT, "  after the manager adapted:   %6.1f ms   (%.2fx faster; predicted %.2f, realised"
                    + " from the traffic rates %.2f)%n", afterMs, starMs / afterMs, applied.predictedGain(),
                    applied.realisedGain());
            Demo.step("The links each agent has now (the star's to-px, and the fast paths the manager added)");
            for (JsonNode a : manager.get("/agents")) {
                StringBuilder links = new StringBuilder();
                a.path("links").forEach(l -> links.append(' ').append(l.path("id").asText()));
                System.out.println("  " + a.path("hostId").asText() + ":" + links);
            }
            Demo.step("The audit log (GET /api/audit): who changed what");
            List<JsonNode> entries = new java.util.ArrayList<>();
            manager.get("/audit?limit=20").forEach(e -> entries.add(0, e));
            for (JsonNode e : entries) {
                System.out.println("  " + e.path("time").asText() + "  " + e.path("actor").asText() + "  "
                        + e.path("action").asText() + "  " + e.path("target").asText());
            }
            created.addAll(fabric.namespaces());
            Demo.step("Tearing down part 3");
            return starMs / afterMs > 1.3 ? 0 : 1;
        }
    }
}
