package io.vnet.vttif;

/**
 * The shape of an application's communication graph. Classification is by graph structure
 * only, so it does not depend on how VMs are numbered or addressed. Where shapes coincide the
 * class is the first that fits in the order below, and {@link TopologyGraph#alsoFits()} names
 * every other one that fits: the complete graph on 2 or 3 nodes is {@link #ALL_TO_ALL}; the
 * 4-cycle (also the 2 x 2 mesh and torus) is a {@link #RING}; a tree of depth
 * one, in either direction, is a {@link #STAR}; the 3-cube is the 2 x 4 {@link #TORUS_2D}
 * (also the 2 x 2 x 2 mesh and torus), the 4-cube the 4 x 4 torus (also the 2 x 2 x 4 torus);
 * the 5- and 6-cubes are {@link #HYPERCUBE}s (also the 2 x 4 x 4 and 4 x 4 x 4 tori). The
 * bundle's README lists the sizes at which each pair differs.
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
     * A tree (depth 2 or more, not a chain) whose edges carry traffic both ways, as in a
     * reduction followed by a broadcast down the same tree (what an allreduce does). Its root is
     * the tree's centre, a node whose farthest node is nearest (of two centres, the one of higher
     * degree): the root of a binary tree; in a binomial tree of 2^k VMs the root or its last child,
     * which the traffic cannot tell apart.
     */
    TREE,
    /**
     * A chain: VMs in a line, each talking to the one before and the one after it (4 VMs or
     * more; 3 in a line are a star), as in a pipeline or a 1-D decomposition without wrap-around.
     */
    PIPELINE,
    /**
     * The d-dimensional hypercube (2^d VMs, d at least 3): each VM talks to the d VMs whose rank
     * differs from its own in one bit, as in recursive doubling (small-message allreduce and
     * allgather). Its sides are d twos.
     */
    HYPERCUBE,
    /**
     * An a x b x c grid without wrap-around (a &lt;= b &lt;= c, every side at least 2), as in a
     * 3-D domain decomposition with fixed boundaries.
     */
    MESH_3D,
    /**
     * An a x b x c grid whose three dimensions wrap around (a &lt;= b &lt;= c, every side at least
     * 2; in a side of 2 the wrap-around edge is the grid edge), as in a periodic 3-D decomposition.
     */
    TORUS_3D,
    /**
     * None of the above, for example a random graph or two separate groups, with no shape
     * explaining most of the traffic. The graph itself is still reported.
     */
    OTHER
}
