package io.vnet.vttif;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The classifier on synthetic matrices: every class at 8, 16 and 64 VMs (and some other
 * sizes), meshes and tori in several r x c shapes, 20 trials per case with fixed seeds. Each
 * trial gives the ranks random MAC addresses (a random permutation, never rank order) and adds
 * background traffic on random off-pattern pairs: exactly 10% of the volume in trial 0, none in
 * trial 1, a random share up to 10% in the others. Every trial must come out as the right class
 * with the right parameters, and the confusion matrices are printed at the end.
 */
class ClassifierTest {
    /** Trials per case; {@code -Dvttif.trials=N -Dvttif.seed=S} runs a longer soak with other seeds. */
    private static final int TRIALS = Integer.getInteger("vttif.trials", 20);
    private static final long SEED = Long.getLong("vttif.seed", 0);
    private static final double MAX_NOISE = 0.10;
    private static final TopologyClass[] CLASSES = TopologyClass.values();
    private static final Map<String, int[][]> CONFUSION = new LinkedHashMap<>();

    private final Vttif vttif = new Vttif(VttifConfig.defaults());

    /**
     * One case: a pattern generator and what it must be classified as: {@code expected} with sides
     * {@code dims} (rows, cols of a 2-D grid) and root; {@code fits} the classes its graph must also
     * be reported to fit, where shapes coincide.
     */
    private record Case(String name, int n, TopologyClass expected, List<Integer> dims, int rootRank,
                        Function<Random, double[][]> pattern, List<TopologyGraph.Fit> fits) {
        Case(String name, int n, TopologyClass expected, int rows, int cols, int rootRank,
             Function<Random, double[][]> pattern) {
            this(name, n, expected, rows == 0 ? List.of() : List.of(rows, cols), rootRank, pattern, List.of());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyClassAndSize() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c)));
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (int n : new int[] {8, 16, 64, 5, 33}) {
            cases.add(new Case("ring n=" + n, n, TopologyClass.RING, 0, 0, -1,
                    r -> Patterns.ring(n, r.nextBoolean(), r)));
        }
        for (int n : new int[] {8, 16, 64, 5}) {
            cases.add(new Case("all-to-all n=" + n, n, TopologyClass.ALL_TO_ALL, 0, 0, -1,
                    r -> Patterns.allToAll(n, r)));
            cases.add(new Case("star n=" + n, n, TopologyClass.STAR, 0, 0, 0, r -> Patterns.star(n, r)));
        }
        for (int n : new int[] {8, 16, 64, 12, 31}) {
            cases.add(new Case("binary-tree reduction n=" + n, n, TopologyClass.TREE_REDUCTION, 0, 0, 0,
                    r -> Patterns.binaryReduction(n, r)));
            cases.add(new Case("binomial-tree broadcast n=" + n, n, TopologyClass.TREE_BROADCAST, 0, 0, 0,
                    r -> Patterns.binomialBroadcast(n, r)));
        }
        int[][] shapes = {{2, 4}, {2, 8}, {4, 4}, {2, 32}, {4, 16}, {8, 8}, {16, 4},
            {3, 3}, {3, 4}, {3, 5}, {2, 5}, {5, 7}, {6, 10}};
        for (int[] s : shapes) {
            int rows = s[0];
            int cols = s[1];
            int n = rows * cols;
            cases.add(new Case("mesh " + rows + "x" + cols + " n=" + n, n, TopologyClass.MESH_2D,
                    Math.min(rows, cols), Math.max(rows, cols), -1, r -> Patterns.grid(rows, cols, false, r)));
            cases.add(new Case("torus " + rows + "x" + cols + " n=" + n, n, TopologyClass.TORUS_2D,
                    Math.min(rows, cols), Math.max(rows, cols), -1, r -> Patterns.grid(rows, cols, true, r)));
        }
        // the root of a tree with traffic both ways is its centre: in the binomial tree of 2^k ranks that is rank 0 or
        // rank 2^(k-1), the two halves being alike (ClassificationRulesTest)
        for (int n : new int[] {8, 16, 64, 12, 31}) {
            cases.add(new Case("binomial-tree allreduce n=" + n, n, TopologyClass.TREE, 0, 0, -1,
                    r -> Patterns.binomialAllreduce(n, r)));
        }
        for (int n : new int[] {4, 8, 16, 64, 5}) {
            cases.add(new Case("pipeline n=" + n, n, TopologyClass.PIPELINE, 0, 0, -1,
                    r -> Patterns.chain(n, r.nextBoolean(), r)));
        }
        // recursive doubling: the 3-cube is the 2 x 4 torus and the 4-cube the 4 x 4 torus; from 5 on a hypercube
        TopologyGraph.Fit q3 = new TopologyGraph.Fit(TopologyClass.HYPERCUBE, List.of(2, 2, 2));
        cases.add(new Case("recursive doubling n=8", 8, TopologyClass.TORUS_2D, List.of(2, 4), -1,
                r -> Patterns.recursiveDoubling(3, r), List.of(q3, new TopologyGraph.Fit(TopologyClass.MESH_3D,
                List.of(2, 2, 2)), new TopologyGraph.Fit(TopologyClass.TORUS_3D, List.of(2, 2, 2)))));
        cases.add(new Case("recursive doubling n=16", 16, TopologyClass.TORUS_2D, List.of(4, 4), -1,
                r -> Patterns.recursiveDoubling(4, r), List.of(new TopologyGraph.Fit(TopologyClass.HYPERCUBE,
                List.of(2, 2, 2, 2)), new TopologyGraph.Fit(TopologyClass.TORUS_3D, List.of(2, 2, 4)))));
        cases.add(new Case("recursive doubling n=32", 32, TopologyClass.HYPERCUBE, List.of(2, 2, 2, 2, 2), -1,
                r -> Patterns.recursiveDoubling(5, r), List.of(new TopologyGraph.Fit(TopologyClass.TORUS_3D,
                List.of(2, 4, 4)))));
        cases.add(new Case("recursive doubling n=64", 64, TopologyClass.HYPERCUBE, List.of(2, 2, 2, 2, 2, 2), -1,
                r -> Patterns.recursiveDoubling(6, r), List.of(new TopologyGraph.Fit(TopologyClass.TORUS_3D,
                List.of(4, 4, 4)))));
        int[][] shapes3 = {{3, 3, 3}, {2, 3, 4}, {3, 4, 5}, {2, 2, 3}, {4, 4, 4}, {2, 4, 8}};
        for (int[] s3 : shapes3) {
            int a = s3[0];
            int b = s3[1];
            int c = s3[2];
            int n = a * b * c;
            List<Integer> dims = List.of(a, b, c);
            cases.add(new Case("mesh " + a + "x" + b + "x" + c + " n=" + n, n, TopologyClass.MESH_3D, dims, -1,
                    r -> Patterns.grid3(a, b, c, false, r), List.of()));
            // the 2 x 2 x c torus is the 4 x c torus; the 4 x 4 x 4 torus is the 6-cube
            boolean flat = a == 2 && b == 2;
            boolean cube = a == 4 && b == 4 && c == 4;
            cases.add(new Case("torus " + a + "x" + b + "x" + c + " n=" + n, n,
                    flat ? TopologyClass.TORUS_2D : cube ? TopologyClass.HYPERCUBE : TopologyClass.TORUS_3D,
                    flat ? List.of(Math.min(4, c), Math.max(4, c)) : cube ? List.of(2, 2, 2, 2, 2, 2) : dims, -1,
                    r -> Patterns.grid3(a, b, c, true, r),
                    flat || cube ? List.of(new TopologyGraph.Fit(TopologyClass.TORUS_3D, dims)) : List.of()));
        }
        double[][] densities = {{8, 0.35}, {8, 0.5}, {8, 0.7}, {16, 0.2}, {16, 0.35}, {16, 0.5},
            {64, 0.08}, {64, 0.15}, {64, 0.3}};
        for (double[] d : densities) {
            int n = (int) d[0];
            double p = d[1];
            cases.add(new Case("random G(" + n + ", " + p + ") n=" + n, n, TopologyClass.OTHER, 0, 0, -1,
                    r -> Patterns.random(n, p, r)));
        }
        return cases;
    }

    private void run(Case c) {
        List<String> failures = new ArrayList<>();
        for (int trial = 0; trial < TRIALS; trial++) {
            Random rnd = new Random(c.name().hashCode() * 1_000_003L + SEED * 7_919L + trial);
            double noise = trial == 0 ? MAX_NOISE : trial == 1 ? 0 : MAX_NOISE * rnd.nextDouble();
            double[][] pattern = c.pattern().apply(rnd);
            Synthetic.Instance inst = Synthetic.instance(pattern, noise, rnd);
            TopologyGraph g = vttif.infer(inst.matrix());
            record(c, g.topologyClass());
            String problem = check(c, pattern, inst, g);
            if (problem != null) {
                failures.add(String.format("trial %d (noise %.3f): %s; got %s", trial, noise, problem, g.describe()));
            }
        }
        assertTrue(failures.isEmpty(), c.name() + ": " + failures.size() + " of " + TRIALS + " wrong:\n"
                + String.join("\n", failures));
    }

    private static String check(Case c, double[][] pattern, Synthetic.Instance inst, TopologyGraph g) {
        if (g.topologyClass() != c.expected()) {
            return "expected " + c.expected();
        }
        if (c.expected() == TopologyClass.OTHER) {
            return null;
        }
        if (!g.dims().equals(c.dims())) {
            return "expected sides " + c.dims();
        }
        for (TopologyGraph.Fit f : c.fits()) {
            if (!g.alsoFits().contains(f)) {
                return "expected it to fit " + f + " too";
            }
        }
        if (c.rootRank() >= 0 && !g.root().equals(Optional.of(inst.macOfRank().get(c.rootRank())))) {
            return "expected root " + inst.macOfRank().get(c.rootRank());
        }
        if (g.nodes().size() != c.n()) {
            return "expected all " + c.n() + " VMs";
        }
        int n = pattern.length;
        for (TopologyGraph.Edge e : g.edges()) {
            int a = inst.macOfRank().indexOf(e.a());
            int b = inst.macOfRank().indexOf(e.b());
            if (pattern[a][b] == 0 && pattern[b][a] == 0) {
                return "noise edge " + e + " kept";
            }
        }
        int patternEdges = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                patternEdges += pattern[i][j] > 0 || pattern[j][i] > 0 ? 1 : 0;
            }
        }
        return g.edges().size() == patternEdges ? null : "expected " + patternEdges + " edges";
    }

    private static synchronized void record(Case c, TopologyClass got) {
        String group = switch (c.n()) {
            case 8, 16, 64 -> "n=" + c.n();
            default -> "other sizes";
        };
        for (String key : List.of(group, "all")) {
            CONFUSION.computeIfAbsent(key, k -> new int[CLASSES.length][CLASSES.length])
                    [c.expected().ordinal()][got.ordinal()]++;
        }
    }

    @AfterAll
    static void printConfusionMatrices() {
        StringBuilder sb = new StringBuilder();
        for (String key : List.of("n=8", "n=16", "n=64", "other sizes", "all")) {
            int[][] m = CONFUSION.get(key);
            if (m != null) {
                sb.append(confusion(key, m));
            }
        }
        System.out.println(sb);
    }

    static String confusion(String title, int[][] m) {
        String[] abbrev = new String[CLASSES.length];
        for (TopologyClass t : CLASSES) {
            abbrev[t.ordinal()] = switch (t) {
                case RING -> "RING";
                case MESH_2D -> "MESH";
                case TORUS_2D -> "TORUS";
                case ALL_TO_ALL -> "A2A";
                case TREE_REDUCTION -> "T-RED";
                case TREE_BROADCAST -> "T-BC";
                case STAR -> "STAR";
                case TREE -> "TREE";
                case PIPELINE -> "PIPE";
                case HYPERCUBE -> "CUBE";
                case MESH_3D -> "MESH3";
                case TORUS_3D -> "TORUS3";
                case OTHER -> "OTHER";
            };
        }
        StringBuilder sb = new StringBuilder();
        int total = 0;
        int correct = 0;
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m.length; j++) {
                total += m[i][j];
                correct += i == j ? m[i][j] : 0;
            }
        }
        sb.append(String.format("%nConfusion matrix, %s: %d of %d correct (rows: true class, columns: "
                + "classified as)%n", title, correct, total));
        sb.append(String.format("%-8s", "true\\got"));
        for (String a : abbrev) {
            sb.append(String.format("%7s", a));
        }
        sb.append('\n');
        for (int i = 0; i < m.length; i++) {
            sb.append(String.format("%-8s", abbrev[i]));
            for (int j = 0; j < m.length; j++) {
                sb.append(String.format("%7d", m[i][j]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
