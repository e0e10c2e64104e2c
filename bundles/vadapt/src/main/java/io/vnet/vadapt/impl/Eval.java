package io.vnet.vadapt.impl;

import io.vnet.vadapt.Objective;

/** The value of one state: the objective's parts plus the sum of pair times, the tie-breaker. */
record Eval(double iteration, double sumTime, int linksAdded, int migrations, double change) {
    double total() {
        return iteration + change;
    }

    /** Smaller objective first; among (nearly) equal objectives, smaller total pair time. */
    boolean betterThan(Eval o) {
        double eps = 1e-12 * Math.max(1, Math.abs(o.total()));
        if (total() < o.total() - eps) {
            return true;
        }
        return total() <= o.total() + eps && sumTime < o.sumTime - 1e-12 * Math.max(1, o.sumTime);
    }

    Objective objective() {
        return new Objective(iteration, linksAdded, migrations, change);
    }
}
