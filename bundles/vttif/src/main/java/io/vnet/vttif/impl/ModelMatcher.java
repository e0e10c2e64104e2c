package io.vnet.vttif.impl;

import java.util.Arrays;

/**
 * Decides whether a graph is isomorphic to a reference graph (a mesh or torus) by anchoring
 * one node and its neighbours and propagating. A start node of the graph is mapped to a start
 * node of the model, and its neighbours to the model start's neighbours in every possible
 * order (at most 4! ways for a grid). Then, repeatedly, an unplaced node with placed neighbours
 * is placed if exactly one free model position is adjacent to all of their positions and to no
 * placed node it is not adjacent to. In a grid or torus with sides of at least 3 (a side of 2
 * for the circular ladder), the square through three placed corners and the step past a node
 * whose other neighbours are placed are always unique, so a correct anchoring places every
 * node. Every complete placement is then verified edge by edge, so a wrong anchoring can never
 * produce a false match.
 */
final class ModelMatcher {
    private ModelMatcher() {
    }

    /**
     * A mapping from the graph's nodes to model positions that is an isomorphism and maps
     * {@code start} to {@code modelStart}, or null if there is none.
     */
    static int[] match(Graph graph, Graph model, int start, int modelStart) {
        if (graph.size() != model.size() || graph.edgeCount() != model.edgeCount()
                || graph.degree(start) != model.degree(modelStart)) {
            return null;
        }
        int[] gn = graph.neighbours(start);
        int[] order = model.neighbours(modelStart).clone();
        do {
            int[] placed = place(graph, model, start, modelStart, gn, order);
            if (placed != null && isIsomorphism(graph, model, placed)) {
                return placed;
            }
        } while (nextPermutation(order));
        return null;
    }

    private static int[] place(Graph graph, Graph model, int start, int modelStart, int[] gn, int[] order) {
        int n = graph.size();
        int[] pos = new int[n];
        int[] owner = new int[n];
        Arrays.fill(pos, -1);
        Arrays.fill(owner, -1);
        pos[start] = modelStart;
        owner[modelStart] = start;
        for (int k = 0; k < gn.length; k++) {
            pos[gn[k]] = order[k];
            owner[order[k]] = gn[k];
        }
        int placedCount = 1 + gn.length;
        boolean progress = true;
        while (progress && placedCount < n) {
            progress = false;
            for (int u = 0; u < n; u++) {
                if (pos[u] >= 0) {
                    continue;
                }
                int q = uniquePosition(graph, model, u, pos, owner);
                if (q == -2) {
                    return null;
                }
                if (q >= 0) {
                    pos[u] = q;
                    owner[q] = u;
                    placedCount++;
                    progress = true;
                }
            }
        }
        return placedCount == n ? pos : null;
    }

    /** The only position {@code u} can take, -1 if not yet decided, -2 if none is possible. */
    private static int uniquePosition(Graph graph, Graph model, int u, int[] pos, int[] owner) {
        int anchor = -1;
        for (int w : graph.neighbours(u)) {
            if (pos[w] >= 0) {
                anchor = w;
                break;
            }
        }
        if (anchor < 0) {
            return -1;
        }
        int found = -1;
        for (int q : model.neighbours(pos[anchor])) {
            if (owner[q] < 0 && fits(graph, model, u, q, pos, owner)) {
                if (found >= 0) {
                    return -1;
                }
                found = q;
            }
        }
        return found < 0 ? -2 : found;
    }

    /** Whether {@code u} at {@code q} agrees with every placed node about adjacency. */
    private static boolean fits(Graph graph, Graph model, int u, int q, int[] pos, int[] owner) {
        for (int w : graph.neighbours(u)) {
            if (pos[w] >= 0 && !model.adjacent(q, pos[w])) {
                return false;
            }
        }
        for (int p : model.neighbours(q)) {
            if (owner[p] >= 0 && !graph.adjacent(u, owner[p])) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIsomorphism(Graph graph, Graph model, int[] pos) {
        for (int u = 0; u < graph.size(); u++) {
            for (int w : graph.neighbours(u)) {
                if (!model.adjacent(pos[u], pos[w])) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Steps {@code a} to its next lexicographic permutation; false after the last one. */
    static boolean nextPermutation(int[] a) {
        int i = a.length - 2;
        while (i >= 0 && a[i] >= a[i + 1]) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        int j = a.length - 1;
        while (a[j] <= a[i]) {
            j--;
        }
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
        for (int l = i + 1, r = a.length - 1; l < r; l++, r--) {
            t = a[l];
            a[l] = a[r];
            a[r] = t;
        }
        return true;
    }
}
