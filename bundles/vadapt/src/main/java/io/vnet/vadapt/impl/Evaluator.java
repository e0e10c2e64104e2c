package io.vnet.vadapt.impl;

import java.util.Arrays;

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
    private final int[] heap;
    private final int[] heapPos;
    private int heapSize;

    Evaluator(Instance in) {
        this.in = in;
        this.n = in.nodes;
        this.parent = new int[n][];
        this.linkCount = new int[n * n];
        this.touched = new int[n * n];
        this.width = new double[n];
        this.lat = new double[n];
        this.done = new boolean[n];
        this.heap = new int[n];
        this.heapPos = new int[n];
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
        // an indexed binary heap of nodes, widest first (then lower latency, then lower index); a
        // node's key only ever improves, so an update moves it up; nothing is allocated per node
        heapSize = 0;
        Arrays.fill(heapPos, -1);
        heapPush(s);
        while (heapSize > 0) {
            int u = heapPop();
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
                    if (heapPos[v] < 0) {
                        heapPush(v);
                    } else {
                        siftUp(heapPos[v]);
                    }
                }
            }
        }
        parent[s] = p;
        return p;
    }

    /** Whether node {@code a} comes out of the heap before {@code b}. */
    private boolean before(int a, int b) {
        if (width[a] != width[b]) {
            return width[a] > width[b];
        }
        if (lat[a] != lat[b]) {
            return lat[a] < lat[b];
        }
        return a < b;
    }

    private void heapPush(int v) {
        heap[heapSize] = v;
        heapPos[v] = heapSize;
        siftUp(heapSize++);
    }

    private int heapPop() {
        int top = heap[0];
        heapPos[top] = -1;
        int last = heap[--heapSize];
        if (heapSize > 0) {
            heap[0] = last;
            heapPos[last] = 0;
            siftDown(0);
        }
        return top;
    }

    private void siftUp(int i) {
        int v = heap[i];
        while (i > 0) {
            int up = (i - 1) >>> 1;
            int u = heap[up];
            if (!before(v, u)) {
                break;
            }
            heap[i] = u;
            heapPos[u] = i;
            i = up;
        }
        heap[i] = v;
        heapPos[v] = i;
    }

    private void siftDown(int i) {
        int v = heap[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= heapSize) {
                break;
            }
            if (c + 1 < heapSize && before(heap[c + 1], heap[c])) {
                c++;
            }
            if (!before(heap[c], v)) {
                break;
            }
            heap[i] = heap[c];
            heapPos[heap[i]] = i;
            i = c;
        }
        heap[i] = v;
        heapPos[v] = i;
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
