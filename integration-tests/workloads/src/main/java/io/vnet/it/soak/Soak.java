package io.vnet.it.soak;

import io.vnet.it.experiment.AdaptTestbed;
import io.vnet.it.experiment.AdaptationApi;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Vm;
import io.vnet.it.machine.JvmProbe;
import io.vnet.it.machine.ResourceSampler;
import io.vnet.it.patterns.Patterns;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The soak (issue 19, item 6) on a {@link Fabric}: the founding experiment's cloud ({@link AdaptTestbed}:
 * VM hosts, the proxy, the manager, every overlay uplink shaped) with the closed loop in automatic
 * mode, the patterns workload cycling through its patterns among the long-lived VMs, VM churn
 * ({@link Churn}: start, stop, migrate in turn), every VM pair probed ({@link PairProbes}), every
 * agent (the proxy's included) and the manager sampled ({@link ResourceSampler}), and the decisions
 * followed ({@link DecisionWatch}). It fails if
 * <ul>
 * <li>any metric of any process keeps growing: heap after GC, threads, open FDs, RSS or CPU grows by
 * more than {@link SoakOptions#growthLimitPercentPerHour()} of its starting value per hour, as the
 * least-squares slope of the last two thirds of the run ({@link io.vnet.it.machine.Trend});</li>
 * <li>a VM pair goes without an answer for more than {@link SoakOptions#reachLimitMs()} outside a
 * migration of either VM;</li>
 * <li>a decision the loop applied is not acknowledged (within {@link SoakOptions#ackTimeoutMs()} after
 * the end);</li>
 * <li>the workload fails, or a process could not be sampled.</li>
 * </ul>
 */
public final class Soak {
    /**
     * The workload's schedule runs this much longer than the soak, so that it still runs at the last sample:
     * its ranks start their schedule a few seconds after the soak's clock (JVMs started, peers connected), and
     * the last sample comes after the end's class histograms (one jcmd per process): 2.3 s and 3.2 s in SoakIT's
     * 5 minutes on 2 cores, so the ranks exit about 10 s after the last sample. The soak prints both margins and
     * fails if the workload ended before the last sample.
     */
    static final int WORKLOAD_EXTRA_SECONDS = 10;

    /**
     * Something a test runs on the soak's cloud while the soak runs: SoakIT stops the manager's database
     * for 60 s in the first third of the run and checks what the manager does meanwhile.
     */
    public interface Interlude {
        /**
         * Runs in the manager's host before the manager starts there (e.g. starts a database server of the
         * test's own); returns the manager's extra framework properties ({@code KEY=VALUE}).
         */
        default List<String> beforeManager(Host managerHost) throws IOException, InterruptedException {
            return List.of();
        }

        /**
         * Called on the soak's thread once everything runs (the workload submitted, every pair probed, the
         * first churned VM started, sampling begun); must return at once: what takes time runs on a thread of
         * the interlude's own, which its caller waits for after the soak.
         */
        void started(Context context);
    }

    /** What an interlude sees: the cloud, the churn (its events and migrations), and the soak's clock. */
    public record Context(AdaptTestbed testbed, Churn churn, long startMs, long durationMs) {
    }

    private Soak() {
    }

    /** The 400 largest classes of each process (a failure is printed and leaves the process out). */
    private static Map<String, Map<String, Long>> histograms(Map<String, Long> pids, PrintStream out) {
        Map<String, Map<String, Long>> h = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            try {
                h.put(e.getKey(), JvmProbe.classHistogram(e.getValue(), 400));
            } catch (RuntimeException failed) {
                out.println("soak: no class histogram of " + e.getKey() + ": " + failed.getMessage());
            }
        }
        return h;
    }

    /** Builds the cloud on {@code fabric}, runs the soak, and returns what it found; progress goes to {@code out}. */
    public static SoakResult run(Fabric fabric, SoakOptions o, PrintStream out) throws IOException, InterruptedException {
        return run(fabric, o, out, null);
    }

    /** As above, with an {@link Interlude} (null: none) run on the same cloud while the soak runs. */
    public static SoakResult run(Fabric fabric, SoakOptions o, PrintStream out, Interlude interlude)
            throws IOException, InterruptedException {
        AdaptTestbed tb = AdaptTestbed.start(fabric, o.vmHosts(), o.vmsPerHost(), o.rateBitsPerSecond(), false,
                interlude == null ? mgr -> List.of() : interlude::beforeManager);
        AdaptationApi api = tb.adaptation();
        api.set("automatic", "greedy");
        Map<String, Long> pids = new LinkedHashMap<>();
        for (Host h : tb.vmHosts()) {
            pids.put("agent " + h.name(), tb.agent(h).pid());
        }
        pids.put("agent " + tb.proxy().name(), tb.agent(tb.proxy()).pid());
        pids.put("manager", tb.manager().pid());

        PairProbes probes = new PairProbes(fabric);
        List<Vm> vms = tb.vms();
        for (int i = 0; i < vms.size(); i++) {
            for (int j = i + 1; j < vms.size(); j++) {
                probes.start(vms.get(i), vms.get(j));
            }
        }
        Churn churn = new Churn(fabric, tb.vmHosts(), AdaptTestbed.VNI, probes, vms);
        DecisionWatch watch = new DecisionWatch(api);
        String schedule = o.schedule(WORKLOAD_EXTRA_SECONDS);
        Patterns.Options wo = Patterns.Options.of(schedule).withComputeMs(o.computeMs())
                .withMessageBytes(o.messageBytes()).withPrintEvery(50);
        ExecutorService bg = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "soak-workload");
            t.setDaemon(true);
            return t;
        });
        List<String> failures = new ArrayList<>();
        long[] workloadEndedAt = {0};
        try {
            Future<Patterns.Result> workload = bg.submit(() -> {
                try {
                    return Patterns.run(fabric, vms, wo);
                } finally {
                    workloadEndedAt[0] = System.currentTimeMillis();
                }
            });
            long start = System.currentTimeMillis();
            long deadline = start + o.durationMs();
            out.printf(Locale.ROOT, "soak: %d VM hosts, the proxy, %d VMs, uplinks %d Mbit/s, closed loop automatic;"
                            + " %d min; sampling %s every %d s, churn every %d s; workload %s%n", o.vmHosts(), vms.size(),
                    o.rateBitsPerSecond() / 1_000_000, o.durationMs() / 60_000, pids.keySet(), o.samplePeriodMs() / 1000,
                    o.churnPeriodMs() / 1000, schedule.length() > 60 ? schedule.substring(0, 60) + "..." : schedule);
            ResourceSampler sampler = ResourceSampler.start(pids, o.samplePeriodMs());
            Map<String, List<JvmProbe.Sample>> series;
            Map<String, Map<String, Long>> histogramsAtThird = null;
            Map<String, List<String>> growthByClass = new LinkedHashMap<>();
            try {
                churn.start(); // a churned VM from the start, so that the cycle's stop always has one
                if (interlude != null) {
                    interlude.started(new Context(tb, churn, start, o.durationMs()));
                }
                long nextChurn = start + o.churnPeriodMs();
                long nextPoll = start;
                long nextProgress = start + 60_000;
                while (System.currentTimeMillis() < deadline && !workload.isDone()) {
                    long now = System.currentTimeMillis();
                    if (now >= nextChurn) {
                        Churn.Event e = churn.step();
                        out.printf(Locale.ROOT, "soak %5.1f min: %s %s %s (%d ms)%n", (now - start) / 60_000.0,
                                e.action(), e.vm(), e.detail(), e.tookMs());
                        nextChurn += o.churnPeriodMs();
                    }
                    if (now >= nextPoll) {
                        watch.poll();
                        nextPoll += o.decisionPollMs();
                    }
                    if (histogramsAtThird == null && now >= start + o.durationMs() / 3) {
                        histogramsAtThird = histograms(pids, out);
                    }
                    if (now >= nextProgress) {
                        DecisionWatch.Summary d = watch.summary();
                        int[] pc = probes.counts();
                        out.printf(Locale.ROOT, "soak %5.1f min: %d decisions (%d applied, %d acknowledged), %d pairs"
                                        + " probed now, %d in all; %d VMs running%n", (now - start) / 60_000.0,
                                d.decisions(), d.applied(), d.acknowledged(), pc[1], pc[0], churn.running().size());
                        nextProgress += 60_000;
                    }
                    Thread.sleep(Math.max(10, Math.min(Math.min(nextChurn, nextPoll), deadline) - System.currentTimeMillis()));
                }
                if (workload.isDone() && System.currentTimeMillis() < deadline) {
                    failures.add(String.format(Locale.ROOT, "the workload ended %.1f min before the soak's end",
                            (deadline - System.currentTimeMillis()) / 60_000.0));
                }
                if (histogramsAtThird != null) {
                    Map<String, Map<String, Long>> atEnd = histograms(pids, out);
                    for (String p : pids.keySet()) {
                        if (histogramsAtThird.containsKey(p) && atEnd.containsKey(p)) {
                            growthByClass.put(p, SoakResult.growthByClass(histogramsAtThird.get(p), atEnd.get(p), 5));
                        }
                    }
                }
            } finally {
                sampler.close();
                series = sampler.series();
                probes.stopAll();
            }
            long end = System.currentTimeMillis(); // the last sample is taken
            // the decisions of the run: every one the loop applied is acknowledged
            List<AdaptationApi.Decision> left = watch.awaitAcknowledged(o.ackTimeoutMs());
            DecisionWatch.Summary decisions = watch.summary();
            Patterns.Result result = null;
            String workloadSummary;
            boolean workloadOk;
            try {
                result = workload.get(wo.effectiveRunTimeoutMs() + 60_000, TimeUnit.MILLISECONDS);
                workloadOk = result.ok();
                workloadSummary = result.summary() + (result.ok() ? "" : result.failures());
            } catch (java.util.concurrent.ExecutionException e) {
                workloadOk = false;
                workloadSummary = "the workload failed: " + e.getCause();
            } catch (TimeoutException e) {
                workloadOk = false;
                workloadSummary = "the workload did not end";
            }
            if (workload.isDone() && workloadEndedAt[0] > 0) {
                String began = "";
                if (workloadOk) {
                    long phase0 = io.vnet.it.experiment.IterationTimes.phaseStart(result.rank0(), 0);
                    began = String.format(Locale.ROOT, "its schedule started %.1f s after the soak's clock, ",
                            (phase0 - start) / 1000.0);
                }
                out.printf(Locale.ROOT, "soak: %sthe last sample was taken %.1f s after the soak's end, the workload's"
                        + " ranks exited %.1f s after it (its schedule runs %d s past the soak's end)%n", began,
                        (end - deadline) / 1000.0, (workloadEndedAt[0] - end) / 1000.0, WORKLOAD_EXTRA_SECONDS);
                if (workloadEndedAt[0] < end) {
                    failures.add(String.format(Locale.ROOT, "the workload ended %.1f s before the last sample",
                            (end - workloadEndedAt[0]) / 1000.0));
                }
            }

            List<SoakResult.MetricRow> rows = SoakResult.judge(series, o.growthLimitPercentPerHour(), o.growthRule());
            for (SoakResult.MetricRow r : rows) {
                if (!r.pass()) {
                    failures.add(r.trend() == null ? r.process() + " " + r.metric().label() + ": no trend: " + r.why()
                            : String.format(Locale.ROOT, "%s %s keeps growing: %s (limit %.1f%%/h, rule %s)", r.process(),
                            r.metric().label(), r.trend(), o.growthLimitPercentPerHour(), o.growthRule()));
                }
            }
            Map<String, List<Outages.Window>> migrations = churn.migrations();
            List<PairProbes.PairResult> pairs = probes.results(migrations);
            for (PairProbes.PairResult p : pairs) {
                if (p.longest().millis() > o.reachLimitMs()) {
                    failures.add(String.format(Locale.ROOT, "pair %s went %d ms without an answer outside migrations,"
                                    + " from %.1f s to %.1f s of the soak (limit %d ms)", p.pair(), p.longest().millis(),
                            (p.longest().fromMs() - start) / 1000.0, (p.longest().toMs() - start) / 1000.0,
                            o.reachLimitMs()));
                }
            }
            for (AdaptationApi.Decision d : left) {
                failures.add("decision " + d.id() + " (" + d.trigger() + ") applied at " + d.appliedAt()
                        + " and not acknowledged " + o.ackTimeoutMs() / 1000 + " s after the soak's end: " + d.json());
            }
            for (Long id : decisions.lostPending()) {
                failures.add("decision " + id + " left the manager's list of decisions unacknowledged");
            }
            if (!workloadOk) {
                failures.add("the patterns workload failed: " + workloadSummary);
            }
            List<String> samplerErrors = sampler.errors();
            if (!samplerErrors.isEmpty()) {
                failures.add(samplerErrors.size() + " samples could not be taken: " + samplerErrors);
            }
            if (probes.refused() > 0 || churn.refused() > 0 || decisions.refused() > 0) {
                failures.add("bounds reached: " + probes.refused() + " pairs, " + churn.refused() + " VM starts, "
                        + decisions.refused() + " decisions not followed");
            }
            return new SoakResult(o, start, end, series, rows, pairs, probes.refused(), churn.events(), migrations,
                    decisions, workloadOk, workloadSummary, samplerErrors, growthByClass, failures);
        } finally {
            bg.shutdownNow();
        }
    }
}
