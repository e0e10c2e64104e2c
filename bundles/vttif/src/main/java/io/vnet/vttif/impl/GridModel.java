package io.vnet.vttif.impl;

import java.util.ArrayList;
import java.util.List;

/**
 * Reference graphs for the grid shapes: node {@code i * cols + j} is position (i, j). A torus
 * adds the wrap-around edges; where the wrap-around edge joins the same two nodes as a grid
 * edge (a dimension of size 2) it is the same edge, so a 2 x c torus is the circular ladder.
 */
final class GridModel {
    private GridModel() {
    }

    static Graph mesh(int rows, int cols) {
        return grid(rows, cols, false);
    }

    static Graph torus(int rows, int cols) {
        return grid(rows, cols, true);
    }

    private static Graph grid(int rows, int cols, boolean wrap) {
        List<int[]> edges = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int v = i * cols + j;
                if (i + 1 < rows || (wrap && rows > 1)) {
                    edges.add(new int[] {v, ((i + 1) % rows) * cols + j});
                }
                if (j + 1 < cols || (wrap && cols > 1)) {
                    edges.add(new int[] {v, i * cols + (j + 1) % cols});
                }
            }
        }
        return Graph.of(rows * cols, edges.toArray(new int[0][]));
    }
}
