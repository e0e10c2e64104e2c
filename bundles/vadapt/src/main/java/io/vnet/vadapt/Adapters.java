package io.vnet.vadapt;

import io.vnet.vadapt.impl.AnnealAdapter;
import io.vnet.vadapt.impl.ExhaustiveAdapter;
import io.vnet.vadapt.impl.GreedyAdapter;
import io.vnet.vadapt.impl.TopKAdapter;
import java.util.List;

/**
 * The algorithms. {@code topk}: fast paths for the k heaviest pairs (the founding heuristic).
 * {@code greedy}: greedy mapping plus bottleneck-first fast paths, widest-path routes.
 * {@code anneal}: simulated annealing that refines the greedy answer within a {@link Budget}.
 * {@code exhaustive}: the exact optimum, for small instances only (about 8 VMs on 4 hosts).
 */
public final class Adapters {
    private Adapters() {
    }

    public static Adapter topK(int k) {
        return new TopKAdapter(k);
    }

    public static Adapter greedy() {
        return new GreedyAdapter();
    }

    public static Adapter anneal() {
        return new AnnealAdapter();
    }

    public static Adapter exhaustive() {
        return new ExhaustiveAdapter();
    }

    /** The algorithm of that name; {@code topk} takes k = 4. */
    public static Adapter byName(String name) {
        if (name != null) {
            switch (name) {
                case "topk":
                    return topK(4);
                case "greedy":
                    return greedy();
                case "anneal":
                    return anneal();
                case "exhaustive":
                    return exhaustive();
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("invalid algorithm '" + name + "': expected one of " + names());
    }

    public static List<String> names() {
        return List.of("topk", "greedy", "anneal", "exhaustive");
    }
}
