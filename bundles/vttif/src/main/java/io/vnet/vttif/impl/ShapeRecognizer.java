package io.vnet.vttif.impl;

import io.vnet.vttif.TopologyClass;

/**
 * Names the shape of an undirected communication graph by its structure alone, so that the
 * numbering of the nodes does not matter. The rules, in order (the first that fits wins):
 * <ol>
 * <li>not connected: OTHER;</li>
 * <li>complete, and even: the heaviest edge at most {@link #BALANCE} times the lightest:
 *     ALL_TO_ALL (all-to-all means every pair talks about equally; an uneven complete graph is
 *     typically a dense graph whose missing pairs background noise filled in);</li>
 * <li>connected, every degree 2: RING;</li>
 * <li>a tree with a node joined to all others: STAR (its hub is the root);</li>
 * <li>any other tree: a path is OTHER (a one-way chain reads as a broadcast from one end and as a
 *     reduction to the other); otherwise every edge must carry at least {@link #DOMINANCE} times
 *     more traffic one way than the other, and if every node then sends (mostly) to at most one
 *     neighbour the tree is a TREE_REDUCTION rooted at the node that sends to none; if every node
 *     receives from at most one, a TREE_BROADCAST rooted at the node that receives from none;
 *     anything else is OTHER;</li>
 * <li>4-regular and isomorphic to a rows x cols torus with both sides at least 3, or 3-regular and
 *     isomorphic to the 2 x c torus (the circular ladder, c at least 3): TORUS_2D;</li>
 * <li>four nodes of degree 2, the others of degree 3 or 4, and isomorphic to a rows x cols grid:
 *     MESH_2D;</li>
 * <li>otherwise OTHER.</li>
 * </ol>
 * Isomorphism to a grid or torus is decided by {@link ModelMatcher}, for every factorisation of
 * the node count.
 */
final class ShapeRecognizer {
    /** How much more one direction of a tree edge must carry than the other. */
    static final double DOMINANCE = 2.0;
    /** How much heavier than the lightest edge the heaviest edge of an all-to-all graph may be. */
    static final double BALANCE = 2.0;

    /** The directed traffic between two graph nodes. */
    interface DirectedWeights {
        double weight(int src, int dst);
    }

    private ShapeRecognizer() {
    }

    static Shape recognize(Graph g, DirectedWeights w) {
        int n = g.size();
        int m = g.edgeCount();
        if (n < 2 || !g.isConnected()) {
            return Shape.OTHER;
        }
        if ((long) m == (long) n * (n - 1) / 2) {
            return balanced(g, w) ? Shape.of(TopologyClass.ALL_TO_ALL) : Shape.OTHER;
        }
        if (m == n && g.isRegular(2)) {
            return Shape.of(TopologyClass.RING);
        }
        if (m == n - 1) {
            return tree(g, w);
        }
        Shape torus = torus(g);
        if (torus != null) {
            return torus;
        }
        Shape mesh = mesh(g);
        return mesh != null ? mesh : Shape.OTHER;
    }

    private static boolean balanced(Graph g, DirectedWeights w) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int a = 0; a < g.size(); a++) {
            for (int b : g.neighbours(a)) {
                double ab = w.weight(a, b) + w.weight(b, a);
                min = Math.min(min, ab);
                max = Math.max(max, ab);
            }
        }
        return max <= BALANCE * min;
    }

    private static Shape tree(Graph g, DirectedWeights w) {
        int n = g.size();
        int hub = g.firstOfDegree(n - 1);
        if (hub >= 0) {
            return Shape.rooted(TopologyClass.STAR, hub);
        }
        if (g.maxDegree() <= 2) {
            return Shape.OTHER;
        }
        int[] out = new int[n];
        int[] in = new int[n];
        for (int a = 0; a < n; a++) {
            for (int b : g.neighbours(a)) {
                if (b < a) {
                    continue;
                }
                double ab = w.weight(a, b);
                double ba = w.weight(b, a);
                if (ab >= DOMINANCE * ba && ab > 0) {
                    out[a]++;
                    in[b]++;
                } else if (ba >= DOMINANCE * ab && ba > 0) {
                    out[b]++;
                    in[a]++;
                } else {
                    return Shape.OTHER;
                }
            }
        }
        int sink = soleZero(out);
        if (sink >= 0) {
            return Shape.rooted(TopologyClass.TREE_REDUCTION, sink);
        }
        int source = soleZero(in);
        if (source >= 0) {
            return Shape.rooted(TopologyClass.TREE_BROADCAST, source);
        }
        return Shape.OTHER;
    }

    /**
     * In a tree with every edge oriented, the node with count 0 if all others have count 1 or
     * less (the count is then 1 for each of them, as there are n - 1 edges), else -1.
     */
    private static int soleZero(int[] counts) {
        int zero = -1;
        for (int v = 0; v < counts.length; v++) {
            if (counts[v] > 1) {
                return -1;
            }
            if (counts[v] == 0) {
                if (zero >= 0) {
                    return -1;
                }
                zero = v;
            }
        }
        return zero;
    }

    private static Shape torus(Graph g) {
        int n = g.size();
        if (g.isRegular(4) && g.edgeCount() == 2 * n) {
            for (int r = 3; r * r <= n; r++) {
                if (n % r == 0 && ModelMatcher.match(g, GridModel.torus(r, n / r), 0, 0) != null) {
                    return Shape.grid(TopologyClass.TORUS_2D, r, n / r);
                }
            }
        }
        if (g.isRegular(3) && n % 2 == 0 && n >= 6 && ModelMatcher.match(g, GridModel.torus(2, n / 2), 0, 0) != null) {
            return Shape.grid(TopologyClass.TORUS_2D, 2, n / 2);
        }
        return null;
    }

    private static Shape mesh(Graph g) {
        int n = g.size();
        int corner = g.firstOfDegree(2);
        if (g.countDegree(2) != 4 || g.countDegree(2) + g.countDegree(3) + g.countDegree(4) != n) {
            return null;
        }
        for (int r = 2; r * r <= n; r++) {
            int c = n / r;
            if (n % r == 0 && c >= 3 && g.edgeCount() == 2 * n - r - c
                    && ModelMatcher.match(g, GridModel.mesh(r, c), corner, 0) != null) {
                return Shape.grid(TopologyClass.MESH_2D, r, c);
            }
        }
        return null;
    }
}
