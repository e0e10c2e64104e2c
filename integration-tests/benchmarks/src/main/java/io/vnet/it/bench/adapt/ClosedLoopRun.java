package io.vnet.it.bench.adapt;

import io.vnet.it.experiment.IterationTimes;
import io.vnet.it.experiment.AdaptationApi;
import io.vnet.it.experiment.AdaptTestbed;
import io.vnet.it.patterns.Pattern;
import io.vnet.it.patterns.Patterns;
import io.vnet.it.patterns.RankLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One run of the patterns workload under the manager's closed loop, from the bare star: the
 * overlay is reset ({@link #returnToStar}), automatic mode is set with an algorithm
 * ({@link #arm}), the workload runs, and each phase is matched with the decision the manager
 * made during it. Used by {@link AdaptBenchmark} and meant for a CI-sized test on
 * {@link AdaptTestbed#small}.
 */
public final class ClosedLoopRun {
    /** The manager's default least time between two decisions of a network (adaptation.minIntervalMs). */
    public static final long MIN_DECISION_INTERVAL_MS = 5000;

    private ClosedLoopRun() {
    }

    /**
     * One phase of the run and the decision made during it: the first applied one, else the
     * first one, else none ({@code note} says which and why).
     */
    public record Phase(int index, Pattern pattern, long startEpochMs, double endEpochMs, AdaptationApi.Decision decision,
                        String note) {
        /** Seconds from the phase's start to the decision's appliedAt; NaN if none was applied. */
        public double appliedAfterSeconds() {
            return decision == null || !decision.applied() || decision.appliedAt() == null ? Double.NaN
                    : (decision.appliedAt().toEpochMilli() - startEpochMs) / 1000.0;
        }

        /** Seconds from the phase's start to the decision's ackedAt; NaN if the API gave none. */
        public double ackedAfterSeconds() {
            return decision == null || !decision.applied() || decision.ackedAt() == null ? Double.NaN
                    : (decision.ackedAt().toEpochMilli() - startEpochMs) / 1000.0;
        }

        /**
         * The first moment whose iterations run on the phase's new overlay: when the decision took
         * effect (acknowledged, else applied) plus {@code settleMs}; 0 when nothing was applied.
         */
        public long notBeforeEpochMs(long settleMs) {
            return decision != null && decision.applied() && decision.effectiveAt() != null
                    ? decision.effectiveAt().toEpochMilli() + settleMs : 0;
        }
    }

    /**
     * The run: the workload's result, its phases with their decisions, every decision made during
     * the run (oldest first), the stale ones made when automatic mode was set, and the agents'
     * link counters before and after the run.
     */
    public record Outcome(String algorithm, Patterns.Result result, List<Phase> phases,
                          List<AdaptationApi.Decision> decisions, List<AdaptationApi.Decision> stale,
                          AdaptTestbed.LinkSnapshot before, AdaptTestbed.LinkSnapshot after) {
        /** The share of the VM hosts' link bytes that went to the proxy during the run. */
        public double proxyShare() {
            return after.proxyShareSince(before);
        }

        /** Rank 0's median iteration time (ms) in phase {@code i}, on the new overlay, without the first {@code skip}. */
        public double steadyMedianMs(int i, int skip, long settleMs) {
            return IterationTimes.medianIterationMs(result, i, skip, phases.get(i).notBeforeEpochMs(settleMs));
        }
    }

    /** Adaptation off, every applied decision rolled back, every desired state emptied: the bare star. */
    public static void returnToStar(AdaptTestbed tb) throws IOException, InterruptedException {
        tb.adaptation().offQuietly();
        tb.adaptation().rollbackAll(50);
        tb.clearDesiredState();
    }

    /**
     * How long the network must have been quiet before automatic mode is set: VTTIF's window
     * (2 s in {@link AdaptTestbed#managerConfig}) plus an evaluation and a loop tick. Within
     * the window the loop still sees the last run's traffic and decides on it at once.
     */
    public static final long QUIET_MS = 3500;

    /**
     * Sets automatic mode with {@code algorithm} on the current overlay, once the network has
     * been quiet for {@link #QUIET_MS}, and returns the stale decisions it caused anyway (a
     * decision within 2 s of the mode set, on traffic from before). A stale decision is rolled
     * back, and this waits out the least interval between decisions, so that the next pattern
     * starts on the same overlay and its own decision is not held back.
     *
     * @throws AdaptationApi.Unsupported if the manager has no automatic mode
     */
    public static List<AdaptationApi.Decision> arm(AdaptTestbed tb, String algorithm) throws IOException, InterruptedException {
        AdaptationApi api = tb.adaptation();
        Thread.sleep(QUIET_MS);
        long base = api.lastDecisionId();
        api.set("automatic", algorithm);
        Thread.sleep(2000);
        List<AdaptationApi.Decision> stale = api.decisionsAfter(base);
        if (!stale.isEmpty()) {
            AdaptationApi.Decision last = stale.get(stale.size() - 1);
            if (stale.stream().anyMatch(AdaptationApi.Decision::applied)) {
                api.rollbackAll(10);
                tb.clearDesiredState();
            }
            long wait = last.time().toEpochMilli() + MIN_DECISION_INTERVAL_MS + 500 - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
        }
        return stale;
    }

    /**
     * From the bare star, with automatic mode and {@code algorithm}, runs the workload; then sets
     * the mode off (the overlay stays as the loop left it: call {@link #returnToStar} to reset).
     * A failed workload throws with the ranks' failures.
     */
    public static Outcome run(AdaptTestbed tb, String algorithm, Patterns.Options options)
            throws IOException, InterruptedException {
        AdaptationApi api = tb.adaptation();
        returnToStar(tb);
        List<AdaptationApi.Decision> stale = arm(tb, algorithm);
        long base = api.lastDecisionId();
        AdaptTestbed.LinkSnapshot before = tb.linkSnapshot();
        Patterns.Result r;
        try {
            r = Patterns.run(tb.fabric(), tb.vms(), options);
        } finally {
            api.offQuietly();
        }
        AdaptTestbed.LinkSnapshot after = tb.linkSnapshot();
        if (!r.ok()) {
            throw new IllegalStateException("the workload failed under the closed loop (" + algorithm + "):\n" + r.failures());
        }
        List<AdaptationApi.Decision> ds = api.decisionsAfter(base);
        return new Outcome(algorithm, r, phases(r.rank0(), ds), ds, stale, before, after);
    }

    /** Each phase of the run with the decision made during it. */
    public static List<Phase> phases(RankLog log, List<AdaptationApi.Decision> decisions) {
        List<IterationTimes.Timed> its = IterationTimes.timeline(log);
        double runEnd = its.isEmpty() ? 0 : its.get(its.size() - 1).endEpochMs();
        List<RankLog.PhaseStart> starts = log.starts();
        List<Phase> out = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            long s = starts.get(i).epochMs();
            double e = i + 1 < starts.size() ? starts.get(i + 1).epochMs() : runEnd;
            List<AdaptationApi.Decision> in = decisions.stream()
                    .filter(d -> d.time() != null && d.time().toEpochMilli() >= s && d.time().toEpochMilli() < e).toList();
            Optional<AdaptationApi.Decision> applied = in.stream().filter(AdaptationApi.Decision::applied).findFirst();
            AdaptationApi.Decision d = applied.orElse(in.isEmpty() ? null : in.get(0));
            String note = d == null ? "no decision during the phase"
                    : !d.applied() ? "decision " + d.id() + " not applied: " + d.note() : "";
            out.add(new Phase(i, starts.get(i).pattern(), s, e, d, note));
        }
        return out;
    }
}
