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
 * with its parameters: rows x cols (rows &lt;= cols) for a mesh or torus, the root for a star
 * or tree. The nodes are exactly the ends of the edges. An empty graph (no edges, class
 * {@code OTHER}) stands for a network without significant traffic.
 */
public final class TopologyGraph {
    private static final TopologyGraph EMPTY = new TopologyGraph(TopologyClass.OTHER, 0, 0, null, List.of(), List.of());

    private final TopologyClass topologyClass;
    private final int rows;
    private final int cols;
    private final MacAddress root;
    private final List<MacAddress> nodes;
    private final List<Edge> edges;

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

    private TopologyGraph(TopologyClass topologyClass, int rows, int cols, MacAddress root, List<MacAddress> nodes,
                          List<Edge> edges) {
        this.topologyClass = topologyClass;
        this.rows = rows;
        this.cols = cols;
        this.root = root;
        this.nodes = nodes;
        this.edges = edges;
    }

    /** The graph of a network without significant traffic. */
    public static TopologyGraph empty() {
        return EMPTY;
    }

    /**
     * A topology of the given class. {@code rows} and {@code cols} are given (rows &lt;= cols,
     * both at least 2, rows x cols = the number of nodes) for a mesh or torus only and are 0
     * otherwise; {@code root} is given for a star or tree only and is null otherwise. There must
     * be at least one edge, no edge twice, and a root must be a node.
     */
    public static TopologyGraph of(TopologyClass topologyClass, int rows, int cols, MacAddress root,
                                   Collection<Edge> edges) {
        if (topologyClass == null) {
            throw new IllegalArgumentException("invalid topology: a class is required");
        }
        if (edges == null || edges.isEmpty()) {
            throw new IllegalArgumentException("invalid " + topologyClass + " topology: it needs at least one edge");
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
        boolean grid = topologyClass == TopologyClass.MESH_2D || topologyClass == TopologyClass.TORUS_2D;
        if (grid) {
            if (rows < 2 || cols < rows || (long) rows * cols != nodeSet.size()) {
                throw new IllegalArgumentException("invalid " + topologyClass + " size " + rows + "x" + cols
                        + " for " + nodeSet.size() + " nodes: expected 2 <= rows <= cols and rows x cols = nodes");
            }
        } else if (rows != 0 || cols != 0) {
            throw new IllegalArgumentException("invalid " + topologyClass + " topology: size " + rows + "x" + cols
                    + " is only for a mesh or torus");
        }
        boolean rooted = topologyClass == TopologyClass.STAR || topologyClass == TopologyClass.TREE_BROADCAST
                || topologyClass == TopologyClass.TREE_REDUCTION;
        if (rooted && (root == null || !nodeSet.contains(root))) {
            throw new IllegalArgumentException("invalid " + topologyClass + " topology: root " + root
                    + " must be one of its nodes");
        }
        if (!rooted && root != null) {
            throw new IllegalArgumentException("invalid " + topologyClass + " topology: root " + root
                    + " is only for a star or tree");
        }
        return new TopologyGraph(topologyClass, rows, cols, root, List.copyOf(nodeSet), List.copyOf(sorted));
    }

    public TopologyClass topologyClass() {
        return topologyClass;
    }

    /** Rows of a mesh or torus (rows &lt;= cols), else 0. */
    public int rows() {
        return rows;
    }

    /** Columns of a mesh or torus, else 0. */
    public int cols() {
        return cols;
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
        if (other == null || other.topologyClass != topologyClass || other.rows != rows || other.cols != cols
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

    /** A one-line description such as {@code TORUS_2D 4x16 (64 VMs, 128 edges)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(topologyClass.name());
        if (rows > 0) {
            sb.append(' ').append(rows).append('x').append(cols);
        }
        if (root != null) {
            sb.append(" root ").append(root);
        }
        return sb.append(" (").append(nodes.size()).append(nodes.size() == 1 ? " VM, " : " VMs, ")
                .append(edges.size()).append(edges.size() == 1 ? " edge)" : " edges)").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopologyGraph g && sameTopology(g) && g.edges.equals(edges);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topologyClass, rows, cols, root, nodes, edges);
    }

    @Override
    public String toString() {
        return describe() + " " + edges;
    }
}
