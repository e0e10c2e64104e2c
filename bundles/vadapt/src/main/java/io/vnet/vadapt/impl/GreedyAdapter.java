package io.vnet.vadapt.impl;

import io.vnet.vadapt.Adapter;
import io.vnet.vadapt.Budget;
import io.vnet.vadapt.Plan;
import io.vnet.vadapt.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy: (1) a mapping that puts the VMs of the heaviest pairs first on one host, or else on the
 * hosts with the widest path between them, preferring each VM's current host; (2) for the current
 * placement and for that mapping, a sequence of fast links, each joining the hosts of the slowest
 * pair at that point whose hosts have no direct link yet, every pair routed by widest path; the best prefix of the sequence (by the
 * objective, change costs included) wins. The best of the candidates is the answer.
 */
public final class GreedyAdapter implements Adapter {
    @Override
    public String name() {
        return "greedy";
    }

    @Override
    public Plan adapt(Problem problem, Budget budget) {
        Instance in = new Instance(problem);
        Evaluator ev = new Evaluator(in);
        return Plans.make(name(), in, ev, solve(in, ev));
    }

    static State solve(Instance in, Evaluator ev) {
        State best = null;
        for (State s : candidates(in, ev)) {
            if (best == null || s.eval().betterThan(best.eval())) {
                best = s;
            }
        }
        return best;
    }

    /** The current placement with its greedy links, then (if migration is allowed) the greedy mapping with its. */
    static List<State> candidates(Instance in, Evaluator ev) {
        List<State> l = new ArrayList<>();
        l.add(links(in, ev, in.current.clone()));
        if (in.migrationAllowed()) {
            l.add(links(in, ev, map(in)));
        }
        return l;
    }

    /** The slowest-pair-first link sequence from the current links, and its best prefix. */
    static State links(Instance in, Evaluator ev, int[] place) {
        LinkSet links = in.currentLinks.copy();
        Eval e = ev.evaluate(place, links);
        State best = new State(place, links.copy(), e);
        int maxSteps = Math.min(in.pairs.length, 4 * in.nodes);
        int batch = Math.max(1, in.nodes / 16);
        for (int step = 0; step < maxSteps; step++) {
            // one link per step on small overlays; on large ones, the links of the `batch` slowest
            // pairs at once, so that the steps (each a rerouting) stay O(hosts / batch)
            int added = 0;
            for (int b = 0; b < batch; b++) {
                int p = ev.slowest(place, links);
                if (p < 0) {
                    break;
                }
                links.add(place[in.pairA[p]], place[in.pairB[p]]);
                added++;
            }
            if (added == 0) {
                break;
            }
            e = ev.evaluate(place, links);
            if (e.betterThan(best.eval())) {
                best = new State(place, links.copy(), e);
            } else if (e.change() > best.eval().total() * (1 + 1e-12) + 1e-12) {
                // links are only added from here on, so the change cost alone already exceeds the best
                break;
            }
        }
        ev.evaluate(best.place(), best.links());
        return best;
    }

    /** Heaviest pairs first onto one host, else onto the widest-connected hosts with room. */
    static int[] map(Instance in) {
        int hosts = in.hostCount();
        int[] place = new int[in.vms.length];
        Arrays.fill(place, -1);
        int[] load = new int[hosts];
        for (int i = 0; i < in.pairs.length; i++) {
            int a = in.pairA[i];
            int b = in.pairB[i];
            if (place[a] < 0 && place[b] < 0) {
                int h = bestHostForTwo(in, load, a, b);
                if (h >= 0) {
                    place[a] = place[b] = h;
                    load[h] += 2;
                    continue;
                }
            }
            if (place[a] < 0 && place[b] >= 0) {
                place[a] = nearest(in, load, place[b], a);
                load[place[a]]++;
            } else if (place[b] < 0 && place[a] >= 0) {
                place[b] = nearest(in, load, place[a], b);
                load[place[b]]++;
            } else if (place[a] < 0) {
                place[a] = roomiest(in, load, a);
                load[place[a]]++;
                place[b] = nearest(in, load, place[a], b);
                load[place[b]]++;
            }
        }
        for (int v = 0; v < place.length; v++) {
            if (place[v] < 0) {
                place[v] = roomiest(in, load, v);
                load[place[v]]++;
            }
        }
        return place;
    }

    private static int bestHostForTwo(Instance in, int[] load, int a, int b) {
        int best = -1;
        int bestScore = -1;
        for (int h = 0; h < in.hostCount(); h++) {
            if (load[h] + 2 <= in.capacity[h]) {
                int score = (in.current[a] == h ? 1 : 0) + (in.current[b] == h ? 1 : 0);
                if (score > bestScore) {
                    best = h;
                    bestScore = score;
                }
            }
        }
        return best;
    }

    /** The host with room for VM v that is nearest {@code to}: the same host, else the widest path. */
    private static int nearest(Instance in, int[] load, int to, int v) {
        if (load[to] < in.capacity[to]) {
            return to;
        }
        int best = -1;
        double bestWidth = -1;
        for (int h = 0; h < in.hostCount(); h++) {
            if (load[h] < in.capacity[h]) {
                double w = Math.max(in.bandwidth(to, h),
                        Math.min(in.bandwidth(to, in.center), in.bandwidth(in.center, h)));
                if (w > bestWidth || (w == bestWidth && in.current[v] == h)) {
                    best = h;
                    bestWidth = w;
                }
            }
        }
        return best;
    }

    /** VM v's current host if it has room, else the host with the most room. */
    private static int roomiest(Instance in, int[] load, int v) {
        if (load[in.current[v]] < in.capacity[in.current[v]]) {
            return in.current[v];
        }
        int best = -1;
        for (int h = 0; h < in.hostCount(); h++) {
            if (load[h] < in.capacity[h] && (best < 0 || in.capacity[h] - load[h] > in.capacity[best] - load[best])) {
                best = h;
            }
        }
        return best;
    }
}
