package io.vnet.vadapt.impl;

import java.util.ArrayList;
import java.util.List;

/**
 * The fast-path links between VM hosts (the star links to the center are implicit), as a
 * host-by-host bit matrix plus a list for random choice.
 */
final class LinkSet {
    private final int nodes;
    private final boolean[] has;
    private final List<Integer> keys = new ArrayList<>();
    private long version;

    LinkSet(int nodes) {
        this.nodes = nodes;
        this.has = new boolean[nodes * nodes];
    }

    LinkSet copy() {
        LinkSet c = new LinkSet(nodes);
        for (int k : keys) {
            c.add(k / nodes, k % nodes);
        }
        return c;
    }

    boolean has(int a, int b) {
        return has[a * nodes + b];
    }

    /** Adds a-b; false if it was there. */
    boolean add(int a, int b) {
        if (a == b || has[a * nodes + b]) {
            return false;
        }
        has[a * nodes + b] = has[b * nodes + a] = true;
        version++;
        keys.add(Math.min(a, b) * nodes + Math.max(a, b));
        return true;
    }

    boolean remove(int a, int b) {
        if (!has[a * nodes + b]) {
            return false;
        }
        has[a * nodes + b] = has[b * nodes + a] = false;
        version++;
        keys.remove(Integer.valueOf(Math.min(a, b) * nodes + Math.max(a, b)));
        return true;
    }

    /** Grows with every change, so cached routes can tell they are stale. */
    long version() {
        return version;
    }

    int size() {
        return keys.size();
    }

    int a(int i) {
        return keys.get(i) / nodes;
    }

    int b(int i) {
        return keys.get(i) % nodes;
    }

    /** The links here that are not in {@code other}. */
    int countNotIn(LinkSet other) {
        int n = 0;
        for (int k : keys) {
            if (!other.has[k]) {
                n++;
            }
        }
        return n;
    }

    /** The neighbours of every node: the links here plus the star. */
    int[][] adjacency(int center) {
        int[] deg = new int[nodes];
        for (int k : keys) {
            deg[k / nodes]++;
            deg[k % nodes]++;
        }
        int[][] adj = new int[nodes][];
        adj[center] = new int[center];
        for (int h = 0; h < center; h++) {
            adj[center][h] = h;
            adj[h] = new int[deg[h] + 1];
            adj[h][0] = center;
            deg[h] = 1;
        }
        for (int k : keys) {
            int a = k / nodes;
            int b = k % nodes;
            adj[a][deg[a]++] = b;
            adj[b][deg[b]++] = a;
        }
        return adj;
    }
}
