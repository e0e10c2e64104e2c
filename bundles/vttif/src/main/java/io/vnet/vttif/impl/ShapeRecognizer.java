package io.vnet.vttif.impl;

import io.vnet.vttif.TopologyClass;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Names the shape of an undirected communication graph by its structure alone, so that the
 * numbering of the nodes does not matter. The rules, in order (where shapes coincide the first
 * that fits is the class, and {@link #recognizeAll} lists every one that fits):
 * <ol>
 * <li>not connected: OTHER;</li>
 * <li>complete, and even: the heaviest edge at most {@link #BALANCE} times the lightest:
 *     ALL_TO_ALL (all-to-all means every pair talks about equally; an uneven complete graph is
 *     typically a dense graph whose missing pairs background noise filled in);</li>
 * <li>connected, every degree 2: RING (on 4 nodes also the 2 x 2 mesh and torus);</li>
 * <li>a tree with a node joined to all others: STAR (its hub is the root);</li>
 * <li>a path of 4 or more nodes: PIPELINE;</li>
 * <li>any other tree: if every edge carries at least {@link #DOMINANCE} times more traffic one way
 *     than the other, and every node then sends (mostly) to at most one neighbour, a
 *     TREE_REDUCTION rooted at the node that sends to none; if every node receives from at most
 *     one, a TREE_BROADCAST rooted at the node that receives from none; otherwise (traffic both
 *     ways, as in a reduction and a broadcast down the same tree) a TREE rooted at its centre
 *     (of two, the one of higher degree);</li>
 * <li>4-regular and isomorphic to a rows x cols torus with both sides at least 3, or 3-regular and
 *     isomorphic to the 2 x c torus (the circular ladder, c at least 3): TORUS_2D;</li>
 * <li>four nodes of degree 2, the others of degree 3 or 4, and isomorphic to a rows x cols grid:
 *     MESH_2D;</li>
 * <li>2^d nodes (d at least 3), d-regular, and the d-cube: HYPERCUBE;</li>
 * <li>isomorphic to an a x b x c torus, every side at least 2: TORUS_3D;</li>
 * <li>isomorphic to an a x b x c grid, every side at least 2: MESH_3D;</li>
 * <li>otherwise OTHER.</li>
 * </ol>
 * Isomorphism to a grid or torus is decided by {@link ModelMatcher}, for every factorisation of
 * the node count; to the d-cube by labelling the nodes with d-bit words ({@link #hypercube}).
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

    /** The shape of {@code g}: the first rule that fits, or OTHER. */
    static Shape recognize(Graph g, DirectedWeights w) {
        List<Shape> all = recognizeAll(g, w);
        return all.isEmpty() ? Shape.OTHER : all.get(0);
    }

    /** Every shape that fits {@code g}, in the order of the rules (empty: OTHER). */
    static List<Shape> recognizeAll(Graph g, DirectedWeights w) {
        int n = g.size();
        int m = g.edgeCount();
        List<Shape> out = new ArrayList<>();
        if (n < 2 || !g.isConnected()) {
            return out;
        }
        if ((long) m == (long) n * (n - 1) / 2) {
            if (balanced(g, w)) {
                out.add(Shape.of(TopologyClass.ALL_TO_ALL));
            }
            // K2 and K3 are nothing else; K4 is 3-regular on 4 nodes, no grid
            return out;
        }
        if (m == n && g.isRegular(2)) {
            out.add(Shape.of(TopologyClass.RING));
            if (n == 4) {
                // the 4-cycle is also the 2 x 2 mesh and torus
                out.add(Shape.grid(TopologyClass.MESH_2D, 2, 2));
                out.add(Shape.grid(TopologyClass.TORUS_2D, 2, 2));
            }
            return out;
        }
        if (m == n - 1) {
            out.add(tree(g, w));
            return out;
        }
        Shape torus = torus2d(g);
        if (torus != null) {
            out.add(torus);
        }
        Shape mesh = mesh2d(g);
        if (mesh != null) {
            out.add(mesh);
        }
        Shape cube = hypercube(g);
        if (cube != null) {
            out.add(cube);
        }
        out.addAll(grids3d(g, true));
        out.addAll(grids3d(g, false));
        return out;
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
            return Shape.of(TopologyClass.PIPELINE);
        }
        int[] out = new int[n];
        int[] in = new int[n];
        boolean directed = true;
        for (int a = 0; a < n && directed; a++) {
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
                    directed = false;
                    break;
                }
            }
        }
        if (directed) {
            int sink = soleZero(out);
            if (sink >= 0) {
                return Shape.rooted(TopologyClass.TREE_REDUCTION, sink);
            }
            int source = soleZero(in);
            if (source >= 0) {
                return Shape.rooted(TopologyClass.TREE_BROADCAST, source);
            }
        }
        return Shape.rooted(TopologyClass.TREE, centre(g));
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

    /**
     * A centre of the tree (a node whose farthest node is nearest); of two centres, the one of
     * higher degree, then the first.
     */
    private static int centre(Graph g) {
        int best = -1;
        int bestEccentricity = Integer.MAX_VALUE;
        for (int v = 0; v < g.size(); v++) {
            int e = eccentricity(g, v);
            if (e < bestEccentricity || (e == bestEccentricity && g.degree(v) > g.degree(best))) {
                best = v;
                bestEccentricity = e;
            }
        }
        return best;
    }

    private static int eccentricity(Graph g, int from) {
        int[] dist = distances(g, from);
        int max = 0;
        for (int d : dist) {
            max = Math.max(max, d);
        }
        return max;
    }

    private static int[] distances(Graph g, int from) {
        int[] dist = new int[g.size()];
        Arrays.fill(dist, -1);
        dist[from] = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(from);
        while (!queue.isEmpty()) {
            int v = queue.poll();
            for (int w : g.neighbours(v)) {
                if (dist[w] < 0) {
                    dist[w] = dist[v] + 1;
                    queue.add(w);
                }
            }
        }
        return dist;
    }

    private static Shape torus2d(Graph g) {
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

    private static Shape mesh2d(Graph g) {
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

    /**
     * The d-cube, d at least 3: 2^d nodes, d-regular, and labelled by a breadth-first search from
     * node 0 (its neighbours get the words with one bit set, each later node the union of the
     * words of its neighbours one step nearer, of which it must have as many as its word has
     * bits), the labels being all different and every edge joining two words one bit apart.
     * In the d-cube any such labelling is an isomorphism, so this decides it.
     */
    static Shape hypercube(Graph g) {
        int n = g.size();
        int d = Integer.numberOfTrailingZeros(n);
        if (n < 8 || Integer.bitCount(n) != 1 || !g.isRegular(d) || g.edgeCount() != n * d / 2) {
            return null;
        }
        int[] dist = distances(g, 0);
        Integer[] order = new Integer[n];
        for (int v = 0; v < n; v++) {
            if (dist[v] < 0) {
                return null;
            }
            order[v] = v;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(dist[a], dist[b]));
        int[] label = new int[n];
        int[] first = g.neighbours(0);
        for (int i = 0; i < first.length; i++) {
            label[first[i]] = 1 << i;
        }
        for (int v : order) {
            if (dist[v] < 2) {
                continue;
            }
            int word = 0;
            int nearer = 0;
            for (int w : g.neighbours(v)) {
                if (dist[w] == dist[v] - 1) {
                    word |= label[w];
                    nearer++;
                }
            }
            if (nearer != dist[v] || Integer.bitCount(word) != dist[v]) {
                return null;
            }
            label[v] = word;
        }
        boolean[] used = new boolean[n];
        for (int v = 0; v < n; v++) {
            if (used[label[v]]) {
                return null;
            }
            used[label[v]] = true;
            for (int w : g.neighbours(v)) {
                if (Integer.bitCount(label[v] ^ label[w]) != 1) {
                    return null;
                }
            }
        }
        int[] twos = new int[d];
        Arrays.fill(twos, 2);
        return Shape.grid(TopologyClass.HYPERCUBE, twos);
    }

    /**
     * The a x b x c tori ({@code wrap}) or grids that {@code g} is, for each factorisation
     * a &lt;= b &lt;= c of its node count with every side at least 2 whose degrees and edge
     * count match (in a side of 2 a node has one neighbour in that dimension, else two; a grid's
     * node on a border has one fewer).
     */
    private static List<Shape> grids3d(Graph g, boolean wrap) {
        int n = g.size();
        List<Shape> out = new ArrayList<>();
        for (int a = 2; a * a * a <= n; a++) {
            if (n % a != 0) {
                continue;
            }
            for (int b = a; a * b * b <= n; b++) {
                if ((n / a) % b != 0) {
                    continue;
                }
                int c = n / a / b;
                Shape s = grid3d(g, wrap, a, b, c);
                if (s != null) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /**
     * The edges along one dimension of side {@code side} of a grid of {@code n} nodes: a line of
     * {@code side - 1} edges through each of the {@code n / side} rows of that dimension, and with
     * wrap-around one more each, except in a side of 2, where it is the same edge.
     */
    private static long edges(boolean wrap, int n, int side) {
        long lines = n / side;
        return lines * (side - 1 + (wrap && side > 2 ? 1 : 0));
    }

    private static Shape grid3d(Graph g, boolean wrap, int a, int b, int c) {
        int n = g.size();
        if (edges(wrap, n, a) + edges(wrap, n, b) + edges(wrap, n, c) != g.edgeCount()) {
            return null; // counted before a model of n nodes is built: this runs at every evaluation
        }
        Graph model = wrap ? GridModel.torus(a, b, c) : GridModel.mesh(a, b, c);
        if (model.edgeCount() != g.edgeCount() || model.maxDegree() != g.maxDegree()) {
            return null;
        }
        for (int d = 1; d <= model.maxDegree(); d++) {
            if (model.countDegree(d) != g.countDegree(d)) {
                return null;
            }
        }
        // anchor at a node of the lowest degree (a corner of a grid; any node of a torus)
        int low = Integer.MAX_VALUE;
        for (int v = 0; v < n; v++) {
            low = Math.min(low, g.degree(v));
        }
        int start = g.firstOfDegree(low);
        int modelStart = model.firstOfDegree(low);
        return ModelMatcher.match(g, model, start, modelStart) != null
                ? Shape.grid(wrap ? TopologyClass.TORUS_3D : TopologyClass.MESH_3D, a, b, c) : null;
    }
}
