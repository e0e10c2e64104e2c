package io.vnet.vttif.impl;

import io.vnet.vttif.TopologyClass;

/**
 * A recognised shape: the class, rows x cols (rows &lt;= cols) of a mesh or torus, and the root
 * node (graph index) of a star or tree, -1 if none.
 */
record Shape(TopologyClass topologyClass, int rows, int cols, int root) {
    static final Shape OTHER = new Shape(TopologyClass.OTHER, 0, 0, -1);

    static Shape of(TopologyClass c) {
        return new Shape(c, 0, 0, -1);
    }

    static Shape rooted(TopologyClass c, int root) {
        return new Shape(c, 0, 0, root);
    }

    static Shape grid(TopologyClass c, int rows, int cols) {
        return new Shape(c, Math.min(rows, cols), Math.max(rows, cols), -1);
    }

    boolean known() {
        return topologyClass != TopologyClass.OTHER;
    }
}
