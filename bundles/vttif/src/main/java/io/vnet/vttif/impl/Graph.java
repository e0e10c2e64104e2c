package io.vnet.vttif.impl;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;

/** An immutable simple undirected graph on nodes {@code 0..n-1}. */
final class Graph {
    private final int[][] neighbours;
    private final BitSet[] adjacency;
    private final int edgeCount;

    private Graph(int[][] neighbours, BitSet[] adjacency, int edgeCount) {
        this.neighbours = neighbours;
        this.adjacency = adjacency;
        this.edgeCount = edgeCount;
    }

    /** Builds a graph from {@code (a, b)} pairs; self loops are refused and duplicate edges count once. */
    static Graph of(int n, int[][] edges) {
        BitSet[] adj = new BitSet[n];
        for (int i = 0; i < n; i++) {
            adj[i] = new BitSet(n);
        }
        int count = 0;
        for (int[] e : edges) {
            int a = e[0];
            int b = e[1];
            if (a == b) {
                throw new IllegalArgumentException("self loop at node " + a);
            }
            if (!adj[a].get(b)) {
                adj[a].set(b);
                adj[b].set(a);
                count++;
            }
        }
        int[][] nbrs = new int[n][];
        for (int i = 0; i < n; i++) {
            nbrs[i] = adj[i].stream().toArray();
        }
        return new Graph(nbrs, adj, count);
    }

    int size() {
        return neighbours.length;
    }

    int edgeCount() {
        return edgeCount;
    }

    int degree(int v) {
        return neighbours[v].length;
    }

    /** The neighbours of {@code v} in increasing order; do not modify. */
    int[] neighbours(int v) {
        return neighbours[v];
    }

    boolean adjacent(int a, int b) {
        return adjacency[a].get(b);
    }

    int maxDegree() {
        int max = 0;
        for (int[] n : neighbours) {
            max = Math.max(max, n.length);
        }
        return max;
    }

    /** The number of nodes of degree {@code d}. */
    int countDegree(int d) {
        int c = 0;
        for (int[] n : neighbours) {
            if (n.length == d) {
                c++;
            }
        }
        return c;
    }

    boolean isRegular(int d) {
        return countDegree(d) == size();
    }

    /** The first node of degree {@code d}, or -1. */
    int firstOfDegree(int d) {
        for (int v = 0; v < size(); v++) {
            if (degree(v) == d) {
                return v;
            }
        }
        return -1;
    }

    boolean isConnected() {
        int n = size();
        if (n == 0) {
            return true;
        }
        boolean[] seen = new boolean[n];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(0);
        seen[0] = true;
        int reached = 1;
        while (!queue.isEmpty()) {
            for (int w : neighbours[queue.poll()]) {
                if (!seen[w]) {
                    seen[w] = true;
                    reached++;
                    queue.add(w);
                }
            }
        }
        return reached == n;
    }

    @Override
    public String toString() {
        return "Graph[" + size() + " nodes, " + edgeCount + " edges, " + Arrays.deepToString(neighbours) + "]";
    }
}
