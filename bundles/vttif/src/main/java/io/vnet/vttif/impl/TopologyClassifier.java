package io.vnet.vttif.impl;

import io.vnet.api.MacAddress;
import io.vnet.vttif.TopologyGraph;
import io.vnet.vttif.TrafficMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a traffic matrix into a classified topology graph.
 * <ol>
 * <li>Each pair's two directions are added into one undirected weight, and the weights are
 *     normalised by the largest one.</li>
 * <li>Pairs below the prune threshold are dropped; the rest are the edges, and the VMs at their
 *     ends the nodes. {@link ShapeRecognizer} names the shape.</li>
 * <li>If that shape is OTHER, background noise above the threshold may be hiding a pattern. The
 *     classifier then cuts the lightest edges, but only at a clear gap (every edge kept at least
 *     {@link #GAP} times heavier than every edge cut) and only while all that was pruned or cut
 *     stays within the noise budget of the total volume. The first cut that leaves a known shape
 *     wins.</li>
 * <li>If none does, the traffic may be a mixture of patterns (a halo exchange and a reduction,
 *     say): the dominant shape is the smallest one (the most edges cut, again only at a clear
 *     gap) that still carries at least the dominant share of the volume (0.8 by default). If there is none,
 *     the graph at the prune threshold is reported as OTHER.</li>
 * </ol>
 * The result says which share of the volume its edges carry, and every other class that
 * describes the same graph ({@link ShapeRecognizer#recognizeAll}).
 */
public final class TopologyClassifier {
    /** The ratio between the lightest edge kept and the heaviest edge cut, at least. */
    static final double GAP = 2.0;
    /** At most this many cuts are tried for a mixture's dominant shape (each is a recognition). */
    static final int MAX_DOMINANT_TRIES = 64;

    private final double pruneThreshold;
    private final double noiseBudget;
    private final double dominantShare;

    /** With no mixture rule ({@code dominantShare} 1). */
    public TopologyClassifier(double pruneThreshold, double noiseBudget) {
        this(pruneThreshold, noiseBudget, 1.0);
    }

    /** {@code dominantShare}: the least share of the volume a mixture's dominant shape carries (1: none is sought). */
    public TopologyClassifier(double pruneThreshold, double noiseBudget, double dominantShare) {
        this.pruneThreshold = pruneThreshold;
        this.noiseBudget = noiseBudget;
        this.dominantShare = dominantShare;
    }

    private record Pair(int a, int b, double weight) {
    }

    public TopologyGraph classify(TrafficMatrix matrix) {
        List<Pair> pairs = undirectedPairs(matrix);
        double max = 0;
        double total = 0;
        for (Pair p : pairs) {
            max = Math.max(max, p.weight());
            total += p.weight();
        }
        if (max <= 0) {
            return TopologyGraph.empty();
        }
        double floor = pruneThreshold * max;
        List<Pair> kept = new ArrayList<>();
        double pruned = 0;
        for (Pair p : pairs) {
            if (p.weight() >= floor) {
                kept.add(p);
            } else {
                pruned += p.weight();
            }
        }
        kept.sort(Comparator.comparingDouble(Pair::weight));
        Pair[] edges = kept.toArray(new Pair[0]);
        double[] keptFrom = suffixSums(edges);
        for (int cut : admissibleCuts(edges, pruned, total)) {
            List<Shape> shapes = recognize(matrix, edges, cut);
            if (!shapes.isEmpty()) {
                return build(matrix, edges, cut, shapes, max, keptFrom[cut] / total);
            }
        }
        int tries = 0;
        for (int cut = edges.length - 1; cut > 0 && tries < MAX_DOMINANT_TRIES && dominantShare < 1; cut--) {
            if (keptFrom[cut] < dominantShare * total * (1 - 1e-9)) {
                continue; // too little of the volume; a smaller cut keeps more
            }
            if (edges[cut].weight() < GAP * edges[cut - 1].weight()) {
                continue;
            }
            tries++;
            List<Shape> shapes = recognize(matrix, edges, cut);
            if (!shapes.isEmpty()) {
                return build(matrix, edges, cut, shapes, max, keptFrom[cut] / total);
            }
        }
        return build(matrix, edges, 0, List.of(Shape.OTHER), max, keptFrom[0] / total);
    }

    /** {@code out[i]}: the weight of {@code edges[i..]}; {@code out[length]} is 0. */
    private static double[] suffixSums(Pair[] edges) {
        double[] out = new double[edges.length + 1];
        for (int i = edges.length - 1; i >= 0; i--) {
            out[i] = out[i + 1] + edges[i].weight();
        }
        return out;
    }

    /**
     * Every pair of nodes with traffic as one undirected weight (both directions added), {@code a
     * < b}, ordered by {@code a} then {@code b}: from the matrix's stored weights, so the work
     * is in proportion to the pairs with traffic, not to nodes x nodes.
     */
    private static List<Pair> undirectedPairs(TrafficMatrix matrix) {
        long n = matrix.size();
        java.util.TreeMap<Long, double[]> sums = new java.util.TreeMap<>();
        matrix.forEachWeight((src, dst, w) -> {
            int a = Math.min(src, dst);
            int b = Math.max(src, dst);
            sums.computeIfAbsent(a * n + b, k -> new double[1])[0] += w;
        });
        List<Pair> pairs = new ArrayList<>(sums.size());
        sums.forEach((cell, w) -> pairs.add(new Pair((int) (cell / n), (int) (cell % n), w[0])));
        return pairs;
    }

    /**
     * The cuts to try, lowest first: 0 (the graph at the prune threshold), then every number of
     * lightest edges whose removal leaves a clear gap and keeps all that was pruned or cut within
     * the noise budget.
     */
    private int[] admissibleCuts(Pair[] edges, double pruned, double total) {
        List<Integer> cuts = new ArrayList<>(List.of(0));
        double allowed = noiseBudget * total * (1 + 1e-9);
        for (int cut = 1; cut < edges.length; cut++) {
            pruned += edges[cut - 1].weight();
            if (pruned > allowed) {
                break;
            }
            if (edges[cut].weight() >= GAP * edges[cut - 1].weight()) {
                cuts.add(cut);
            }
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Every shape of the graph of {@code edges[from..]} (empty: OTHER), its nodes numbered in matrix order. */
    private static List<Shape> recognize(TrafficMatrix matrix, Pair[] edges, int from) {
        int[] nodeOf = nodesOf(matrix.size(), edges, from);
        int[] local = new int[matrix.size()];
        Arrays.fill(local, -1);
        for (int i = 0; i < nodeOf.length; i++) {
            local[nodeOf[i]] = i;
        }
        int[][] es = new int[edges.length - from][];
        for (int i = from; i < edges.length; i++) {
            es[i - from] = new int[] {local[edges[i].a()], local[edges[i].b()]};
        }
        Graph g = Graph.of(nodeOf.length, es);
        List<Shape> out = new ArrayList<>();
        for (Shape s : ShapeRecognizer.recognizeAll(g, (x, y) -> matrix.weight(nodeOf[x], nodeOf[y]))) {
            out.add(s.renumbered(nodeOf));
        }
        return out;
    }

    /** The matrix indices of the nodes touched by {@code edges[from..]}, increasing. */
    private static int[] nodesOf(int n, Pair[] edges, int from) {
        boolean[] used = new boolean[n];
        for (int i = from; i < edges.length; i++) {
            used[edges[i].a()] = true;
            used[edges[i].b()] = true;
        }
        int count = 0;
        for (boolean u : used) {
            count += u ? 1 : 0;
        }
        int[] nodes = new int[count];
        for (int v = 0, k = 0; v < n; v++) {
            if (used[v]) {
                nodes[k++] = v;
            }
        }
        return nodes;
    }

    private static TopologyGraph build(TrafficMatrix matrix, Pair[] edges, int from, List<Shape> shapes, double max,
                                       double share) {
        List<MacAddress> macs = matrix.nodes();
        List<TopologyGraph.Edge> out = new ArrayList<>(edges.length - from);
        for (int i = from; i < edges.length; i++) {
            double intensity = Math.min(1.0, edges[i].weight() / max);
            out.add(new TopologyGraph.Edge(macs.get(edges[i].a()), macs.get(edges[i].b()), intensity));
        }
        Shape shape = shapes.get(0);
        MacAddress root = shape.root() < 0 ? null : macs.get(shape.root());
        List<TopologyGraph.Fit> also = new ArrayList<>();
        for (Shape s : shapes.subList(1, shapes.size())) {
            also.add(new TopologyGraph.Fit(s.topologyClass(), s.dims()));
        }
        return TopologyGraph.of(shape.topologyClass(), shape.dims(), root, out, Math.min(1.0, Math.max(share,
                Double.MIN_VALUE)), also);
    }
}
