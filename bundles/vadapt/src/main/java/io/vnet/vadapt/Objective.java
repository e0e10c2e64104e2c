package io.vnet.vadapt;

/**
 * A state's value under the {@link CostModel}: the iteration time (the slowest pair), the change
 * cost and its parts, and their sum, the objective.
 */
public record Objective(double iterationSeconds, int linksAdded, int migrations, double changeSeconds) {
    public Objective {
        if (!(iterationSeconds >= 0) || !(changeSeconds >= 0) || linksAdded < 0 || migrations < 0) {
            throw new IllegalArgumentException("invalid objective: iteration " + iterationSeconds + " s, "
                    + linksAdded + " links added, " + migrations + " migrations, change " + changeSeconds + " s");
        }
    }

    /** The objective: iteration time plus change cost, in seconds. */
    public double total() {
        return iterationSeconds + changeSeconds;
    }

    @Override
    public String toString() {
        return String.format("%.6f s (iteration %.6f s + %d links, %d migrations = %.6f s)", total(),
                iterationSeconds, linksAdded, migrations, changeSeconds);
    }
}
