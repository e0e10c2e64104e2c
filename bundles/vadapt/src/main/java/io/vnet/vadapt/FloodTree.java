package io.vnet.vadapt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The flooding tree of an overlay: a breadth-first spanning tree rooted at the center (fewest hops
 * from the center first, then host id order). On an overlay that contains the star, it is the
 * star. Broadcast, multicast and unknown unicast follow only these links, so floods never loop
 * whatever fast paths the overlay has.
 */
public final class FloodTree {
    private FloodTree() {
    }

    /**
     * The tree of {@code overlay} rooted at {@code root} that spans {@code root} and every host of
     * the overlay; an overlay on which some host cannot be reached is an error naming it.
     */
    public static Overlay of(String root, Overlay overlay) {
        if (root == null || overlay == null) {
            throw new IllegalArgumentException("invalid flooding tree: a root and an overlay are required");
        }
        Map<String, Set<String>> adj = new TreeMap<>();
        adj.put(root, new TreeSet<>());
        for (HostLink l : overlay.links()) {
            adj.computeIfAbsent(l.a(), k -> new TreeSet<>()).add(l.b());
            adj.computeIfAbsent(l.b(), k -> new TreeSet<>()).add(l.a());
        }
        Set<String> seen = new TreeSet<>();
        List<HostLink> tree = new ArrayList<>();
        Deque<String> queue = new ArrayDeque<>();
        seen.add(root);
        queue.add(root);
        while (!queue.isEmpty()) {
            String u = queue.poll();
            for (String v : adj.get(u)) {
                if (seen.add(v)) {
                    tree.add(HostLink.of(u, v));
                    queue.add(v);
                }
            }
        }
        for (String h : adj.keySet()) {
            if (!seen.contains(h)) {
                throw new IllegalArgumentException("invalid overlay: host " + h + " cannot be reached from " + root
                        + ", so no flooding tree spans it");
            }
        }
        return Overlay.of(tree);
    }

    /**
     * {@code plan} with its flooding tree rebuilt off the links of {@code down}, where its tree
     * uses some of them and the rest of its overlay lets it: a breadth-first tree of the overlay
     * without them, rooted at the plan's root if that still has a link, else at the first host (in
     * id order) that has one. It must span every host that still has a link; hosts left without
     * one (the center, when it died) are off the tree. Routes over a link of {@code down} are
     * dropped (their traffic follows the tree). {@code plan} itself where its tree is whole, or
     * where no tree of the rest spans those hosts: the manager cannot do better there.
     */
    public static Plan around(Plan plan, Set<HostLink> down) {
        boolean broken = false;
        for (HostLink l : plan.floodTree().links()) {
            broken |= down.contains(l);
        }
        if (!broken) {
            return plan;
        }
        List<HostLink> usable = new ArrayList<>();
        Set<String> linked = new TreeSet<>();
        for (HostLink l : plan.overlay().links()) {
            if (!down.contains(l)) {
                usable.add(l);
                linked.add(l.a());
                linked.add(l.b());
            }
        }
        if (linked.isEmpty()) {
            return plan;
        }
        String root = linked.contains(plan.floodRoot()) ? plan.floodRoot() : linked.iterator().next();
        Overlay tree;
        try {
            tree = of(root, Overlay.of(usable));
        } catch (IllegalArgumentException e) {
            return plan; // the rest falls apart: no one tree spans it
        }
        Map<VmPair, List<String>> routes = new TreeMap<>();
        plan.routes().forEach((pair, path) -> {
            for (int i = 0; i + 1 < path.size(); i++) {
                if (down.contains(HostLink.of(path.get(i), path.get(i + 1)))) {
                    return;
                }
            }
            routes.put(pair, path);
        });
        return new Plan(plan.algorithm(), plan.overlay(), root, tree, routes, plan.placement(), plan.migrations(),
                plan.current(), plan.objective(), plan.apply());
    }

    /** The next hop from {@code from} toward {@code to} along a tree rooted at {@code root}. */
    public static String nextHop(String root, Overlay tree, String from, String to) {
        if (from.equals(to)) {
            throw new IllegalArgumentException("no next hop from host " + from + " to itself");
        }
        Map<String, String> parent = parents(root, tree);
        if (!parent.containsKey(from) || !parent.containsKey(to)) {
            throw new IllegalArgumentException("host " + (parent.containsKey(from) ? to : from)
                    + " is not on the flooding tree");
        }
        String prev = to;
        for (String v = to; v != null; v = parent.get(v)) {
            if (v.equals(from)) {
                return prev;
            }
            prev = v;
        }
        return parent.get(from);
    }

    /** Every node of the tree with its parent (the root's is null). */
    public static Map<String, String> parents(String root, Overlay tree) {
        Map<String, Set<String>> adj = new TreeMap<>();
        for (HostLink l : tree.links()) {
            adj.computeIfAbsent(l.a(), k -> new TreeSet<>()).add(l.b());
            adj.computeIfAbsent(l.b(), k -> new TreeSet<>()).add(l.a());
        }
        Map<String, String> parent = new TreeMap<>();
        parent.put(root, null);
        Deque<String> queue = new ArrayDeque<>();
        queue.add(root);
        while (!queue.isEmpty()) {
            String u = queue.poll();
            for (String v : adj.getOrDefault(u, Set.of())) {
                if (!parent.containsKey(v)) {
                    parent.put(v, u);
                    queue.add(v);
                }
            }
        }
        return parent;
    }
}
