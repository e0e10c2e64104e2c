package io.vnet.it.patterns;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The communication patterns of the BSP workload. For n ranks each pattern gives every rank
 * its send set: the ranks it sends one message to in every iteration (a directed graph, never
 * containing the rank itself). The receive set is the inverse.
 * <ul>
 * <li>{@link #RING}: neighbour exchange on a ring; i sends to i-1 and i+1 (mod n).</li>
 * <li>{@link #MESH_2D}: neighbour exchange on a rows x cols grid (see {@link Grid}); each rank
 * sends to its up, down, left and right neighbours that exist (no wrap-around).</li>
 * <li>{@link #TORUS_2D}: the same grid with wrap-around; a neighbour reached both ways (a
 * dimension of 2) is sent one message.</li>
 * <li>{@link #ALL_TO_ALL}: every rank sends to every other rank.</li>
 * <li>{@link #TREE_REDUCTION}: binary-tree reduction to rank 0: rank i > 0 sends to its parent
 * (i-1)/2. Staged: a rank sends only after it received from all its children.</li>
 * <li>{@link #BROADCAST}: binomial-tree broadcast from rank 0: rank r sends to r + 2^k for
 * every 2^k > r with r + 2^k < n (0 -> 1, 2, 4, ...; 1 -> 3, 5, ...; 2 -> 6, ...). Staged: a
 * rank sends only after it received from its parent.</li>
 * </ul>
 * Mesh and torus need a grid: {@link Grid#squarest(int)} unless one is given.
 */
public enum Pattern {
    RING(0, "ring", false, "ring"),
    MESH_2D(1, "mesh", false, "mesh", "mesh2d", "mesh-2d", "mesh_2d"),
    TORUS_2D(2, "torus", false, "torus", "torus2d", "torus-2d", "torus_2d"),
    ALL_TO_ALL(3, "all", false, "all", "all-to-all", "alltoall", "all_to_all", "a2a"),
    TREE_REDUCTION(4, "tree", true, "tree", "reduce", "reduction", "tree-reduction", "tree_reduction"),
    BROADCAST(5, "bcast", true, "bcast", "broadcast");

    private final int code;
    private final String id;
    private final boolean staged;
    private final List<String> names;

    Pattern(int code, String id, boolean staged, String... names) {
        this.code = code;
        this.id = id;
        this.staged = staged;
        this.names = List.of(names);
    }

    /** The number that stands for this pattern on the wire. */
    public int code() {
        return code;
    }

    /** The short name used in schedules and in the output: ring, mesh, torus, all, tree, bcast. */
    public String id() {
        return id;
    }

    /**
     * True if a rank must receive from all its in-neighbours before it sends (the data flows
     * along a tree), false if it sends and receives at once (an exchange).
     */
    public boolean staged() {
        return staged;
    }

    public static Pattern fromCode(int code) {
        for (Pattern p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        throw new IllegalArgumentException("no pattern has code " + code);
    }

    /** By short name, alias or enum name, case-insensitive. */
    public static Pattern parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        for (Pattern p : values()) {
            if (p.names.contains(k) || p.name().toLowerCase(Locale.ROOT).equals(k)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown pattern '" + s + "': expected one of ring, mesh, torus, all, tree, bcast");
    }

    /** The ranks {@code rank} sends to each iteration, ascending. {@code grid} may be null (squarest). */
    public SortedSet<Integer> sendsTo(int rank, int n, Grid grid) {
        if (n < 1 || rank < 0 || rank >= n) {
            throw new IllegalArgumentException("rank " + rank + " of " + n);
        }
        TreeSet<Integer> to = new TreeSet<>();
        switch (this) {
            case RING -> {
                to.add(Math.floorMod(rank - 1, n));
                to.add((rank + 1) % n);
            }
            case MESH_2D, TORUS_2D -> {
                Grid g = Grid.resolve(n, grid);
                boolean wrap = this == TORUS_2D;
                int r = g.row(rank);
                int c = g.col(rank);
                int[][] steps = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
                for (int[] s : steps) {
                    int rr = r + s[0];
                    int cc = c + s[1];
                    if (wrap) {
                        rr = Math.floorMod(rr, g.rows());
                        cc = Math.floorMod(cc, g.cols());
                    } else if (rr < 0 || rr >= g.rows() || cc < 0 || cc >= g.cols()) {
                        continue;
                    }
                    to.add(g.rank(rr, cc));
                }
            }
            case ALL_TO_ALL -> {
                for (int j = 0; j < n; j++) {
                    to.add(j);
                }
            }
            case TREE_REDUCTION -> {
                if (rank > 0) {
                    to.add((rank - 1) / 2);
                }
            }
            case BROADCAST -> {
                for (int step = 1; step < n; step <<= 1) {
                    if (step > rank && rank + step < n) {
                        to.add(rank + step);
                    }
                }
            }
            default -> throw new AssertionError(this);
        }
        to.remove(rank);
        return Collections.unmodifiableSortedSet(to);
    }

    /** The ranks that send to {@code rank} each iteration, ascending. */
    public SortedSet<Integer> receivesFrom(int rank, int n, Grid grid) {
        if (n < 1 || rank < 0 || rank >= n) {
            throw new IllegalArgumentException("rank " + rank + " of " + n);
        }
        TreeSet<Integer> from = new TreeSet<>();
        for (int j = 0; j < n; j++) {
            if (j != rank && sendsTo(j, n, grid).contains(rank)) {
                from.add(j);
            }
        }
        return Collections.unmodifiableSortedSet(from);
    }

    /** The traffic matrix of one iteration: {@code m[i][j]} is true if i sends to j. */
    public boolean[][] matrix(int n, Grid grid) {
        boolean[][] m = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            for (int j : sendsTo(i, n, grid)) {
                m[i][j] = true;
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return id;
    }
}
