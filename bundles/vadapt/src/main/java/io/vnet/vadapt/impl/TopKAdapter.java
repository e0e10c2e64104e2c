package io.vnet.vadapt.impl;

import io.vnet.vadapt.Adapter;
import io.vnet.vadapt.Budget;
import io.vnet.vadapt.Plan;
import io.vnet.vadapt.Problem;

/**
 * The founding heuristic: keep the placement and add a direct link between the hosts of each of
 * the k heaviest VM pairs that are on different hosts. It ignores the cost of links; the plan's
 * decision still applies the hysteresis.
 */
public final class TopKAdapter implements Adapter {
    private final int k;

    public TopKAdapter(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("invalid k " + k + ": expected >= 0 fast-path pairs");
        }
        this.k = k;
    }

    @Override
    public String name() {
        return "topk";
    }

    @Override
    public Plan adapt(Problem problem, Budget budget) {
        Instance in = new Instance(problem);
        Evaluator ev = new Evaluator(in);
        int[] place = in.current.clone();
        LinkSet links = in.currentLinks.copy();
        int taken = 0;
        for (int i = 0; i < in.pairs.length && taken < k; i++) {
            int ha = place[in.pairA[i]];
            int hb = place[in.pairB[i]];
            if (ha != hb) {
                links.add(ha, hb);
                taken++;
            }
        }
        return Plans.make(name(), in, ev, new State(place, links, ev.evaluate(place, links)));
    }
}
