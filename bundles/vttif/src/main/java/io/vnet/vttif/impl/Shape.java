package io.vnet.vttif.impl;

import io.vnet.vttif.TopologyClass;
import java.util.Arrays;
import java.util.List;

/**
 * A recognised shape: the class, the sides of a grid (rows &lt;= cols of a 2-D mesh or torus,
 * a &lt;= b &lt;= c of a 3-D one, d twos of a d-cube; empty otherwise), and the root node (graph
 * index) of a star or tree, -1 if none.
 */
record Shape(TopologyClass topologyClass, List<Integer> dims, int root) {
    static final Shape OTHER = new Shape(TopologyClass.OTHER, List.of(), -1);

    Shape {
        dims = List.copyOf(dims);
    }

    static Shape of(TopologyClass c) {
        return new Shape(c, List.of(), -1);
    }

    static Shape rooted(TopologyClass c, int root) {
        return new Shape(c, List.of(), root);
    }

    /** A grid shape; its sides are sorted. */
    static Shape grid(TopologyClass c, int... sides) {
        int[] s = sides.clone();
        Arrays.sort(s);
        return new Shape(c, Arrays.stream(s).boxed().toList(), -1);
    }

    boolean known() {
        return topologyClass != TopologyClass.OTHER;
    }

    /** The same shape with its root renumbered through {@code nodeOf}. */
    Shape renumbered(int[] nodeOf) {
        return root < 0 ? this : new Shape(topologyClass, dims, nodeOf[root]);
    }
}
