package io.vnet.vadapt.impl;

import io.vnet.vadapt.Adapter;
import io.vnet.vadapt.Budget;
import io.vnet.vadapt.Plan;
import io.vnet.vadapt.Problem;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Simulated annealing from the greedy answers (the current placement and the greedy mapping,
 * each with its greedy links). A move swaps two VMs on different hosts, moves a VM to a host
 * with room, adds a link (between the hosts of the slowest pair, of a random pair, or of any two
 * hosts, since a relay can widen other routes), or removes a fast link; there are no VM moves if
 * migration is not allowed. Half of the VM moves take a VM of the slowest pair toward its
 * partner, a quarter send a VM back to its current host (saving a migration), and a VM move may
 * also add direct links for the pairs it splits. A move is accepted if it does not make the score
 * worse, else with probability exp(-worsening / temperature). The score is the objective plus 1%
 * of the mean pair time, which lets the search cross plateaus where only the slowest pair counts.
 * The budget is spent in 4 rounds, the first from each greedy answer, the others from the best
 * state so far, each cooling geometrically from 20% of its start's objective to 1/10000 of that.
 * The best state seen (by objective) is the answer, so annealing is never worse than greedy.
 * Deterministic for a seed unless the time limit stops it.
 */
public final class AnnealAdapter implements Adapter {
    private static final double TIE = 0.01;
    private static final int ROUNDS = 4;
    private static final double HEAT = 0.2;
    private static final double COLD = 1e-4;

    @Override
    public String name() {
        return "anneal";
    }

    @Override
    public Plan adapt(Problem problem, Budget budget) {
        Instance in = new Instance(problem);
        Evaluator ev = new Evaluator(in);
        return Plans.make(name(), in, ev, solve(in, ev, budget));
    }

    static double score(Instance in, Eval e) {
        return e.total() + (in.pairs.length == 0 ? 0 : TIE * e.sumTime() / in.pairs.length);
    }

    static State solve(Instance in, Evaluator ev, Budget budget) {
        List<State> starts = GreedyAdapter.candidates(in, ev);
        State best = starts.get(0);
        for (State s : starts) {
            if (s.eval().betterThan(best.eval())) {
                best = s;
            }
        }
        best = best.copy();
        if (in.pairs.length == 0 || best.eval().total() == 0 || budget.iterations() == 0) {
            return best;
        }
        SplittableRandom rnd = new SplittableRandom(budget.seed());
        long began = budget.timeLimitNanos() > 0 ? System.nanoTime() : 0;
        long perRound = Math.max(1, budget.iterations() / ROUNDS);
        long left = budget.iterations();
        for (int round = 0; left > 0; round++) {
            long n = Math.min(perRound, left);
            left -= n;
            // the first rounds start from each greedy candidate, the later ones from the best so far
            State from = round < starts.size() ? starts.get(round) : best;
            State s = anneal(in, ev, from, n, rnd, budget, began);
            if (s.eval().betterThan(best.eval())) {
                best = s;
            }
            if (outOfTime(budget, began)) {
                break;
            }
        }
        return best;
    }

    private static boolean outOfTime(Budget budget, long began) {
        return budget.timeLimitNanos() > 0 && System.nanoTime() - began > budget.timeLimitNanos();
    }

    /** One cooling run of {@code n} moves from {@code from}, cut short when out of time; its best state. */
    private static State anneal(Instance in, Evaluator ev, State from, long n, SplittableRandom rnd, Budget budget,
                                long began) {
        State best = from.copy();
        int[] place = from.place().clone();
        LinkSet links = from.links().copy();
        int[] load = new int[in.nodes];
        for (int h : place) {
            load[h]++;
        }
        Eval e0 = ev.evaluate(place, links);
        int slowest = ev.bottleneck();
        double cur = score(in, e0);
        double t0 = HEAT * e0.total();
        double cooling = n > 1 ? Math.pow(COLD, 1.0 / (n - 1)) : 1;
        double temp = t0;
        int hosts = in.hostCount();
        boolean migrate = in.migrationAllowed() && hosts > 1;
        int[] addedA = new int[16];
        int[] addedB = new int[16];
        for (long it = 0; it < n; it++, temp *= cooling) {
            if ((it & 63) == 0 && outOfTime(budget, began)) {
                break;
            }
            int kind = migrate ? rnd.nextInt(4) : 2 + rnd.nextInt(2);
            int u = -1;
            int v = -1;
            int from0 = -1;
            int la = -1;
            int lb = -1;
            int nAdded = 0;
            boolean added = false;
            if (kind == 0 || kind == 1) {
                // the bottleneck pair half of the time, else a random pair; one of its VMs moves
                int p = rnd.nextBoolean() ? Math.max(0, slowest) : rnd.nextInt(in.pairs.length);
                u = rnd.nextBoolean() ? in.pairA[p] : in.pairB[p];
                int partner = u == in.pairA[p] ? in.pairB[p] : in.pairA[p];
                int h = rnd.nextInt(3) == 0 ? rnd.nextInt(hosts) : place[partner];
                if (rnd.nextInt(4) == 0) { // or a VM goes back to its current host, saving a migration
                    u = rnd.nextInt(place.length);
                    h = in.current[u];
                    partner = -1;
                }
                if (h == place[u]) {
                    continue;
                }
                if (load[h] < in.capacity[h] && (kind == 1 || rnd.nextBoolean())) {
                    kind = 1;
                    from0 = place[u];
                    load[from0]--;
                    load[h]++;
                    place[u] = h;
                } else {
                    kind = 0;
                    v = vmOn(in, place, h, partner, rnd);
                    if (v < 0) {
                        continue;
                    }
                    int t = place[u];
                    place[u] = place[v];
                    place[v] = t;
                }
                // repair: give the moved VMs' new inter-host pairs a direct link, sometimes
                if (rnd.nextBoolean()) {
                    for (int i = 0; i < in.pairs.length && nAdded < addedA.length; i++) {
                        int a = in.pairA[i];
                        int b = in.pairB[i];
                        if ((a == u || b == u || a == v || b == v) && place[a] != place[b]
                                && links.add(place[a], place[b])) {
                            addedA[nAdded] = place[a];
                            addedB[nAdded++] = place[b];
                        }
                    }
                }
            } else if (kind == 2) { // add a link: the bottleneck pair's, a random pair's, or any
                int r = rnd.nextInt(3);
                if (r < 2) {
                    int p = r == 0 ? Math.max(0, slowest) : rnd.nextInt(in.pairs.length);
                    la = place[in.pairA[p]];
                    lb = place[in.pairB[p]];
                } else { // any two hosts: a relay link may widen other routes
                    la = rnd.nextInt(hosts);
                    lb = rnd.nextInt(hosts);
                }
                if (la == lb || !links.add(la, lb)) {
                    continue;
                }
                added = true;
            } else { // remove a fast link
                if (links.size() == 0) {
                    continue;
                }
                int i = rnd.nextInt(links.size());
                la = links.a(i);
                lb = links.b(i);
                links.remove(la, lb);
            }
            Eval e = ev.evaluate(place, links);
            double s = score(in, e);
            if (s <= cur || rnd.nextDouble() < Math.exp((cur - s) / temp)) {
                cur = s;
                slowest = ev.bottleneck();
                if (e.betterThan(best.eval())) {
                    best = new State(place.clone(), links.copy(), e);
                }
                continue;
            }
            // undo
            for (int i = 0; i < nAdded; i++) {
                links.remove(addedA[i], addedB[i]);
            }
            if (kind == 0) {
                int t = place[u];
                place[u] = place[v];
                place[v] = t;
            } else if (kind == 1) {
                load[place[u]]--;
                load[from0]++;
                place[u] = from0;
            } else if (added) {
                links.remove(la, lb);
            } else {
                links.add(la, lb);
            }
        }
        return best;
    }

    /** A random VM on host h other than {@code not}, or -1; samples, so it costs O(1) expected on full hosts. */
    private static int vmOn(Instance in, int[] place, int h, int not, SplittableRandom rnd) {
        for (int tries = 0; tries < 64; tries++) {
            int v = rnd.nextInt(place.length);
            if (place[v] == h && v != not) {
                return v;
            }
        }
        return -1;
    }
}
