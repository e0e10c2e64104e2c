package io.vnet.it.soak;

import io.vnet.it.machine.Trend;
import java.util.List;

/**
 * The soak's settings.
 *
 * @param durationMs      how long the soak runs (the workload, the churn, the probes and the sampling)
 * @param samplePeriodMs  how often every agent and the manager are sampled
 * @param churnPeriodMs   how often a churn step (start, stop, migrate in turn) is taken
 * @param rateBitsPerSecond every overlay uplink's shaping (as in the closed loop's tests)
 * @param vmHosts         VM hosts (besides the proxy and the manager's host)
 * @param vmsPerHost      the workload's VMs per VM host
 * @param phaseSeconds    the length of each phase of the patterns workload
 * @param patterns        the patterns the workload cycles through, one per phase
 * @param messageBytes    the workload's message size
 * @param computeMs       the workload's compute time per iteration
 * @param decisionPollMs  how often the manager's decisions are read
 * @param ackTimeoutMs    how long after the end an applied decision may take to be acknowledged
 * @param reachLimitMs    the longest silence of a VM pair allowed outside a migration
 * @param growthLimitPercentPerHour the steepest growth allowed for any metric
 * @param growthRule      how a metric's trend is judged against that limit
 */
public record SoakOptions(long durationMs, long samplePeriodMs, long churnPeriodMs, long rateBitsPerSecond,
                          int vmHosts, int vmsPerHost, int phaseSeconds, List<String> patterns, int messageBytes,
                          double computeMs, long decisionPollMs, long ackTimeoutMs, long reachLimitMs,
                          double growthLimitPercentPerHour, GrowthRule growthRule) {
    /** How a metric's trend is judged. */
    public enum GrowthRule {
        /** The rule as written: the fitted slope above the limit fails ({@link Trend#growing(double)}). */
        AS_WRITTEN,
        /**
         * Only growth shown beyond noise fails: the lower end of the slope's 95% confidence interval above the
         * limit ({@link Trend#growingBeyondNoise(double)}). For a run too short to resolve the limit (CI's 5 minutes).
         */
        BEYOND_NOISE
    }

    public SoakOptions {
        patterns = List.copyOf(patterns);
        if (durationMs < 60_000) {
            throw new IllegalArgumentException("a soak of less than a minute (" + durationMs + " ms) shows nothing");
        }
        if (samplePeriodMs < 1000 || durationMs / samplePeriodMs < 5) {
            throw new IllegalArgumentException("sampling every " + samplePeriodMs + " ms over " + durationMs
                    + " ms: at least 5 samples of at least 1 s apart are needed for a trend");
        }
        if (churnPeriodMs < 1000 || phaseSeconds < 5 || patterns.isEmpty() || vmHosts < 2 || vmsPerHost < 1) {
            throw new IllegalArgumentException("churn every >= 1 s, phases >= 5 s, a pattern, >= 2 VM hosts and a VM each");
        }
    }

    /**
     * The soak: 4 VM hosts, the proxy, 8 VMs at 50 Mbit/s; churn every 30 s; a sample a minute, but
     * about 30 samples (at most one every 10 s) in a run shorter than 30 minutes; the patterns all-to-all, ring and
     * 2-D mesh in turn, a third of the sampling period each (at least 10 s), so that each minute's sample of a
     * long run spans one whole cycle of the workload. Growth is judged by the rule as written.
     */
    public static SoakOptions standard(long durationMs) {
        long sample = Math.min(60_000, Math.max(10_000, durationMs / 30));
        List<String> patterns = List.of("all", "ring", "mesh");
        int phase = (int) Math.max(10, sample / 1000 / patterns.size());
        return new SoakOptions(durationMs, sample, 30_000, 50_000_000, 4, 2, phase, patterns,
                32 * 1024, 5, 10_000, 60_000, 3_000, Trend.LIMIT_PERCENT_PER_HOUR, GrowthRule.AS_WRITTEN);
    }

    /** The same with a sample every {@code samplePeriodMs} (the CI-sized run samples every 10 s). */
    public SoakOptions withSamplePeriodMs(long v) {
        return new SoakOptions(durationMs, v, churnPeriodMs, rateBitsPerSecond, vmHosts, vmsPerHost, phaseSeconds,
                patterns, messageBytes, computeMs, decisionPollMs, ackTimeoutMs, reachLimitMs, growthLimitPercentPerHour, growthRule);
    }

    public SoakOptions withChurnPeriodMs(long v) {
        return new SoakOptions(durationMs, samplePeriodMs, v, rateBitsPerSecond, vmHosts, vmsPerHost, phaseSeconds,
                patterns, messageBytes, computeMs, decisionPollMs, ackTimeoutMs, reachLimitMs, growthLimitPercentPerHour, growthRule);
    }

    public SoakOptions withPhaseSeconds(int v) {
        return new SoakOptions(durationMs, samplePeriodMs, churnPeriodMs, rateBitsPerSecond, vmHosts, vmsPerHost, v,
                patterns, messageBytes, computeMs, decisionPollMs, ackTimeoutMs, reachLimitMs, growthLimitPercentPerHour, growthRule);
    }

    public SoakOptions withRateBitsPerSecond(long v) {
        return new SoakOptions(durationMs, samplePeriodMs, churnPeriodMs, v, vmHosts, vmsPerHost, phaseSeconds,
                patterns, messageBytes, computeMs, decisionPollMs, ackTimeoutMs, reachLimitMs, growthLimitPercentPerHour, growthRule);
    }

    public SoakOptions withGrowthRule(GrowthRule v) {
        return new SoakOptions(durationMs, samplePeriodMs, churnPeriodMs, rateBitsPerSecond, vmHosts, vmsPerHost, phaseSeconds,
                patterns, messageBytes, computeMs, decisionPollMs, ackTimeoutMs, reachLimitMs, growthLimitPercentPerHour, v);
    }

    /** The workload's schedule: the patterns in turn, a phase each, filling the duration and {@code extraSeconds} more. */
    public String schedule(int extraSeconds) {
        long seconds = durationMs / 1000 + extraSeconds;
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (long t = 0; t < seconds; t += phaseSeconds) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(patterns.get(i++ % patterns.size())).append(':').append(Math.min(phaseSeconds, seconds - t));
        }
        return b.toString();
    }
}
