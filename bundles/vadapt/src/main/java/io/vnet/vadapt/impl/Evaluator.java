package io.vnet.vadapt.impl;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * Widest-path routing over an overlay and the objective of the {@link io.vnet.vadapt.CostModel}.
 * Routes are computed per source host on demand and cached until the links change, so moving VMs
 * costs no rerouting. Memory: O(nodes^2) for the routing trees and link counters.
 */
final class Evaluator {
    private final Instance in;
    private final int n;
    private final int[][] parent;
    private final int[] linkCount;
    private final int[] touched;
    private int touchedSize;
    private int[][] adjacency;
    private LinkSet routedFor;
    private long routedVersion = -1;
    private final double[] width;
    private final double[] lat;
    private final boolean[] done;
    private final double[] times;

    Evaluator(Instance in) {
        this.in = in;
        this.n = in.nodes;
        this.parent = new int[n][];
        this.linkCount = new int[n * n];
        this.touched = new int[n * n];
        this.width = new double[n];
        this.lat = new double[n];
        this.done = new boolean[n];
        this.times = new double[in.pairRate.length];
    }

    private void route(LinkSet links) {
        if (routedFor != links || routedVersion != links.version()) {
            adjacency = links.adjacency(in.center);
            Arrays.fill(parent, null);
            routedFor = links;
            routedVersion = links.version();
        }
    }

    /** The widest-path tree from {@code s}: parent of every node toward s. Ties: lower latency, lower index. */
    private int[] tree(int s) {
        int[] p = parent[s];
        if (p != null) {
            return p;
        }
        p = new int[n];
        Arrays.fill(p, -1);
        Arrays.fill(width, -1);
        Arrays.fill(lat, Double.POSITIVE_INFINITY);
        Arrays.fill(done, false);
        width[s] = Double.POSITIVE_INFINITY;
        lat[s] = 0;
        p[s] = s;
        // a heap of (width, latency, node) entries, widest first; stale entries are skipped
        PriorityQueue<double[]> heap = new PriorityQueue<>((x, y) -> {
            int c = Double.compare(y[0], x[0]);
            if (c == 0) {
                c = Double.compare(x[1], y[1]);
            }
            return c != 0 ? c : Double.compare(x[2], y[2]);
        });
        heap.add(new double[] {width[s], 0, s});
        while (!heap.isEmpty()) {
            double[] top = heap.poll();
            int u = (int) top[2];
            if (done[u] || top[0] != width[u] || top[1] != lat[u]) {
                continue;
            }
            done[u] = true;
            for (int v : adjacency[u]) {
                if (done[v]) {
                    continue;
                }
                double w = Math.min(width[u], in.bandwidth(u, v));
                double l = lat[u] + in.latency(u, v);
                if (w > width[v] || (w == width[v] && l < lat[v])) {
                    width[v] = w;
                    lat[v] = l;
                    p[v] = u;
                    heap.add(new double[] {w, l, v});
                }
            }
        }
        parent[s] = p;
        return p;
    }

    /** The route between two hosts, from {@code a} to {@code b}, as node indices. */
    int[] path(LinkSet links, int a, int b) {
        route(links);
        int s = Math.min(a, b);
        int t = Math.max(a, b);
        int[] p = tree(s);
        int len = 1;
        for (int v = t; v != s; v = p[v]) {
            len++;
        }
        int[] path = new int[len];
        int i = 0;
        for (int v = t; v != s; v = p[v]) {
            path[i++] = v;
        }
        path[i] = s;
        if (a == s) {
            for (int x = 0, y = len - 1; x < y; x++, y--) {
                int tmp = path[x];
                path[x] = path[y];
                path[y] = tmp;
            }
        }
        return path;
    }

    /** The objective of placing VM i on host {@code place[i]} with these fast links. */
    Eval evaluate(int[] place, LinkSet links) {
        route(links);
        // 1. count the inter-host pairs routed over every overlay link
        for (int i = 0; i < in.pairRate.length; i++) {
            int ha = place[in.pairA[i]];
            int hb = place[in.pairB[i]];
            if (ha == hb) {
                continue;
            }
            int s = Math.min(ha, hb);
            int[] p = tree(s);
            for (int v = Math.max(ha, hb); v != s; v = p[v]) {
                int k = Math.min(v, p[v]) * n + Math.max(v, p[v]);
                if (linkCount[k]++ == 0) {
                    touched[touchedSize++] = k;
                }
            }
        }
        // 2. each pair's time: its rate over its fair share of the bottleneck, plus latency
        double max = 0;
        double sum = 0;
        for (int i = 0; i < in.pairRate.length; i++) {
            int ha = place[in.pairA[i]];
            int hb = place[in.pairB[i]];
            if (ha == hb) {
                times[i] = 0;
                continue;
            }
            int s = Math.min(ha, hb);
            int[] p = tree(s);
            double share = Double.POSITIVE_INFINITY;
            double latency = 0;
            for (int v = Math.max(ha, hb); v != s; v = p[v]) {
                int k = Math.min(v, p[v]) * n + Math.max(v, p[v]);
                share = Math.min(share, in.bandwidth(v, p[v]) / linkCount[k]);
                latency += in.latency(v, p[v]);
            }
            double t = 8 * in.pairRate[i] / share + latency;
            times[i] = t;
            max = Math.max(max, t);
            sum += t;
        }
        for (int i = 0; i < touchedSize; i++) {
            linkCount[touched[i]] = 0;
        }
        touchedSize = 0;
        int added = links.countNotIn(in.currentLinks);
        int moved = 0;
        for (int i = 0; i < place.length; i++) {
            if (place[i] != in.current[i]) {
                moved++;
            }
        }
        double change = added * in.problem.cost().linkCostSeconds() + moved * in.problem.cost().migrationCostSeconds();
        return new Eval(max, sum, added, moved, change);
    }

    /** The pair (index) with the longest time in the last evaluation, or -1 if all pairs were local. */
    int bottleneck() {
        return slowest(null, null);
    }

    /**
     * The slowest pair in the last evaluation (of {@code place}) whose hosts have no direct link in
     * {@code links}, or -1; with null arguments, the slowest pair of all.
     */
    int slowest(int[] place, LinkSet links) {
        int best = -1;
        for (int i = 0; i < times.length; i++) {
            if (links != null && links.has(place[in.pairA[i]], place[in.pairB[i]])) {
                continue;
            }
            if (times[i] > 0 && (best < 0 || times[i] > times[best])) {
                best = i;
            }
        }
        return best;
    }
}
