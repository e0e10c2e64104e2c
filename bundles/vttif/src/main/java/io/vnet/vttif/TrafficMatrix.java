package io.vnet.vttif;

import io.vnet.api.MacAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The traffic between the VMs of one network: a directed weight per (source, destination) VM,
 * in bytes per second when the engine builds it (any non-negative unit otherwise). The nodes
 * are the unicast MAC addresses that carry some traffic, in address order. The matrix keeps
 * both directions; {@link #undirectedWeight(int, int)} is their sum, which is what the
 * topology is inferred from.
 *
 * <p>Sparse: only the non-zero weights are stored (sorted by source, then destination index),
 * so a matrix takes memory in proportion to the pairs that carry traffic, never nodes x nodes.
 * Looking one weight up is a binary search; {@link #forEachWeight} visits the stored weights
 * in order.
 */
public final class TrafficMatrix {
    private static final TrafficMatrix EMPTY = new TrafficMatrix(List.of(), new long[0], new double[0]);

    /** Receives one non-zero directed weight: from node {@code src} to node {@code dst}. */
    @FunctionalInterface
    public interface WeightVisitor {
        void visit(int src, int dst, double weight);
    }

    private final List<MacAddress> nodes;
    private final Map<MacAddress, Integer> index;
    /** {@code src * size + dst} of each non-zero weight, increasing. */
    private final long[] cells;
    private final double[] weights;

    private TrafficMatrix(List<MacAddress> nodes, long[] cells, double[] weights) {
        this.nodes = nodes;
        this.cells = cells;
        this.weights = weights;
        Map<MacAddress, Integer> idx = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            idx.put(nodes.get(i), i);
        }
        this.index = Collections.unmodifiableMap(idx);
    }

    public static TrafficMatrix empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The number of VMs. */
    public int size() {
        return nodes.size();
    }

    public boolean isEmpty() {
        return nodes.isEmpty();
    }

    /** The VMs in address order; node {@code i} of the index-based methods is {@code nodes().get(i)}. */
    public List<MacAddress> nodes() {
        return nodes;
    }

    /** The index of a VM, or -1 if it carries no traffic. */
    public int indexOf(MacAddress mac) {
        Integer i = index.get(mac);
        return i == null ? -1 : i;
    }

    /** The weight from node {@code src} to node {@code dst}. */
    public double weight(int src, int dst) {
        int n = nodes.size();
        if (src < 0 || src >= n || dst < 0 || dst >= n) {
            throw new IndexOutOfBoundsException("invalid node index " + src + " or " + dst + ": the matrix has "
                    + n + " nodes");
        }
        return stored(src, dst);
    }

    /** The weight from {@code src} to {@code dst}, zero if either carries no traffic. */
    public double weight(MacAddress src, MacAddress dst) {
        int s = indexOf(src);
        int d = indexOf(dst);
        return s < 0 || d < 0 ? 0 : stored(s, d);
    }

    private double stored(int src, int dst) {
        int at = Arrays.binarySearch(cells, (long) src * nodes.size() + dst);
        return at < 0 ? 0 : weights[at];
    }

    /** The number of non-zero directed weights. */
    public int weightCount() {
        return cells.length;
    }

    /** Visits every non-zero directed weight, by source index, then destination index. */
    public void forEachWeight(WeightVisitor visitor) {
        int n = nodes.size();
        for (int i = 0; i < cells.length; i++) {
            visitor.visit((int) (cells[i] / n), (int) (cells[i] % n), weights[i]);
        }
    }

    /** Both directions together: the weight of the pair as one undirected edge. */
    public double undirectedWeight(int a, int b) {
        return weight(a, b) + weight(b, a);
    }

    /** The sum of all weights. */
    public double totalWeight() {
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrafficMatrix m && m.nodes.equals(nodes) && Arrays.equals(m.cells, cells)
                && Arrays.equals(m.weights, weights);
    }

    @Override
    public int hashCode() {
        return (nodes.hashCode() * 31 + Arrays.hashCode(cells)) * 31 + Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TrafficMatrix[").append(nodes.size()).append(" nodes");
        forEachWeight((i, j, w) -> sb.append(", ").append(nodes.get(i)).append("->").append(nodes.get(j)).append('=')
                .append(w));
        return sb.append(']').toString();
    }

    /** Collects directed weights, summing those added for the same pair. */
    public static final class Builder {
        private final Map<MacPair, Double> sums = new HashMap<>();

        private Builder() {
        }

        /**
         * Adds {@code weight} to the pair. Both addresses must be unicast and differ, and the weight
         * must be finite and not negative. A zero weight adds nothing, not even the nodes.
         */
        public Builder add(MacAddress src, MacAddress dst, double weight) {
            MacPair pair = MacPair.of(src, dst);
            if (!pair.isUnicastConversation()) {
                throw new IllegalArgumentException("invalid matrix pair " + pair
                        + ": both addresses must be unicast and differ");
            }
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("invalid weight " + weight + " for " + pair
                        + ": expected a finite number >= 0");
            }
            if (weight > 0) {
                sums.merge(pair, weight, Double::sum);
            }
            return this;
        }

        public TrafficMatrix build() {
            if (sums.isEmpty()) {
                return EMPTY;
            }
            TreeMap<MacAddress, Integer> order = new TreeMap<>();
            for (MacPair p : sums.keySet()) {
                order.put(p.src(), 0);
                order.put(p.dst(), 0);
            }
            List<MacAddress> nodes = new ArrayList<>(order.keySet());
            for (int i = 0; i < nodes.size(); i++) {
                order.put(nodes.get(i), i);
            }
            long n = nodes.size();
            TreeMap<Long, Double> byCell = new TreeMap<>();
            for (Map.Entry<MacPair, Double> e : sums.entrySet()) {
                byCell.put(order.get(e.getKey().src()) * n + order.get(e.getKey().dst()), e.getValue());
            }
            long[] cells = new long[byCell.size()];
            double[] w = new double[byCell.size()];
            int i = 0;
            for (Map.Entry<Long, Double> e : byCell.entrySet()) {
                cells[i] = e.getKey();
                w[i++] = e.getValue();
            }
            return new TrafficMatrix(List.copyOf(nodes), cells, w);
        }
    }
}
