package io.vnet.vttif;

import static io.vnet.vttif.Macs.mac;
import static io.vnet.vttif.Macs.matrix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The classification rules one by one: precedence where shapes coincide on few nodes,
 * degenerate grids, directions of trees, symmetric treatment of the two directions, pruning and
 * the noise cut.
 */
class ClassificationRulesTest {
    private final Vttif vttif = new Vttif(VttifConfig.defaults());

    private TopologyGraph infer(double[][] w) {
        return vttif.infer(matrix(w));
    }

    @Test
    void emptyMatrixIsAnEmptyGraph() {
        TopologyGraph g = vttif.infer(TrafficMatrix.empty());
        assertTrue(g.isEmpty());
        assertEquals(TopologyClass.OTHER, g.topologyClass());
        assertTrue(g.nodes().isEmpty());
    }

    @Test
    void completeGraphsOnTwoAndThreeNodesAreAllToAll() {
        assertEquals(TopologyClass.ALL_TO_ALL, infer(Macs.undirected(2, new int[][] {{0, 1}})).topologyClass());
        assertEquals(TopologyClass.ALL_TO_ALL,
                infer(Macs.undirected(3, new int[][] {{0, 1}, {1, 2}, {2, 0}})).topologyClass());
    }

    @Test
    void theTwoByTwoMeshAndTorusAreTheFourRing() {
        TopologyGraph mesh = infer(Patterns.grid(2, 2, false, new Random(1)));
        TopologyGraph torus = infer(Patterns.grid(2, 2, true, new Random(1)));
        assertEquals(TopologyClass.RING, mesh.topologyClass());
        assertEquals(TopologyClass.RING, torus.topologyClass());
        assertTrue(mesh.sameTopology(torus));
        assertEquals(0, mesh.rows());
        assertEquals(List.of(new TopologyGraph.Fit(TopologyClass.MESH_2D, List.of(2, 2)),
                new TopologyGraph.Fit(TopologyClass.TORUS_2D, List.of(2, 2))), mesh.alsoFits(), "named where they coincide");
        assertTrue(mesh.fits(TopologyClass.MESH_2D) && !mesh.fits(TopologyClass.HYPERCUBE));
    }

    @Test
    void aThreeNodePathIsAStarWithTheMiddleAsHub() {
        TopologyGraph g = infer(Macs.undirected(3, new int[][] {{0, 1}, {1, 2}}));
        assertEquals(TopologyClass.STAR, g.topologyClass());
        assertEquals(Optional.of(mac(1)), g.root());
    }

    @Test
    void aStarIsAStarInEitherDirection() {
        for (double[][] w : new double[][][] {Patterns.star(9, new Random(3)), gather(9), Macs.transpose(gather(9))}) {
            TopologyGraph g = infer(w);
            assertEquals(TopologyClass.STAR, g.topologyClass());
            assertEquals(Optional.of(mac(0)), g.root());
        }
    }

    private static double[][] gather(int n) {
        double[][] w = new double[n][n];
        for (int i = 1; i < n; i++) {
            w[i][0] = 1;
        }
        return w;
    }

    @Test
    void theTwoByCTorusIsTheCircularLadderWithTwoRows() {
        for (int c = 3; c <= 9; c++) {
            TopologyGraph torus = infer(Patterns.grid(2, c, true, new Random(c)));
            assertEquals(TopologyClass.TORUS_2D, torus.topologyClass(), "2x" + c);
            assertEquals(2, torus.rows());
            assertEquals(c, torus.cols());
            assertEquals(3 * c, torus.edges().size(), "the 2x" + c + " torus has 3 edges per column");
            TopologyGraph mesh = infer(Patterns.grid(2, c, false, new Random(c)));
            assertEquals(TopologyClass.MESH_2D, mesh.topologyClass(), "2x" + c);
            assertEquals(3 * c - 2, mesh.edges().size());
        }
    }

    @Test
    void rowsAreNeverMoreThanColumns() {
        TopologyGraph g = infer(Patterns.grid(7, 3, false, new Random(2)));
        assertEquals(TopologyClass.MESH_2D, g.topologyClass());
        assertEquals(3, g.rows());
        assertEquals(7, g.cols());
        TopologyGraph t = infer(Patterns.grid(5, 3, true, new Random(2)));
        assertEquals(TopologyClass.TORUS_2D, t.topologyClass());
        assertEquals(3, t.rows());
        assertEquals(5, t.cols());
    }

    @Test
    void otherThreeRegularAndFourRegularGraphsAreNotTori() {
        // K3,3 is 3-regular on 6 nodes like the 2x3 torus, and K5 minus nothing is 4-regular.
        int[][] k33 = {{0, 3}, {0, 4}, {0, 5}, {1, 3}, {1, 4}, {1, 5}, {2, 3}, {2, 4}, {2, 5}};
        assertEquals(TopologyClass.OTHER, infer(Macs.undirected(6, k33)).topologyClass());
        // The circulant C9(1, 3) is 4-regular on 9 nodes like the 3x3 torus, but is not one.
        int[][] circulant = new int[18][];
        for (int i = 0; i < 9; i++) {
            circulant[2 * i] = new int[] {i, (i + 1) % 9};
            circulant[2 * i + 1] = new int[] {i, (i + 3) % 9};
        }
        assertEquals(TopologyClass.OTHER, infer(Macs.undirected(9, circulant)).topologyClass());
        // The 3x3 torus itself is.
        assertEquals(TopologyClass.TORUS_2D, infer(Patterns.grid(3, 3, true, new Random(4))).topologyClass());
    }

    @Test
    void aMeshWithOneEdgeMovedIsOther() {
        double[][] w = Patterns.grid(4, 4, false, new Random(5));
        w[0][1] = w[1][0] = 0;
        w[0][5] = w[5][0] = 1;
        assertEquals(TopologyClass.OTHER, infer(w).topologyClass());
    }

    @Test
    void twoSeparateRingsAreOther() {
        double[][] w = new double[8][8];
        for (int i = 0; i < 4; i++) {
            w[i][(i + 1) % 4] = w[(i + 1) % 4][i] = 1;
            w[4 + i][4 + (i + 1) % 4] = w[4 + (i + 1) % 4][4 + i] = 1;
        }
        TopologyGraph g = infer(w);
        assertEquals(TopologyClass.OTHER, g.topologyClass());
        assertEquals(8, g.edges().size(), "OTHER still reports the graph");
    }

    @Test
    void aPathOfFourOrMoreIsAPipelineInAnyDirection() {
        double[][] chain = new double[6][6];
        for (int i = 0; i < 5; i++) {
            chain[i][i + 1] = 1;
        }
        assertEquals(TopologyClass.PIPELINE, infer(chain).topologyClass());
        assertEquals(TopologyClass.PIPELINE, infer(Macs.transpose(chain)).topologyClass());
        assertEquals(TopologyClass.PIPELINE, infer(Patterns.chain(4, false, new Random(8))).topologyClass());
        assertEquals(Optional.empty(), infer(chain).root());
    }

    @Test
    void reversingTheTrafficOfATreeSwapsReductionAndBroadcastAroundTheSameRoot() {
        double[][] reduce = Patterns.binaryReduction(16, new Random(6));
        TopologyGraph r = infer(reduce);
        TopologyGraph b = infer(Macs.transpose(reduce));
        assertEquals(TopologyClass.TREE_REDUCTION, r.topologyClass());
        assertEquals(TopologyClass.TREE_BROADCAST, b.topologyClass());
        assertEquals(Optional.of(mac(0)), r.root());
        assertEquals(r.root(), b.root());
    }

    @Test
    void aTreeWithoutOneClearDirectionIsATreeWithTrafficBothWays() {
        double[][] w = Patterns.binaryReduction(15, new Random(7));
        for (int i = 1; i < 15; i++) {
            int p = Patterns.binaryParent(i);
            w[p][i] = w[i][p];
        }
        TopologyGraph both = infer(w);
        assertEquals(TopologyClass.TREE, both.topologyClass(), "symmetric tree: a reduction and a broadcast");
        assertEquals(Optional.of(mac(0)), both.root(), "the binary tree's root: its centre");
        double[][] mixed = Patterns.binaryReduction(15, new Random(7));
        int leaf = 14;
        int parent = Patterns.binaryParent(leaf);
        mixed[parent][leaf] = mixed[leaf][parent];
        mixed[leaf][parent] = 0.03 * mixed[parent][leaf];
        assertEquals(TopologyClass.TREE, infer(mixed).topologyClass(), "one edge against the flow: neither direction");
        double[][] weak = Patterns.binaryReduction(15, new Random(7));
        weak[parent][leaf] = 0.6 * weak[leaf][parent];
        TopologyGraph weakTree = infer(weak);
        assertEquals(TopologyClass.TREE, weakTree.topologyClass(), "an edge with no dominant direction: not one way");
        assertFalse(weakTree.fits(TopologyClass.TREE_REDUCTION));
    }

    @Test
    void anUnevenCompleteGraphIsNotAllToAll() {
        double[][] w = Patterns.allToAll(8, new Random(8));
        assertEquals(TopologyClass.ALL_TO_ALL, infer(w).topologyClass());
        w[2][5] = w[5][2] = 0.3;
        assertEquals(TopologyClass.OTHER, infer(w).topologyClass());
    }

    @Test
    void bothDirectionsOfAPairAddUpToOneEdge() {
        double[][] w = Patterns.ring(10, true, new Random(9));
        Random rnd = new Random(10);
        double[][] split = new double[10][10];
        for (int i = 0; i < 10; i++) {
            int j = (i + 1) % 10;
            double share = rnd.nextDouble();
            split[i][j] = w[i][j] * share;
            split[j][i] = w[i][j] * (1 - share);
        }
        TopologyGraph oneWay = infer(w);
        TopologyGraph twoWays = infer(split);
        TopologyGraph reversed = infer(Macs.transpose(w));
        assertEquals(TopologyClass.RING, oneWay.topologyClass());
        assertTrue(twoWays.sameTopology(oneWay));
        assertTrue(oneWay.sameTopology(reversed));
        for (TopologyGraph.Edge e : oneWay.edges()) {
            assertEquals(e.intensity(), twoWays.intensity(e.a(), e.b()), 1e-9);
            assertEquals(e.intensity(), reversed.intensity(e.b(), e.a()), 1e-9);
        }
    }

    @Test
    void intensitiesAreNormalisedByTheHeaviestEdge() {
        double[][] w = Macs.undirected(5, new int[][] {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 0}});
        w[0][1] = 4;
        w[1][0] = 4;
        TopologyGraph g = infer(w);
        assertEquals(1.0, g.intensity(mac(0), mac(1)), 1e-12);
        assertEquals(0.25, g.intensity(mac(2), mac(3)), 1e-12);
        assertEquals(0.25, g.intensity(mac(3), mac(2)), 1e-12);
        assertEquals(0, g.intensity(mac(0), mac(2)));
    }

    @Test
    void edgesBelowThePruneThresholdAreDropped() {
        double[][] w = Patterns.ring(12, true, new Random(11));
        w[0][6] = 0.05;
        TopologyGraph g = infer(w);
        assertEquals(TopologyClass.RING, g.topologyClass());
        assertEquals(0, g.intensity(mac(0), mac(6)));
        VttifConfig noPruning = VttifConfig.defaults().withPruneThreshold(0).withNoiseBudget(0).withDominantShare(1);
        TopologyGraph raw = new Vttif(noPruning).infer(matrix(w));
        assertEquals(TopologyClass.OTHER, raw.topologyClass());
        assertTrue(raw.intensity(mac(0), mac(6)) > 0);
        TopologyGraph dominant = new Vttif(noPruning.withDominantShare(0.8)).infer(matrix(w));
        assertEquals(TopologyClass.RING, dominant.topologyClass(), "the ring carries nearly all of it");
        assertTrue(dominant.share() < 1 && dominant.share() > 0.99, "share " + dominant.share());
    }

    @Test
    void aTooHighThresholdPrunesRealEdges() {
        double[][] w = Patterns.grid(4, 6, false, new Random(12));
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 6; j++) {
                int v = i * 6 + j;
                w[v][v + 6] *= 0.3;
                w[v + 6][v] *= 0.3;
            }
        }
        assertEquals(TopologyClass.MESH_2D, infer(w).topologyClass());
        VttifConfig high = VttifConfig.defaults().withPruneThreshold(0.5);
        assertEquals(TopologyClass.OTHER, new Vttif(high).infer(matrix(w)).topologyClass());
    }

    @Test
    void noiseAboveTheThresholdIsCutAtAClearGapWithinTheBudget() {
        double[][] w = Patterns.ring(12, true, new Random(13));
        w[0][6] = 0.3;
        w[3][9] = 0.25;
        TopologyGraph g = infer(w);
        assertEquals(TopologyClass.RING, g.topologyClass());
        assertEquals(12, g.edges().size());
        VttifConfig noBudget = VttifConfig.defaults().withNoiseBudget(0).withDominantShare(1);
        assertEquals(TopologyClass.OTHER, new Vttif(noBudget).infer(matrix(w)).topologyClass(),
                "without a noise budget (nor a mixture rule) the chords stay");
        double[][] strong = Patterns.ring(12, true, new Random(13));
        strong[0][6] = 0.6;
        assertEquals(TopologyClass.OTHER, infer(strong).topologyClass(), "no clear gap: the chord is real");
        double[][] heavy = Patterns.ring(12, true, new Random(13));
        for (int i = 0; i < 6; i++) {
            heavy[i][i + 6] = 0.4;
        }
        VttifConfig noMixture = VttifConfig.defaults().withDominantShare(1);
        assertEquals(TopologyClass.OTHER, new Vttif(noMixture).infer(matrix(heavy)).topologyClass(),
                "six chords exceed the noise budget");
        TopologyGraph mixture = infer(heavy);
        assertEquals(TopologyClass.RING, mixture.topologyClass(), "but the ring carries more than 80%: it dominates");
        assertEquals(12, mixture.edges().size());
        double ring = 0;
        double all = 0;
        for (int i = 0; i < 12; i++) {
            for (int j = 0; j < 12; j++) {
                all += heavy[i][j];
                ring += (j == (i + 1) % 12 || i == (j + 1) % 12) ? heavy[i][j] : 0;
            }
        }
        assertEquals(ring / all, mixture.share(), 1e-9, "its share: the ring's bytes over all");
    }

    @Test
    void aMixtureIsItsSmallestShapeCarryingEightyPercentOrOther() {
        // a halo exchange on a 4 x 4 grid and a reduction to rank 0 along a binomial tree: the reduction's
        // messages are a tenth of the halo's, and where a tree edge is a grid edge their bytes add
        double[][] w = Patterns.grid(4, 4, false, new Random(16));
        double[][] tree = Patterns.binomialAllreduce(16, new Random(17));
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 16; j++) {
                w[i][j] += 0.1 * tree[i][j];
            }
        }
        TopologyGraph g = infer(w);
        assertEquals(TopologyClass.MESH_2D, g.topologyClass(), g.describe());
        assertEquals(List.of(4, 4), g.dims());
        assertTrue(g.share() >= 0.8 && g.share() < 1, "share " + g.share());
        // MPI's start-up: every rank talks to every other once; when that is over a fifth of the bytes nothing
        // dominates, and the graph is OTHER until the start-up leaves the window
        double[][] ring = Patterns.ring(8, false, new Random(18));
        double[][] startup = Patterns.allToAll(8, new Random(19));
        double[][] mixed = new double[8][8];
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                mixed[i][j] = ring[i][j] + 0.05 * startup[i][j];
            }
        }
        TopologyGraph light = infer(mixed);
        assertEquals(TopologyClass.RING, light.topologyClass(), light.describe());
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                mixed[i][j] = ring[i][j] + 0.3 * startup[i][j];
            }
        }
        assertEquals(TopologyClass.OTHER, infer(mixed).topologyClass(), "the start-up carries 1/2 of it");
    }

    @Test
    void theRootOfATreeWithTrafficBothWaysIsItsCentre() {
        // the binomial tree of 2^k ranks is two binomial trees of 2^(k-1) joined at their roots: ranks 0 and 2^(k-1)
        // are alike, and either is reported
        for (int n : new int[] {8, 16, 32}) {
            TopologyGraph g = infer(Patterns.binomialAllreduce(n, new Random(n)));
            assertEquals(TopologyClass.TREE, g.topologyClass());
            assertTrue(g.root().equals(Optional.of(mac(0))) || g.root().equals(Optional.of(mac(n / 2))),
                    n + ": " + g.root());
        }
        TopologyGraph twelve = infer(Patterns.binomialAllreduce(12, new Random(12)));
        assertEquals(Optional.of(mac(0)), twelve.root(), "12 ranks: rank 0 is the centre of higher degree");
    }

    @Test
    void aGraphOfTheHypercubesDegreeAndSizeThatIsNoHypercubeIsNotOne() {
        // the Moebius-Kantor-like test: 8 nodes, 3-regular, but a cycle with its long diagonals (the Wagner graph)
        int[][] wagner = new int[12][];
        for (int i = 0; i < 8; i++) {
            wagner[i] = new int[] {i, (i + 1) % 8};
        }
        for (int i = 0; i < 4; i++) {
            wagner[8 + i] = new int[] {i, i + 4};
        }
        TopologyGraph g = infer(Macs.undirected(8, wagner));
        assertFalse(g.fits(TopologyClass.HYPERCUBE), g.describe());
        assertFalse(g.fits(TopologyClass.TORUS_2D), g.describe());
        assertEquals(TopologyClass.OTHER, g.topologyClass());
    }

    @Test
    void tenPercentNoiseNeedsPruning() {
        Random rnd = new Random(14);
        Synthetic.Instance inst = Synthetic.instance(Patterns.grid(4, 4, true, rnd), 0.10, rnd);
        assertEquals(TopologyClass.TORUS_2D, vttif.infer(inst.matrix()).topologyClass());
        VttifConfig raw = VttifConfig.defaults().withPruneThreshold(0).withNoiseBudget(0).withDominantShare(1);
        assertEquals(TopologyClass.OTHER, new Vttif(raw).infer(inst.matrix()).topologyClass());
    }

    @Test
    void weakVmsLeaveTheTopology() {
        double[][] w = new double[9][9];
        double[][] ring = Patterns.ring(8, true, new Random(15));
        for (int i = 0; i < 8; i++) {
            System.arraycopy(ring[i], 0, w[i], 0, 8);
            w[8][i] = 0.02;
        }
        TopologyGraph g = infer(w);
        assertEquals(TopologyClass.RING, g.topologyClass());
        assertEquals(8, g.nodes().size());
        assertFalse(g.nodes().contains(mac(8)));
    }
}
