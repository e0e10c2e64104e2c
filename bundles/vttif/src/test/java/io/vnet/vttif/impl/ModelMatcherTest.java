package io.vnet.vttif.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Grid and torus isomorphism by propagation, on relabelled graphs. */
class ModelMatcherTest {

    /** The graph {@code model} with its nodes renamed by a random permutation. */
    private static Graph relabel(Graph model, Random rnd) {
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < model.size(); i++) {
            perm.add(i);
        }
        Collections.shuffle(perm, rnd);
        List<int[]> edges = new ArrayList<>();
        for (int a = 0; a < model.size(); a++) {
            for (int b : model.neighbours(a)) {
                if (a < b) {
                    edges.add(new int[] {perm.get(a), perm.get(b)});
                }
            }
        }
        return Graph.of(model.size(), edges.toArray(new int[0][]));
    }

    @Test
    void permutationsAreAllVisitedOnce() {
        int[] a = {0, 1, 2, 3};
        Set<String> seen = new HashSet<>();
        do {
            seen.add(java.util.Arrays.toString(a));
        } while (ModelMatcher.nextPermutation(a));
        assertEquals(24, seen.size());
    }

    @Test
    void gridModelsHaveTheRightEdges() {
        assertEquals(2 * 12 - 3 - 4, GridModel.mesh(3, 4).edgeCount());
        assertEquals(2 * 12, GridModel.torus(3, 4).edgeCount());
        assertEquals(3 * 5, GridModel.torus(2, 5).edgeCount(), "2 x c torus: the wrap of the 2-side is the rung");
        assertEquals(4, GridModel.torus(2, 2).edgeCount(), "2 x 2 torus: the 4-cycle");
        assertTrue(GridModel.torus(2, 5).isRegular(3));
    }

    @Test
    void relabelledGridsAndToriMatchTheirModel() {
        Random rnd = new Random(1);
        int[][] sizes = {{2, 3}, {2, 4}, {3, 3}, {3, 4}, {4, 4}, {3, 7}, {4, 16}, {8, 8}, {5, 6}};
        for (int[] s : sizes) {
            Graph mesh = relabel(GridModel.mesh(s[0], s[1]), rnd);
            assertNotNull(ModelMatcher.match(mesh, GridModel.mesh(s[0], s[1]), mesh.firstOfDegree(2), 0),
                    "mesh " + s[0] + "x" + s[1]);
            Graph torus = relabel(GridModel.torus(s[0], s[1]), rnd);
            int[] pos = ModelMatcher.match(torus, GridModel.torus(s[0], s[1]), 0, 0);
            assertNotNull(pos, "torus " + s[0] + "x" + s[1]);
            Graph model = GridModel.torus(s[0], s[1]);
            for (int a = 0; a < torus.size(); a++) {
                for (int b : torus.neighbours(a)) {
                    assertTrue(model.adjacent(pos[a], pos[b]));
                }
            }
        }
    }

    @Test
    void theFourCubeIsTheFourByFourTorus() {
        List<int[]> edges = new ArrayList<>();
        for (int v = 0; v < 16; v++) {
            for (int bit = 1; bit < 16; bit <<= 1) {
                edges.add(new int[] {v, v ^ bit});
            }
        }
        Graph q4 = Graph.of(16, edges.toArray(new int[0][]));
        assertNotNull(ModelMatcher.match(q4, GridModel.torus(4, 4), 5, 0));
    }

    @Test
    void differentShapesDoNotMatch() {
        assertNull(ModelMatcher.match(GridModel.torus(3, 8), GridModel.torus(4, 6), 0, 0), "3x8 is not 4x6");
        assertNull(ModelMatcher.match(GridModel.mesh(3, 8), GridModel.mesh(4, 6), 0, 0), "sizes differ in edges");
        assertNull(ModelMatcher.match(GridModel.mesh(4, 4), GridModel.torus(4, 4), 0, 0));
        Random rnd = new Random(2);
        for (int trial = 0; trial < 50; trial++) {
            Graph g = randomFourRegular(24, rnd);
            if (g != null) {
                assertFalse(ModelMatcher.match(g, GridModel.torus(4, 6), 0, 0) != null
                        && ModelMatcher.match(g, GridModel.torus(3, 8), 0, 0) != null);
            }
        }
    }

    /** A random 4-regular simple graph by the pairing model, or null if the pairing failed. */
    private static Graph randomFourRegular(int n, Random rnd) {
        List<Integer> stubs = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            for (int k = 0; k < 4; k++) {
                stubs.add(v);
            }
        }
        Collections.shuffle(stubs, rnd);
        Set<Long> seen = new HashSet<>();
        int[][] edges = new int[stubs.size() / 2][];
        for (int i = 0; i < stubs.size(); i += 2) {
            int a = stubs.get(i);
            int b = stubs.get(i + 1);
            if (a == b || !seen.add((long) Math.min(a, b) * n + Math.max(a, b))) {
                return null;
            }
            edges[i / 2] = new int[] {a, b};
        }
        return Graph.of(n, edges);
    }
}
