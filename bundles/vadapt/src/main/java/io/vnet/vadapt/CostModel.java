package io.vnet.vadapt;

/**
 * The objective every algorithm minimises, in seconds. Demand rates are bytes per second of the
 * application's current progress, so the time to move one second's worth of traffic stands for
 * the iteration time (for a non-iterative application: the inverse of its sustainable rate).
 *
 * <pre>
 *   route(p)   = the widest (max-min bandwidth) path between the hosts of p over the overlay
 *   share(l)   = bandwidth(l) / (number of inter-host pairs routed over overlay link l)   [fair share]
 *   time(p)    = 8 * rate(p) / min over l in route(p) of share(l)  +  sum over l of latency(l)
 *              = 0 if both VMs of p are on the same host (the local bridge)
 *   iteration  = max over pairs of time(p)
 *   change     = linkCost * (links added to the current overlay) + migrationCost * (VMs moved)
 *   objective  = iteration + change
 * </pre>
 *
 * The maximum, not the sum: in a BSP application an iteration ends when its slowest exchange
 * ends, so only the bottleneck pair decides the iteration time. The change costs are in seconds
 * too, so a change whose predicted saving is smaller than its cost is never chosen. Links that
 * are removed cost nothing. The predicted gain of a plan is
 * {@code iteration(current) / iteration(plan)}, a ratio of iteration times; a plan is applied
 * only if its objective is below the current iteration time and its gain is at least
 * {@code 1 + minGain} (hysteresis, so the overlay does not flap on small gains).
 */
public record CostModel(double linkCostSeconds, double migrationCostSeconds, double minGain) {
    public CostModel {
        check("link cost", linkCostSeconds);
        check("migration cost", migrationCostSeconds);
        check("minimum gain", minGain);
    }

    private static void check(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("invalid " + what + " " + v + ": expected a finite number >= 0");
        }
    }

    /** 1 ms per added link, 50 ms per migration, apply from a 5% gain. */
    public static CostModel defaults() {
        return new CostModel(0.001, 0.05, 0.05);
    }

    public CostModel withLinkCost(double seconds) {
        return new CostModel(seconds, migrationCostSeconds, minGain);
    }

    public CostModel withMigrationCost(double seconds) {
        return new CostModel(linkCostSeconds, seconds, minGain);
    }

    public CostModel withMinGain(double gain) {
        return new CostModel(linkCostSeconds, migrationCostSeconds, gain);
    }
}
