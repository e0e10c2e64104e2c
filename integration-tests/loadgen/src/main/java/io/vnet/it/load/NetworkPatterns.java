package io.vnet.it.load;

import io.vnet.it.patterns.Grid;
import io.vnet.it.patterns.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Which BSP patterns ({@link Pattern}) a network of n VMs may run, and the topology class the
 * manager's VTTIF gives each (the name its {@code vnet_topology_class} metric carries). The 2-D mesh
 * and torus need an r x c grid with r, c at least 2 ({@link Grid#squarest}; not 2 x 2 for the mesh,
 * which is a ring); all-to-all only up to {@code allToAllMaxVms} VMs (an all-to-all of hundreds of
 * VMs is not a BSP program one runs, and its n(n-1) pairs would fill every report).
 */
public final class NetworkPatterns {
    private NetworkPatterns() {
    }

    /** The class VTTIF names for {@code p}. */
    public static String topologyClass(Pattern p) {
        return switch (p) {
            case RING -> "RING";
            case MESH_2D -> "MESH_2D";
            case TORUS_2D -> "TORUS_2D";
            case ALL_TO_ALL -> "ALL_TO_ALL";
            case TREE_REDUCTION -> "TREE_REDUCTION";
            case BROADCAST -> "TREE_BROADCAST";
        };
    }

    /** The patterns a network of {@code n} VMs may run (at least the ring and the reduction tree for n >= 4). */
    public static List<Pattern> allowed(int n, int allToAllMaxVms) {
        List<Pattern> a = new ArrayList<>();
        if (n < 4) {
            return a;
        }
        a.add(Pattern.RING);
        a.add(Pattern.TREE_REDUCTION);
        a.add(Pattern.BROADCAST);
        Grid g = grid(n);
        if (g != null) {
            if (!(g.rows() == 2 && g.cols() == 2)) {
                a.add(Pattern.MESH_2D);
            }
            if (g.cols() >= 3) {
                a.add(Pattern.TORUS_2D);
            }
        }
        if (n <= allToAllMaxVms) {
            a.add(Pattern.ALL_TO_ALL);
        }
        return a;
    }

    /** The squarest grid of n, or null when there is none (n prime or under 4). */
    static Grid grid(int n) {
        try {
            return Grid.squarest(n);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A pattern of {@code allowed} other than {@code current} (current when it is the only one), at random. */
    public static Pattern next(List<Pattern> allowed, Pattern current, Random r) {
        List<Pattern> others = new ArrayList<>(allowed);
        others.remove(current);
        return others.isEmpty() ? current : others.get(r.nextInt(others.size()));
    }
}
