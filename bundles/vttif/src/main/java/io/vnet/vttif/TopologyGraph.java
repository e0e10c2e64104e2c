package io.vnet.vttif;

import io.vnet.api.MacAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An inferred communication topology: the VMs, the undirected edges between them weighted by
 * their normalised intensity (the heaviest edge has intensity 1), and the {@link TopologyClass}
 * with its parameters: the sides of a grid ({@link #dims()}: rows x cols, rows &lt;= cols, for a
 * 2-D mesh or torus, a x b x c for a 3-D one, d twos for a d-cube), the root for a star or tree.
 * The nodes are exactly the ends of the edges. It also says how much of the network's traffic
 * those edges carry ({@link #share()}: below 1 when the shape is the dominant one of a mixture,
 * or when background traffic was left out) and which other classes describe the same graph
 * ({@link #alsoFits()}). An empty graph (no edges, class {@code OTHER}) stands for a network
 * without significant traffic.
 */
public final class TopologyGraph {
    private static final TopologyGraph EMPTY = new TopologyGraph(TopologyClass.OTHER, List.of(), null, List.of(),
            List.of(), 1.0, List.of());

    private final TopologyClass topologyClass;
    private final List<Integer> dims;
    private final MacAddress root;
    private final List<MacAddress> nodes;
    private final List<Edge> edges;
    private final double share;
    private final List<Fit> alsoFits;

    /** A class that describes a graph, with its sides (as {@link #dims()}). */
    public record Fit(TopologyClass topologyClass, List<Integer> dims) {
        public Fit {
            if (topologyClass == null || topologyClass == TopologyClass.OTHER) {
                throw new IllegalArgumentException("a fit names a known class, not " + topologyClass);
            }
            dims = List.copyOf(dims);
        }

        @Override
        public String toString() {
            return topologyClass.name() + (dims.isEmpty() ? "" : " " + String.join("x",
                    dims.stream().map(String::valueOf).toList()));
        }
    }

    /** One undirected edge, {@code a < b}, with an intensity in (0, 1]. */
    public record Edge(MacAddress a, MacAddress b, double intensity) {
        public Edge {
            if (a == null || b == null) {
                throw new IllegalArgumentException("invalid edge " + a + "-" + b + ": both ends are required");
            }
            if (a.equals(b)) {
                throw new IllegalArgumentException("invalid edge " + a + "-" + b + ": a VM has no edge to itself");
            }
            if (!(intensity > 0 && intensity <= 1)) {
                throw new IllegalArgumentException("invalid intensity " + intensity + " of edge " + a + "-" + b
                        + ": expected a number in (0, 1]");
            }
            if (a.compareTo(b) > 0) {
                MacAddress t = a;
                a = b;
                b = t;
            }
        }

        public boolean touches(MacAddress mac) {
            return a.equals(mac) || b.equals(mac);
        }

        @Override
        public String toString() {
            return a + "-" + b + String.format(" %.3f", intensity);
        }
    }

    private TopologyGraph(TopologyClass topologyClass, List<Integer> dims, MacAddress root, List<MacAddress> nodes,
                          List<Edge> edges, double share, List<Fit> alsoFits) {
        this.topologyClass = topologyClass;
        this.dims = dims;
        this.root = root;
        this.nodes = nodes;
        this.edges = edges;
        this.share = share;
        this.alsoFits = alsoFits;
    }

    /** The graph of a network without significant traffic. */
    public static TopologyGraph empty() {
        return EMPTY;
    }

    /**
     * A topology of the given class. {@code rows} and {@code cols} are given (rows &lt;= cols,
     * both at least 2, rows x cols = the number of nodes) for a 2-D mesh or torus only and are 0
     * otherwise; {@code root} is given for a star or tree only and is null otherwise. There must
     * be at least one edge, no edge twice, and a root must be a node. Its share is 1 and nothing
     * else fits.
     */
    public static TopologyGraph of(TopologyClass topologyClass, int rows, int cols, MacAddress root,
                                   Collection<Edge> edges) {
        return of(topologyClass, rows == 0 && cols == 0 ? List.of() : List.of(rows, cols), root, edges, 1.0, List.of());
    }

    /**
     * A topology of the given class with its sides: {@code dims} is rows, cols (2 &lt;= rows &lt;=
     * cols) for a 2-D mesh or torus, a, b, c (2 &lt;= a &lt;= b &lt;= c) for a 3-D one, d twos (d at
     * least 3) for a hypercube, their product the number of nodes, and empty for every other class;
     * {@code root} as above; {@code share} in (0, 1], the part of the network's traffic the edges
     * carry; {@code alsoFits} the other classes that describe the same graph.
     */
    public static TopologyGraph of(TopologyClass topologyClass, List<Integer> dims, MacAddress root,
                                   Collection<Edge> edges, double share, List<Fit> alsoFits) {
        if (topologyClass == null) {
            throw new IllegalArgumentException("invalid topology: a class is required");
        }
        if (edges == null || edges.isEmpty()) {
            throw new IllegalArgumentException("invalid " + topologyClass + " topology: it needs at least one edge");
        }
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("invalid " + topologyClass + " topology: share " + share
                    + " is not in (0, 1]");
        }
        List<Edge> sorted = new ArrayList<>(edges);
        sorted.sort(Comparator.comparing(Edge::a).thenComparing(Edge::b));
        Set<MacAddress> nodeSet = new TreeSet<>();
        for (int i = 0; i < sorted.size(); i++) {
            Edge e = Objects.requireNonNull(sorted.get(i), "edge");
            if (i > 0 && sorted.get(i - 1).a().equals(e.a()) && sorted.get(i - 1).b().equals(e.b())) {
                throw new IllegalArgumentException("invalid " + topologyClass + " topology: edge " + e.a() + "-"
                        + e.b() + " appears twice");
            }
            nodeSet.add(e.a());
            nodeSet.add(e.b());
        }
        List<Integer> sides = List.copyOf(dims);
        checkDims(topologyClass, sides, nodeSet.size());
        boolean rooted = topologyClass == TopologyClass.STAR || topologyClass == TopologyClass.TREE_BROADCAST
                || topologyClass == TopologyClass.TREE_REDUCTION || topologyClass == TopologyClass.TREE;
        if (rooted && (root == null || !nodeSet.contains(root))) {
            throw new IllegalArgumentException("invalid " + topologyClass + " topology: root " + root
                    + " must be one of its nodes");
        }
        if (!rooted && root != null) {
            throw new IllegalArgumentException("invalid " + topologyClass + " topology: root " + root
                    + " is only for a star or tree");
        }
        List<Fit> fits = List.copyOf(alsoFits);
        for (Fit f : fits) {
            checkDims(f.topologyClass(), f.dims(), nodeSet.size());
            if (f.topologyClass() == topologyClass && f.dims().equals(sides)) {
                throw new IllegalArgumentException("invalid " + topologyClass + " topology: it fits itself");
            }
        }
        return new TopologyGraph(topologyClass, sides, root, List.copyOf(nodeSet), List.copyOf(sorted), share, fits);
    }

    /** How many sides a class has: 2 for a 2-D grid, 3 for a 3-D one, -1 for a hypercube (any, at least 3), else 0. */
    private static int sidesOf(TopologyClass c) {
        return switch (c) {
            case MESH_2D, TORUS_2D -> 2;
            case MESH_3D, TORUS_3D -> 3;
            case HYPERCUBE -> -1;
            default -> 0;
        };
    }

    private static void checkDims(TopologyClass c, List<Integer> dims, int nodes) {
        int sides = sidesOf(c);
        String size = String.join("x", dims.stream().map(String::valueOf).toList());
        if (sides == 0) {
            if (!dims.isEmpty()) {
                throw new IllegalArgumentException("invalid " + c + " topology: size " + size
                        + " is only for a mesh or torus (or a hypercube)");
            }
            return;
        }
        long product = 1;
        boolean ok = sides < 0 ? dims.size() >= 3 : dims.size() == sides;
        for (int i = 0; ok && i < dims.size(); i++) {
            int d = dims.get(i);
            ok = d >= 2 && (i == 0 || d >= dims.get(i - 1)) && (sides > 0 || d == 2);
            product *= d;
        }
        if (!ok || product != nodes) {
            throw new IllegalArgumentException("invalid " + c + " size " + size + " for " + nodes + " nodes: expected "
                    + (sides < 0 ? "at least 3 twos" : sides + " sides, each at least 2, in increasing order")
                    + " whose product is the number of nodes");
        }
    }

    public TopologyClass topologyClass() {
        return topologyClass;
    }

    /** Rows of a 2-D mesh or torus (rows &lt;= cols), else 0. */
    public int rows() {
        return dims.size() == 2 ? dims.get(0) : 0;
    }

    /** Columns of a 2-D mesh or torus, else 0. */
    public int cols() {
        return dims.size() == 2 ? dims.get(1) : 0;
    }

    /**
     * The sides of a grid, in increasing order: rows, cols of a 2-D mesh or torus; a, b, c of a
     * 3-D one; d twos of a d-cube. Empty for every other class.
     */
    public List<Integer> dims() {
        return dims;
    }

    /**
     * The part of the network's traffic (bytes, both directions, in VTTIF's window) that these
     * edges carry: 1 when they are all of it; less when background traffic was left out or the
     * class is the dominant shape of a mixture.
     */
    public double share() {
        return share;
    }

    /** The other classes that describe the same graph (where shapes coincide), e.g. a 2 x 4 torus is also the 3-cube. */
    public List<Fit> alsoFits() {
        return alsoFits;
    }

    /** Whether {@code c} describes this graph: its class, or one of those that also fit. */
    public boolean fits(TopologyClass c) {
        return topologyClass == c || alsoFits.stream().anyMatch(f -> f.topologyClass() == c);
    }

    /** The hub of a star or the root of a tree. */
    public Optional<MacAddress> root() {
        return Optional.ofNullable(root);
    }

    /** The VMs, in address order. */
    public List<MacAddress> nodes() {
        return nodes;
    }

    /** The edges, ordered by their ends. */
    public List<Edge> edges() {
        return edges;
    }

    public boolean isEmpty() {
        return edges.isEmpty();
    }

    /** The intensity of the edge between two VMs (either order), or 0 if there is none. */
    public double intensity(MacAddress x, MacAddress y) {
        for (Edge e : edges) {
            if ((e.a().equals(x) && e.b().equals(y)) || (e.a().equals(y) && e.b().equals(x))) {
                return e.intensity();
            }
        }
        return 0;
    }

    /**
     * True if both graphs are the same topology: the same class and parameters, the same VMs
     * and the same edges. Intensities may differ; they move with every sample.
     */
    public boolean sameTopology(TopologyGraph other) {
        if (other == null || other.topologyClass != topologyClass || !other.dims.equals(dims)
                || !Objects.equals(other.root, root) || other.edges.size() != edges.size()
                || !other.nodes.equals(nodes)) {
            return false;
        }
        Set<List<MacAddress>> mine = new HashSet<>();
        for (Edge e : edges) {
            mine.add(List.of(e.a(), e.b()));
        }
        for (Edge e : other.edges) {
            if (!mine.contains(List.of(e.a(), e.b()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A one-line description such as {@code TORUS_2D 4x16 (64 VMs, 128 edges)}, with the share
     * when it is below 1 and the classes that also fit, e.g. {@code TORUS_2D 2x4 (8 VMs, 12
     * edges; also HYPERCUBE 2x2x2, MESH_3D 2x2x2, TORUS_3D 2x2x2)}.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder(topologyClass.name());
        if (!dims.isEmpty()) {
            sb.append(' ').append(String.join("x", dims.stream().map(String::valueOf).toList()));
        }
        if (root != null) {
            sb.append(" root ").append(root);
        }
        sb.append(" (").append(nodes.size()).append(nodes.size() == 1 ? " VM, " : " VMs, ")
                .append(edges.size()).append(edges.size() == 1 ? " edge" : " edges");
        if (share < 1 - 1e-9) {
            sb.append(String.format(java.util.Locale.ROOT, ", %.0f%% of the traffic", 100 * share));
        }
        if (!alsoFits.isEmpty()) {
            sb.append("; also ").append(String.join(", ", alsoFits.stream().map(Fit::toString).toList()));
        }
        return sb.append(')').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopologyGraph g && sameTopology(g) && g.edges.equals(edges);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topologyClass, dims, root, nodes, edges);
    }

    @Override
    public String toString() {
        return describe() + " " + edges;
    }
}
