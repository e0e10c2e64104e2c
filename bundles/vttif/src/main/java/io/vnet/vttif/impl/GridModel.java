package io.vnet.vttif.impl;

import java.util.ArrayList;
import java.util.List;

/**
 * Reference graphs for the grid shapes, in any number of dimensions: with sides (s0, s1, ...),
 * node {@code ((i0 * s1) + i1) * s2 + ...} is position (i0, i1, ...); in 2-D, node
 * {@code i * cols + j} is (i, j). A torus adds the wrap-around edges; where the wrap-around edge
 * joins the same two nodes as a grid edge (a side of 2) it is the same edge, so a 2 x c torus is
 * the circular ladder and the 2 x 2 x ... x 2 torus is the hypercube.
 */
final class GridModel {
    private GridModel() {
    }

    static Graph mesh(int... sides) {
        return grid(sides, false);
    }

    static Graph torus(int... sides) {
        return grid(sides, true);
    }

    private static Graph grid(int[] sides, boolean wrap) {
        int n = 1;
        for (int s : sides) {
            n *= s;
        }
        List<int[]> edges = new ArrayList<>();
        int[] pos = new int[sides.length];
        for (int v = 0; v < n; v++) {
            // v's position, last dimension fastest
            for (int d = sides.length - 1, rest = v; d >= 0; d--) {
                pos[d] = rest % sides[d];
                rest /= sides[d];
            }
            int stride = 1;
            for (int d = sides.length - 1; d >= 0; d--) {
                if (pos[d] + 1 < sides[d]) {
                    edges.add(new int[] {v, v + stride});
                } else if (wrap && sides[d] > 1) {
                    edges.add(new int[] {v, v - pos[d] * stride}); // back to 0 in this dimension
                }
                stride *= sides[d];
            }
        }
        return Graph.of(n, edges.toArray(new int[0][]));
    }
}
