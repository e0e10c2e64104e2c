package io.vnet.vadapt.impl;

import io.vnet.vadapt.Adapter;
import io.vnet.vadapt.Budget;
import io.vnet.vadapt.Plan;
import io.vnet.vadapt.Problem;

/**
 * The exact optimum under the same objective, for small instances: every set of fast links
 * between VM hosts, times every placement within the capacities (only the current one if
 * migration is not allowed), each routed by widest path. Ties go to the smaller total pair time,
 * then to the first found. Refuses instances of more than {@link #MAX_STATES} states.
 */
public final class ExhaustiveAdapter implements Adapter {
    public static final double MAX_STATES = 5e7;

    @Override
    public String name() {
        return "exhaustive";
    }

    @Override
    public Plan adapt(Problem problem, Budget budget) {
        Instance in = new Instance(problem);
        Evaluator ev = new Evaluator(in);
        return Plans.make(name(), in, ev, solve(in, ev));
    }

    static State solve(Instance in, Evaluator ev) {
        int hosts = in.hostCount();
        int m = hosts * (hosts - 1) / 2;
        double placements = in.migrationAllowed() ? Math.pow(hosts, in.vms.length) : 1;
        if (m > 20 || placements * Math.pow(2, m) > MAX_STATES) {
            throw new IllegalArgumentException("instance too large for exhaustive search: " + in.vms.length
                    + " VMs on " + hosts + " hosts (" + placements + " placements x 2^" + m + " link sets)");
        }
        int[] ea = new int[m];
        int[] eb = new int[m];
        for (int a = 0, i = 0; a < hosts; a++) {
            for (int b = a + 1; b < hosts; b++, i++) {
                ea[i] = a;
                eb[i] = b;
            }
        }
        State[] best = {Plans.currentState(in, ev)};
        for (int mask = 0; mask < (1 << m); mask++) {
            LinkSet links = new LinkSet(in.nodes);
            for (int i = 0; i < m; i++) {
                if ((mask & (1 << i)) != 0) {
                    links.add(ea[i], eb[i]);
                }
            }
            if (!in.migrationAllowed()) {
                consider(in, ev, in.current.clone(), links, best);
            } else {
                place(in, ev, new int[in.vms.length], new int[hosts], 0, links, best);
            }
        }
        return best[0];
    }

    private static void place(Instance in, Evaluator ev, int[] place, int[] load, int vm, LinkSet links,
                              State[] best) {
        if (vm == place.length) {
            consider(in, ev, place, links, best);
            return;
        }
        for (int h = 0; h < in.hostCount(); h++) {
            if (load[h] < in.capacity[h]) {
                load[h]++;
                place[vm] = h;
                place(in, ev, place, load, vm + 1, links, best);
                load[h]--;
            }
        }
    }

    private static void consider(Instance in, Evaluator ev, int[] place, LinkSet links, State[] best) {
        Eval e = ev.evaluate(place, links);
        if (e.betterThan(best[0].eval())) {
            best[0] = new State(place.clone(), links.copy(), e);
        }
    }
}
