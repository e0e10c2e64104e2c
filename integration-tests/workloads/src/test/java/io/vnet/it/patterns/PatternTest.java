package io.vnet.it.patterns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PatternTest {
    private static Set<Integer> s(Integer... v) {
        return new TreeSet<>(List.of(v));
    }

    private static void sends(Pattern p, int n, Grid g, int rank, Integer... to) {
        assertEquals(s(to), p.sendsTo(rank, n, g), p + " n=" + n + " rank " + rank + " sends to");
    }

    @Test
    void squarestGrid() {
        assertEquals(new Grid(2, 2), Grid.squarest(4));
        assertEquals(new Grid(2, 3), Grid.squarest(6));
        assertEquals(new Grid(2, 4), Grid.squarest(8));
        assertEquals(new Grid(3, 3), Grid.squarest(9));
        assertEquals(new Grid(3, 4), Grid.squarest(12));
        assertEquals(new Grid(4, 4), Grid.squarest(16));
        assertEquals(new Grid(4, 5), Grid.squarest(20));
        for (int n : new int[] {1, 2, 3, 5, 7, 13}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Grid.squarest(n));
            assertTrue(e.getMessage().contains("--grid"), e.getMessage());
        }
        assertEquals(new Grid(1, 7), Grid.resolve(7, Grid.parse("1x7")));
        assertThrows(IllegalArgumentException.class, () -> Grid.resolve(8, new Grid(3, 3)));
        assertThrows(IllegalArgumentException.class, () -> Grid.parse("2by4"));
        assertThrows(IllegalArgumentException.class, () -> Grid.parse("0x4"));
        assertEquals("2x4", Grid.parse(" 2X4 ").toString());
    }

    @Test
    void ring() {
        sends(Pattern.RING, 8, null, 0, 1, 7);
        sends(Pattern.RING, 8, null, 3, 2, 4);
        sends(Pattern.RING, 8, null, 7, 0, 6);
        sends(Pattern.RING, 2, null, 0, 1);
        sends(Pattern.RING, 2, null, 1, 0);
        sends(Pattern.RING, 1, null, 0);
        assertEquals(s(2, 4), Pattern.RING.receivesFrom(3, 8, null));
        assertEquals(s(0, 6), Pattern.RING.receivesFrom(7, 8, null));
        // prime n is fine for the ring: it needs no grid
        sends(Pattern.RING, 7, null, 6, 0, 5);
    }

    @Test
    void meshOnTheSquarestGrid() {
        // n = 8: 2 x 4
        //   0 1 2 3
        //   4 5 6 7
        sends(Pattern.MESH_2D, 8, null, 0, 1, 4);
        sends(Pattern.MESH_2D, 8, null, 1, 0, 2, 5);
        sends(Pattern.MESH_2D, 8, null, 3, 2, 7);
        sends(Pattern.MESH_2D, 8, null, 5, 1, 4, 6);
        sends(Pattern.MESH_2D, 8, null, 7, 3, 6);
        // n = 9: 3 x 3, the centre has four neighbours
        sends(Pattern.MESH_2D, 9, null, 4, 1, 3, 5, 7);
        sends(Pattern.MESH_2D, 9, null, 8, 5, 7);
        // an explicit grid
        sends(Pattern.MESH_2D, 8, new Grid(4, 2), 2, 0, 3, 4);
        sends(Pattern.MESH_2D, 5, new Grid(1, 5), 0, 1);
        sends(Pattern.MESH_2D, 5, new Grid(1, 5), 2, 1, 3);
        assertThrows(IllegalArgumentException.class, () -> Pattern.MESH_2D.sendsTo(0, 7, null));
    }

    @Test
    void torusWrapsAndCountsAPeerReachedTwoWaysOnce() {
        // n = 8: 2 x 4; the row above and below are the same row
        sends(Pattern.TORUS_2D, 8, null, 0, 1, 3, 4);
        sends(Pattern.TORUS_2D, 8, null, 5, 1, 4, 6);
        sends(Pattern.TORUS_2D, 8, null, 7, 3, 4, 6);
        // n = 9: 3 x 3, four distinct neighbours everywhere
        sends(Pattern.TORUS_2D, 9, null, 0, 1, 2, 3, 6);
        sends(Pattern.TORUS_2D, 9, null, 8, 2, 5, 6, 7);
        // n = 4: 2 x 2, two neighbours
        sends(Pattern.TORUS_2D, 4, null, 0, 1, 2);
        // 1 x n is a ring
        for (int r = 0; r < 7; r++) {
            assertEquals(Pattern.RING.sendsTo(r, 7, null), Pattern.TORUS_2D.sendsTo(r, 7, new Grid(1, 7)));
        }
    }

    @Test
    void allToAll() {
        sends(Pattern.ALL_TO_ALL, 4, null, 2, 0, 1, 3);
        sends(Pattern.ALL_TO_ALL, 1, null, 0);
        assertEquals(7, Pattern.ALL_TO_ALL.receivesFrom(5, 8, null).size());
    }

    @Test
    void treeReductionSendsToTheParent() {
        sends(Pattern.TREE_REDUCTION, 8, null, 0);
        sends(Pattern.TREE_REDUCTION, 8, null, 1, 0);
        sends(Pattern.TREE_REDUCTION, 8, null, 2, 0);
        sends(Pattern.TREE_REDUCTION, 8, null, 3, 1);
        sends(Pattern.TREE_REDUCTION, 8, null, 4, 1);
        sends(Pattern.TREE_REDUCTION, 8, null, 5, 2);
        sends(Pattern.TREE_REDUCTION, 8, null, 6, 2);
        sends(Pattern.TREE_REDUCTION, 8, null, 7, 3);
        assertEquals(s(1, 2), Pattern.TREE_REDUCTION.receivesFrom(0, 8, null));
        assertEquals(s(7), Pattern.TREE_REDUCTION.receivesFrom(3, 8, null));
        assertEquals(s(), Pattern.TREE_REDUCTION.receivesFrom(4, 8, null));
        assertTrue(Pattern.TREE_REDUCTION.staged());
    }

    @Test
    void broadcastIsABinomialTreeFromRankZero() {
        sends(Pattern.BROADCAST, 8, null, 0, 1, 2, 4);
        sends(Pattern.BROADCAST, 8, null, 1, 3, 5);
        sends(Pattern.BROADCAST, 8, null, 2, 6);
        sends(Pattern.BROADCAST, 8, null, 3, 7);
        for (int r = 4; r < 8; r++) {
            sends(Pattern.BROADCAST, 8, null, r);
        }
        sends(Pattern.BROADCAST, 6, null, 0, 1, 2, 4);
        sends(Pattern.BROADCAST, 6, null, 1, 3, 5);
        sends(Pattern.BROADCAST, 6, null, 2);
        assertEquals(s(0), Pattern.BROADCAST.receivesFrom(4, 8, null));
        assertEquals(s(3), Pattern.BROADCAST.receivesFrom(7, 8, null));
        assertTrue(Pattern.BROADCAST.staged());
    }

    @Test
    void treesReachEveryRankOnceAndExchangesAreSymmetric() {
        for (int n = 1; n <= 40; n++) {
            for (int r = 0; r < n; r++) {
                SortedSet<Integer> bin = Pattern.BROADCAST.receivesFrom(r, n, null);
                assertEquals(r == 0 ? 0 : 1, bin.size(), "broadcast n=" + n + ": parents of " + r);
                if (r > 0) {
                    assertTrue(bin.first() < r, "the parent comes first");
                    assertEquals(s(r - Integer.highestOneBit(r)), bin);
                }
                assertEquals(r == 0 ? 0 : 1, Pattern.TREE_REDUCTION.sendsTo(r, n, null).size());
                assertEquals(n - 1, Pattern.ALL_TO_ALL.sendsTo(r, n, null).size());
                assertEquals(Pattern.RING.sendsTo(r, n, null), Pattern.RING.receivesFrom(r, n, null));
            }
        }
        for (int n : new int[] {4, 6, 8, 9, 12, 16}) {
            for (Pattern p : List.of(Pattern.MESH_2D, Pattern.TORUS_2D)) {
                boolean[][] m = p.matrix(n, null);
                for (int i = 0; i < n; i++) {
                    assertFalse(m[i][i], p + " never sends to itself");
                    for (int j = 0; j < n; j++) {
                        assertEquals(m[i][j], m[j][i], p + " n=" + n + " is symmetric at " + i + "," + j);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Pattern.class)
    void namesCodesAndReceiveSetsAgree(Pattern p) {
        assertEquals(p, Pattern.parse(p.id()));
        assertEquals(p, Pattern.parse(p.name()));
        assertEquals(p, Pattern.fromCode(p.code()));
        int n = 8;
        boolean[][] m = p.matrix(n, null);
        for (int j = 0; j < n; j++) {
            Set<Integer> from = new TreeSet<>();
            for (int i = 0; i < n; i++) {
                if (m[i][j]) {
                    from.add(i);
                }
            }
            assertEquals(from, p.receivesFrom(j, n, null), p + ": receive set of " + j + " is the inverse");
        }
    }

    @Test
    void aliasesAndBadNames() {
        assertEquals(Pattern.ALL_TO_ALL, Pattern.parse("all-to-all"));
        assertEquals(Pattern.BROADCAST, Pattern.parse("Broadcast"));
        assertEquals(Pattern.TREE_REDUCTION, Pattern.parse("reduce"));
        assertEquals(Pattern.MESH_2D, Pattern.parse("mesh_2d"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pattern.parse("hypercube"));
        assertTrue(e.getMessage().contains("hypercube"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pattern.RING.sendsTo(8, 8, null));
    }
}
