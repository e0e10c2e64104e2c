package io.vnet.vttif;

/**
 * The shape of an application's communication graph. Classification is by graph structure
 * only, so it does not depend on how VMs are numbered or addressed. Where shapes coincide on
 * few nodes, the earlier rule below wins: the complete graph on 2 or 3 nodes is
 * {@link #ALL_TO_ALL}; the 4-cycle (also the 2 x 2 mesh and torus) is a {@link #RING}; a
 * tree of depth one, in either direction, is a {@link #STAR}.
 */
public enum TopologyClass {
    /** Each VM talks to exactly two others, and they form one cycle (4 or more VMs). */
    RING,
    /**
     * A rows x cols grid without wrap-around, rows and cols at least 2 (not both 2), as in a
     * 2-D stencil with fixed boundaries.
     */
    MESH_2D,
    /**
     * A rows x cols grid whose rows and columns wrap around. With 2 rows the wrap-around edges
     * coincide with the grid edges, so the 2 x c torus (c at least 3) is the circular ladder:
     * two c-rings joined rung by rung, 3 edges per VM.
     */
    TORUS_2D,
    /** Every VM talks to every other one. */
    ALL_TO_ALL,
    /**
     * A tree (depth 2 or more) whose traffic flows towards one root: every VM sends mostly to
     * its parent, as in a reduction. The root is the VM that sends to nobody in the tree.
     */
    TREE_REDUCTION,
    /**
     * A tree (depth 2 or more) whose traffic flows away from one root: every VM receives mostly
     * from its parent, as in a (for example binomial) broadcast. The root receives from nobody.
     */
    TREE_BROADCAST,
    /** One hub talks to all other VMs, and they talk only to the hub (in either direction). */
    STAR,
    /**
     * None of the above, for example a random graph, a chain, a tree without one clear
     * direction, or two separate groups. The graph itself is still reported.
     */
    OTHER
}
