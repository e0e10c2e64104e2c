package io.vnet.vadapt;

/**
 * How long an iterative algorithm may search: at most {@code iterations} steps, and optionally at
 * most {@code timeLimitNanos} of {@link System#nanoTime()} (0 for none). With no time limit the
 * result depends only on the problem and the seed.
 */
public record Budget(long iterations, long timeLimitNanos, long seed) {
    public Budget {
        if (iterations < 0) {
            throw new IllegalArgumentException("invalid iteration budget " + iterations + ": expected >= 0");
        }
        if (timeLimitNanos < 0) {
            throw new IllegalArgumentException("invalid time limit " + timeLimitNanos + " ns: expected >= 0 (0 for none)");
        }
    }

    /** 20000 iterations, no time limit, seed 1. */
    public static Budget defaults() {
        return new Budget(20_000, 0, 1);
    }

    public static Budget iterations(long n) {
        return new Budget(n, 0, 1);
    }

    public Budget withSeed(long s) {
        return new Budget(iterations, timeLimitNanos, s);
    }

    public Budget withTimeLimitNanos(long nanos) {
        return new Budget(iterations, nanos, seed);
    }
}
