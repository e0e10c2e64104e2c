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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * VADAPT's closed loop, CI-sized: 3 VM hosts and the proxy, every uplink shaped to 50 Mbit/s,
 * 6 VMs running an all-to-all. In the star every exchange between hosts crosses the proxy's
 * uplink; with mode automatic the manager alone adds fast paths and rules, the iterations get
 * faster, forwarding is right after the adaptation and after a VM migrates, and the audit log
 * shows that nothing but the manager changed the overlay.
 */
class ClosedLoopIT {
    static final long RATE = 50_000_000;
    static final int MESSAGE = 32 * 1024;
    static final double COMPUTE_MS = 5;

    private static Patterns.Options allToAll(int seconds) {
        return Patterns.Options.of("all:" + seconds).withComputeMs(COMPUTE_MS).withMessageBytes(MESSAGE).withPrintEvery(1);
    }

    @Test
    void automaticModeSpeedsUpAnAllToAllAndForwardingFollowsTheAdaptationAndAMigration() throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            AdaptTestbed tb = AdaptTestbed.small(fabric, RATE);
            ManagerProcess manager = tb.manager();
            AdaptationApi api = tb.adaptation();
            List<Vm> vms = tb.vms();

            // run 1: the all-to-all on the star (recommend mode: a decision is recorded, nothing applied) until it is
            // steady, then mode automatic: from here on nothing is changed by hand
            api.set("recommend", "greedy");
            ExecutorService bg = Executors.newSingleThreadExecutor();
            Future<Patterns.Result> run = bg.submit(() -> Patterns.run(fabric, vms, allToAll(30)));
            Thread.sleep(12_000);
            assertFalse(run.isDone(), "the pattern still runs");
            long auditBefore = lastAuditId(manager);
            long recommendedUpTo = api.lastDecisionId();
            long switchedAt = System.currentTimeMillis();
            api.set("automatic", null);
            AdaptationApi.Decision applied = api.lastMeasuredWhile(run);
            Patterns.Result result = run.get();
            assertTrue(result.ok(), "the pattern ran through the adaptation: " + result.failures());
            System.out.println("decisions: " + api.state().path("decisions"));
            assertTrue(recommendedUpTo >= 1, "recommend mode recorded a decision: " + api.state());
            for (AdaptationApi.Decision d : api.decisions()) {
                assertTrue(d.id() > recommendedUpTo || !d.applied(), "recommend applies nothing: " + d.json());
            }
            assertEquals(1, api.decisionsAfter(recommendedUpTo).size(), "one decision once automatic was set, for one"
                    + " steady pattern: " + api.state());
            assertTrue(applied != null, "the decision was applied, acknowledged and its realised gain measured: "
                    + api.state());
            assertEquals("mode set -> ALL_TO_ALL", applied.trigger());
            assertFalse(applied.added().isEmpty(), "fast paths added: " + applied.json());
            long phaseStart = IterationTimes.phaseStart(result.rank0(), 0);
            double starMs = medianBetween(result, phaseStart + 3000, switchedAt); // the star, steady, up to the switch
            double afterMs = IterationTimes.steady(result.rank0(), 0, 0, 0, applied.ackedAt().toEpochMilli() + 1000)
                    .medianMs();
            double speedup = starMs / afterMs;
            System.out.printf("all-to-all, 6 VMs, %d KiB, uplinks %d Mbit/s: star %.1f ms, after the closed loop %.1f ms:"
                            + " %.2fx faster; applied %d ms after mode automatic; predicted gain %.2f, realised %.2f%n",
                    MESSAGE / 1024, RATE / 1_000_000, starMs, afterMs, speedup,
                    applied.appliedAt().toEpochMilli() - switchedAt, applied.predictedGain(), applied.realisedGain());
            long ap = applied.appliedAt().toEpochMilli();
            StringBuilder tl = new StringBuilder("rank 0 iterations around the decision (s after applied: ms):");
            for (IterationTimes.Timed t : IterationTimes.timeline(result.rank0())) {
                if (t.startEpochMs() > ap - 3000 && t.startEpochMs() < ap + 8000) {
                    tl.append(String.format(" %.2f:%.0f", (t.startEpochMs() - ap) / 1000, t.timeMs()));
                }
            }
            System.out.println(tl);
            assertTrue(speedup > 1.3, "the closed loop made iterations " + speedup + "x faster (star " + starMs
                    + " ms, after " + afterMs + " ms)");
            assertTrue(applied.realisedGain() > 1.1, "the realised gain (" + applied.realisedGain()
                    + ", from the traffic rates before and after) shows the speedup " + speedup);

            // the audit log: after mode=automatic only the loop changed desired state
            List<JsonNode> changes = auditSince(manager, auditBefore);
            assertTrue(changes.stream().anyMatch(e -> e.path("action").asText().equals("desired-state")), changes.toString());
            for (JsonNode e : changes) {
                if (e.path("action").asText().equals("desired-state")) {
                    assertEquals("adaptation", e.path("actor").asText(), "only the manager changed the overlay: " + e);
                }
            }
            // ... and every link an agent has is one of its configured star or one the manager wants
            for (JsonNode a : manager.get("/agents")) {
                String host = a.path("hostId").asText();
                Set<String> wanted = new HashSet<>();
                manager.get("/hosts/" + host + "/desired-state").path("document").path("links")
                        .forEach(l -> wanted.add(l.path("id").asText()));
                for (JsonNode l : a.path("links")) {
                    String id = l.path("id").asText();
                    assertTrue(wanted.contains(id) || id.equals("to-" + AdaptTestbed.PROXY) || id.startsWith("from-h"),
                            host + " has link " + id + " that neither its configuration nor the manager made");
                }
            }

            // forwarding after the adaptation: p0 (h1) to p1 (h2) goes over the fast path h1-h2
            Vm p0 = vms.get(0);
            Vm p1 = vms.get(1);
            AgentProcess h1 = tb.agent(p0.host());
            long before = h1.stats("link", p1.host().name()).path("bytesOut").asLong();
            Vm.PingResult ping = p0.ping(p1, 10, 0.1, 56);
            long over = h1.stats("link", p1.host().name()).path("bytesOut").asLong() - before;
            assertEquals(10, ping.received(), ping.output());
            assertTrue(over >= 10 * 98, "the pings took the fast path h1-h2 (" + over + " bytes on it)");

            // a migration (as the cloud would do it): p0 from h1 to h3 while p1 pings it 10 times a second
            Host h3 = tb.vmHosts().get(2);
            Vm.BackgroundPing bp = p1.pingInBackground(p0, 40, 0.1);
            Thread.sleep(1000);
            Vm.Migration m = p0.migrateTo(h3);
            Vm.PingResult during = bp.await(30);
            int allowed = Math.max(1, (int) Math.ceil(m.tookMillis() / 100.0));
            System.out.printf("migration of p0 h1 -> h3 (%d ms of commands): %d of %d pings lost%n", m.tookMillis(),
                    during.lost(), during.sent());
            assertTrue(during.lost() <= allowed, "at most " + allowed + " ping lost while p0 migrated: " + during.output());
            // the manager rewrites the rules for the moved VM: p1's host sends p0's traffic to h3
            long deadline = System.currentTimeMillis() + 10_000;
            boolean rewritten = false;
            while (!rewritten && System.currentTimeMillis() < deadline) {
                for (JsonNode e : auditSince(manager, auditBefore)) {
                    rewritten |= e.path("detail").asText().contains("VM moved") && e.path("detail").asText().contains(p0.mac());
                }
                Thread.sleep(200);
            }
            assertTrue(rewritten, "the manager rewrote the rules for the moved VM: " + auditSince(manager, auditBefore));
            // p1's host gets rules for p0 on its new host, and none to h1 unless h1 sends it on to h3, within 10 s of
            // the move (once, in a full CI run, the first read after the rewrite still found a pair rule to h1; the
            // message then says who reported p0 and what the audit log holds). The rerouted plan may send a pair
            // over a third host: VADAPT's widest path takes a link's measured throughput, when above the assumed
            // rate, for its capacity, so the busiest links look widest (seen once in CI: every h2-h3 pair over h1)
            JsonNode rules = null;
            String stale = "";
            long settle = System.currentTimeMillis() + 10_000;
            do {
                if (rules != null) {
                    Thread.sleep(200);
                }
                rules = manager.get("/hosts/" + p1.host().name() + "/desired-state").path("document").path("rules");
                JsonNode atH1 = manager.get("/hosts/h1/desired-state").path("document").path("rules");
                stale = "";
                boolean forP0 = false;
                for (JsonNode r : rules) {
                    boolean dstP0 = r.path("dst").asText().equals(p0.mac());
                    forP0 |= dstP0;
                    if (dstP0 && r.path("to").asText().equals("link:h1") && !sendsOn(atH1, r, p0.mac(), h3.name())) {
                        stale = r.toString();
                    }
                }
                if (!forP0) {
                    stale = "no rule for p0 at all";
                }
            } while (!stale.isEmpty() && System.currentTimeMillis() < settle);
            StringBuilder where = new StringBuilder();
            for (JsonNode a : manager.get("/agents")) {
                where.append(a.path("hostId").asText()).append(a.path("vms").toString().contains(p0.mac()) ? " reports p0; "
                        : " does not report p0; ");
            }
            assertTrue(stale.isEmpty(), "10 s after the move, a rule still sends p0's frames to h1 (" + stale + "); " + where
                    + "audit: " + auditSince(manager, auditBefore) + "; rules of " + p1.host().name() + ": " + rules);
            Vm.PingResult afterMove = p1.ping(p0, 10, 0.1, 56);
            assertEquals(10, afterMove.received(), afterMove.output());
            Vm p2 = vms.get(2);
            assertEquals(5, p2.ping(p0, 5).received(), "p2 on h3 reaches p0 on its own host");
            p0.migrateTo(tb.vmHosts().get(0)); // back to h1, as placed

            // rollback: the agents are back on their configured star
            ManagerProcess.Response rb = manager.rest("POST", "/networks/" + AdaptTestbed.VNI + "/adaptation/rollback", null);
            assertEquals(200, rb.status(), String.valueOf(rb.body()));
            assertTrue(rb.body().path("rolledBackAt").isTextual(), rb.body().toString());
            awaitOnlyStarLinks(tb, 15_000);
            assertEquals(409, manager.rest("POST", "/networks/" + AdaptTestbed.VNI + "/adaptation/rollback", null).status(),
                    "nothing left to roll back");
            assertEquals(5, p1.ping(p0, 5).received(), "the star forwards after the rollback");

            // run 2: a pattern that starts with mode automatic set: the overlay is applied within 5 s of its start
            Thread.sleep(4000); // VTTIF forgets run 1 (2 s window): the next decision is about run 2's traffic
            long lastId = api.lastDecisionId();
            Patterns.Result second = bg.submit(() -> Patterns.run(fabric, vms, allToAll(10))).get();
            bg.shutdown();
            assertTrue(second.ok(), second.failures());
            List<AdaptationApi.Decision> fresh = api.decisionsAfter(lastId);
            assertEquals(1, fresh.size(), "one decision for run 2: " + api.state());
            AdaptationApi.Decision d2 = fresh.get(0);
            long start2 = IterationTimes.phaseStart(second.rank0(), 0);
            long appliedAfter = d2.appliedAt() == null ? -1 : d2.appliedAt().toEpochMilli() - start2;
            System.out.printf("run 2: %s applied %d ms after the pattern started (acknowledged %d ms)%n", d2.trigger(),
                    appliedAfter, d2.ackedAt() == null ? -1 : d2.ackedAt().toEpochMilli() - start2);
            assertTrue(d2.applied() && appliedAfter >= 0 && appliedAfter <= 5000, "the new overlay was applied "
                    + appliedAfter + " ms after the pattern started: " + d2.json());
        }
    }

    /**
     * Placement: a ring of 4 VMs whose neighbours all sit on different hosts, links priced out of
     * reach and migrations cheap: the loop moves two VMs through the fabric's migration executor
     * (a script the manager runs), then pushes the rules for their new hosts; the ring runs on.
     */
    @Test
    void theLoopMovesVmsThroughItsMigrationExecutorAndForwardingFollowsThem() throws Exception {
        int vni = AdaptTestbed.VNI;
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Host mgr = fabric.addHost("mgr");
            Host h1 = fabric.addHost("h1");
            Host h2 = fabric.addHost("h2");
            Host px = fabric.addHost("px");
            List<Host> hosts = List.of(h1, h2, px);
            List<Vm> vms = crossingRing(fabric, h1, h2, vni);
            for (Host h : hosts) {
                h.shapeUplink(RATE);
            }
            java.nio.file.Path script = io.vnet.it.fabric.MigrationScript.write(fabric, hosts, vms);
            com.fasterxml.jackson.databind.node.ObjectNode cfg = AdaptTestbed.managerConfig(RATE);
            ((com.fasterxml.jackson.databind.node.ObjectNode) cfg.get("adaptation")).put("hostCapacity", 2)
                    .put("linkCostMs", 1_000_000).put("migrationCostMs", 1);
            cfg.putObject("migration").put("timeoutMs", 30_000).putArray("command").add(script.toString()).add("{vni}")
                    .add("{mac}").add("{from}").add("{to}");
            ManagerProcess manager = fabric.startManager(mgr, cfg);
            Patterns.startStar(fabric, hosts, vni, b -> b.manager(manager, AdaptTestbed.REPORT_MS));
            AdaptationApi api = new AdaptationApi(manager, vni);
            ManagerProcess.Response set = manager.rest("PUT", "/networks/" + vni + "/adaptation",
                    "{\"mode\":\"automatic\",\"algorithm\":\"greedy\",\"migrate\":true,\"maxMigrationsPerHour\":4}");
            assertEquals(200, set.status(), String.valueOf(set.body()));

            Patterns.Result ring = Patterns.run(fabric, vms, Patterns.Options.of("ring:20").withComputeMs(COMPUTE_MS)
                    .withMessageBytes(MESSAGE));
            assertTrue(ring.ok(), "the ring ran on while its VMs moved: " + ring.failures());
            System.out.println("decisions: " + api.state().path("decisions"));
            AdaptationApi.Decision d = api.decisions().get(api.decisions().size() - 1);
            JsonNode migrated = d.json().path("migrated");
            assertTrue(d.applied() && migrated.size() == 2, "two VMs moved, then applied: " + d.json());
            List<JsonNode> audit = auditSince(manager, 0);
            assertEquals(2, audit.stream().filter(e -> e.path("action").asText().equals("migrate")
                    && e.path("actor").asText().equals("adaptation")).count(), audit.toString());
            // the agents see each moved VM on its new host; the placement keeps 2 VMs per host
            for (JsonNode m : migrated) {
                String mac = m.asText().substring(0, m.asText().indexOf("->"));
                String host = m.asText().substring(m.asText().indexOf("->") + 2);
                boolean seen = false;
                for (JsonNode a : manager.get("/agents")) {
                    for (JsonNode v : a.path("vms")) {
                        seen |= v.path("mac").asText().equals(mac) && a.path("hostId").asText().equals(host);
                    }
                }
                assertTrue(seen, mac + " is reported by " + host + ": " + manager.get("/agents"));
            }
            // forwarding follows: every VM reaches every other
            for (Vm a : vms) {
                for (Vm b : vms) {
                    if (a != b) {
                        assertEquals(3, a.ping(b, 3, 0.1, 56).received(), a.name() + " -> " + b.name());
                    }
                }
            }
            long moved = IterationTimes.timeline(ring.rank0()).stream().filter(t -> t.startEpochMs()
                    >= d.effectiveAt().toEpochMilli() + 1000).count();
            System.out.printf("ring of 4 VMs: %s moved; %d iterations after the move; predicted gain %.2f, realised %.2f%n",
                    migrated, moved, d.predictedGain(), d.realisedGain());
        }
    }

    /** Four VMs p0..p3 alternating between {@code h1} and {@code h2}: every edge of the ring p0-p1-p2-p3 crosses. */
    static List<Vm> crossingRing(Fabric fabric, Host h1, Host h2, int vni) {
        List<Vm> vms = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            vms.add(fabric.addVm(i % 2 == 0 ? h1 : h2, "p" + i, vni, 1500));
        }
        return vms;
    }

    /** The median iteration time of rank 0 over the iterations that started and ended in [from, to]. */
    static double medianBetween(Patterns.Result r, long from, long to) {
        double[] t = IterationTimes.timeline(r.rank0()).stream()
                .filter(x -> x.startEpochMs() >= from && x.endEpochMs() <= to).mapToDouble(IterationTimes.Timed::timeMs)
                .toArray();
        return IterationTimes.percentile(t, 50);
    }

    /** Waits until every agent has only its configured links (the star), none from the manager. */
    static void awaitOnlyStarLinks(AdaptTestbed tb, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String extra = "";
        while (System.currentTimeMillis() < deadline) {
            extra = "";
            for (Host h : tb.vmHosts()) {
                for (JsonNode l : tb.agent(h).op("link-list")) {
                    String id = l.path("id").asText();
                    if (!id.equals("to-" + AdaptTestbed.PROXY)) {
                        extra += h.name() + "/" + id + " ";
                    }
                }
            }
            if (extra.isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("links left after the rollback: " + extra);
    }

    static long lastAuditId(ManagerProcess m) throws Exception {
        JsonNode log = m.get("/audit?limit=1");
        return log.size() == 0 ? 0 : log.get(0).path("id").asLong();
    }

    static List<JsonNode> auditSince(ManagerProcess m, long afterId) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (JsonNode e : m.get("/audit?limit=1000")) {
            if (e.path("id").asLong() > afterId) {
                out.add(0, e);
            }
        }
        return out;
    }

    /**
     * Whether h1's rules send on to {@code toHost} what rule {@code r} of another host sends h1 for
     * {@code dst}: a rule at h1 for {@code dst} with the same source, or any source, to that host's link.
     */
    private static boolean sendsOn(JsonNode atH1, JsonNode r, String dst, String toHost) {
        for (JsonNode x : atH1) {
            if (x.path("dst").asText().equals(dst) && x.path("to").asText().equals("link:" + toHost)
                    && (x.path("src").asText().equals(r.path("src").asText()) || x.path("src").asText().equals("any"))) {
                return true;
            }
        }
        return false;
    }
}
