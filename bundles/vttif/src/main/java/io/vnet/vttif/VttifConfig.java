package io.vnet.vttif;

/**
 * How VTTIF smooths and judges traffic.
 *
 * @param windowMillis  length of the sliding window over which reports are averaged (the
 *                      low-pass filter): a pair's rate is its bytes in the window divided by the
 *                      time the window covers. Longer windows ignore shorter bursts.
 * @param mode          {@link Mode#REACTIVE} reports a new topology at the first evaluation that
 *                      sees it; {@link Mode#DAMPED} only once it has been seen, unchanged, for
 *                      {@code stableMillis}
 * @param stableMillis  how long a topology must stay the same before {@code DAMPED} mode reports
 *                      it (ignored in {@code REACTIVE} mode)
 * @param pruneThreshold edges lighter than this fraction of the heaviest edge are dropped, in
 *                      [0, 1]
 * @param noiseBudget   the share of the total volume that may be background noise, in [0, 0.5]:
 *                      if the pruned graph has no known shape, the classifier may cut further at
 *                      a clear gap, as long as everything cut stays within this share (0 turns
 *                      this off)
 * @param minPairRate   pairs whose two directions together carry fewer bytes per second than
 *                      this are ignored (ARP replies and other unicast chatter); &gt;= 0
 * @param dominantShare if no shape is found within the noise budget, the traffic may be a mixture
 *                      of patterns: the classifier reports the smallest shape (cut at a clear gap)
 *                      whose edges carry at least this share of the volume, in [0.5, 1] (1 turns
 *                      this off: a cut always leaves less than all of it)
 */
public record VttifConfig(long windowMillis, Mode mode, long stableMillis, double pruneThreshold,
                          double noiseBudget, double minPairRate, double dominantShare) {

    /** When a new topology is reported. */
    public enum Mode {
        /** At the first evaluation that infers it. */
        REACTIVE,
        /** Once it has been inferred, unchanged, for the stable time. */
        DAMPED
    }

    public static final long DEFAULT_WINDOW_MILLIS = 10_000;
    public static final long DEFAULT_STABLE_MILLIS = 30_000;
    public static final double DEFAULT_PRUNE_THRESHOLD = 0.1;
    public static final double DEFAULT_NOISE_BUDGET = 0.15;
    public static final double DEFAULT_MIN_PAIR_RATE = 100;
    public static final double DEFAULT_DOMINANT_SHARE = 0.8;

    public VttifConfig {
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("invalid window " + windowMillis + " ms: expected > 0");
        }
        if (mode == null) {
            throw new IllegalArgumentException("invalid mode null: expected REACTIVE or DAMPED");
        }
        if (stableMillis < 0) {
            throw new IllegalArgumentException("invalid stable time " + stableMillis + " ms: expected >= 0");
        }
        if (!(pruneThreshold >= 0 && pruneThreshold <= 1)) {
            throw new IllegalArgumentException("invalid prune threshold " + pruneThreshold + ": expected 0..1");
        }
        if (!(noiseBudget >= 0 && noiseBudget <= 0.5)) {
            throw new IllegalArgumentException("invalid noise budget " + noiseBudget + ": expected 0..0.5");
        }
        if (!(minPairRate >= 0) || Double.isInfinite(minPairRate)) {
            throw new IllegalArgumentException("invalid minimum pair rate " + minPairRate
                    + " bytes/s: expected a finite number >= 0");
        }
        if (!(dominantShare >= 0.5 && dominantShare <= 1)) {
            throw new IllegalArgumentException("invalid dominant share " + dominantShare + ": expected 0.5..1");
        }
    }

    /** As the canonical constructor, with the default dominant share ({@value #DEFAULT_DOMINANT_SHARE}). */
    public VttifConfig(long windowMillis, Mode mode, long stableMillis, double pruneThreshold, double noiseBudget,
                       double minPairRate) {
        this(windowMillis, mode, stableMillis, pruneThreshold, noiseBudget, minPairRate, DEFAULT_DOMINANT_SHARE);
    }

    /**
     * A 10 s window, {@code DAMPED} with a 30 s stable time, prune threshold 0.1, noise budget
     * 0.15, a minimum pair rate of 100 bytes/s and a dominant share of 0.8.
     */
    public static VttifConfig defaults() {
        return new VttifConfig(DEFAULT_WINDOW_MILLIS, Mode.DAMPED, DEFAULT_STABLE_MILLIS, DEFAULT_PRUNE_THRESHOLD,
                DEFAULT_NOISE_BUDGET, DEFAULT_MIN_PAIR_RATE, DEFAULT_DOMINANT_SHARE);
    }

    public VttifConfig withWindowMillis(long value) {
        return new VttifConfig(value, mode, stableMillis, pruneThreshold, noiseBudget, minPairRate, dominantShare);
    }

    public VttifConfig withMode(Mode value) {
        return new VttifConfig(windowMillis, value, stableMillis, pruneThreshold, noiseBudget, minPairRate, dominantShare);
    }

    public VttifConfig withStableMillis(long value) {
        return new VttifConfig(windowMillis, mode, value, pruneThreshold, noiseBudget, minPairRate, dominantShare);
    }

    public VttifConfig withPruneThreshold(double value) {
        return new VttifConfig(windowMillis, mode, stableMillis, value, noiseBudget, minPairRate, dominantShare);
    }

    public VttifConfig withNoiseBudget(double value) {
        return new VttifConfig(windowMillis, mode, stableMillis, pruneThreshold, value, minPairRate, dominantShare);
    }

    public VttifConfig withMinPairRate(double value) {
        return new VttifConfig(windowMillis, mode, stableMillis, pruneThreshold, noiseBudget, value, dominantShare);
    }

    public VttifConfig withDominantShare(double value) {
        return new VttifConfig(windowMillis, mode, stableMillis, pruneThreshold, noiseBudget, minPairRate, value);
    }
}
