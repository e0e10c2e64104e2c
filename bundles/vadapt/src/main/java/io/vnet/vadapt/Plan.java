package io.vnet.vadapt;

import io.vnet.api.MacAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an {@link Adapter} proposes: the desired overlay (the star plus fast-path links), the
 * flooding tree (a spanning tree of that overlay rooted at the center), the route of every VM
 * pair on different hosts (host ids from the first VM's host to the second's), the placement,
 * the objective before and after, the predicted gain and whether to apply it. {@code floodRoot}
 * is the root of the flooding tree, the center of the star.
 */
public record Plan(String algorithm, Overlay overlay, String floodRoot, Overlay floodTree, Map<VmPair, List<String>> routes,
                   Placement placement, List<MacAddress> migrations, Objective current,
                   Objective objective, boolean apply) {
    public Plan {
        if (algorithm == null || overlay == null || floodRoot == null || floodTree == null || routes == null || placement == null
                || migrations == null || current == null || objective == null) {
            throw new IllegalArgumentException("invalid plan: every part is required");
        }
        for (HostLink l : floodTree.links()) {
            if (!overlay.contains(l)) {
                throw new IllegalArgumentException("invalid plan: flooding link " + l + " is not in the overlay");
            }
        }
        routes = Collections.unmodifiableMap(new TreeMap<>(routes));
        migrations = List.copyOf(migrations);
    }

    /**
     * The predicted gain: the current iteration time over the planned one (2.0 = twice as fast).
     * 1 when both are zero.
     */
    public double predictedGain() {
        double now = current.iterationSeconds();
        double next = objective.iterationSeconds();
        if (next == 0) {
            return now == 0 ? 1 : Double.POSITIVE_INFINITY;
        }
        return now / next;
    }

    /** The links of the overlay that are not flooding links: the fast paths off the tree. */
    public Overlay fastPaths() {
        List<HostLink> l = new ArrayList<>();
        for (HostLink x : overlay.links()) {
            if (!floodTree.contains(x)) {
                l.add(x);
            }
        }
        return Overlay.of(l);
    }

    @Override
    public String toString() {
        return String.format("%s: gain %.3f, %s, %s; %d links, %d migrations", algorithm, predictedGain(),
                objective, apply ? "apply" : "keep the current overlay", overlay.links().size(), migrations.size());
    }
}
