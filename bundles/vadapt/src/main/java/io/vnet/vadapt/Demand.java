package io.vnet.vadapt;

import io.vnet.api.MacAddress;
import io.vnet.vttif.TopologyGraph;
import io.vnet.vttif.TrafficMatrix;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The application's traffic: bytes per second per unordered VM pair (both directions together).
 * Only pairs with a positive rate are kept. It is either given directly, or built from VTTIF's
 * smoothed {@link TrafficMatrix} (already in bytes per second) or {@link TopologyGraph} (whose
 * intensities are normalised, so the rate of its heaviest edge must be given).
 */
public final class Demand {
    private final Map<VmPair, Double> rates;
    private final List<MacAddress> vms;

    private Demand(Map<VmPair, Double> rates) {
        this.rates = Collections.unmodifiableMap(new TreeMap<>(rates));
        TreeSet<MacAddress> v = new TreeSet<>();
        for (VmPair p : rates.keySet()) {
            v.add(p.a());
            v.add(p.b());
        }
        this.vms = List.copyOf(v);
    }

    /** A demand from a map of rates in bytes per second; each must be a finite number >= 0. */
    public static Demand of(Map<VmPair, Double> bytesPerSecond) {
        if (bytesPerSecond == null) {
            throw new IllegalArgumentException("invalid demand: null (expected a map of VM pairs to bytes/s)");
        }
        Builder b = builder();
        bytesPerSecond.forEach((p, r) -> {
            if (p == null) {
                throw new IllegalArgumentException("invalid demand: a null VM pair");
            }
            b.add(p.a(), p.b(), r == null ? Double.NaN : r);
        });
        return b.build();
    }

    /** The undirected weights of a VTTIF traffic matrix, in bytes per second. */
    public static Demand fromMatrix(TrafficMatrix matrix) {
        if (matrix == null) {
            throw new IllegalArgumentException("invalid traffic matrix: null");
        }
        Builder b = builder();
        int n = matrix.size();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double w = matrix.undirectedWeight(i, j);
                if (w > 0 && !matrix.nodes().get(i).isGroup() && !matrix.nodes().get(j).isGroup()) {
                    b.add(matrix.nodes().get(i), matrix.nodes().get(j), w);
                }
            }
        }
        return b.build();
    }

    /** The edges of a VTTIF topology, each at its intensity times {@code heaviestBytesPerSecond}. */
    public static Demand fromTopology(TopologyGraph graph, double heaviestBytesPerSecond) {
        if (graph == null) {
            throw new IllegalArgumentException("invalid topology: null");
        }
        if (!(heaviestBytesPerSecond > 0) || Double.isInfinite(heaviestBytesPerSecond)) {
            throw new IllegalArgumentException("invalid rate of the heaviest edge " + heaviestBytesPerSecond
                    + " B/s: expected a finite number > 0");
        }
        Builder b = builder();
        for (TopologyGraph.Edge e : graph.edges()) {
            b.add(e.a(), e.b(), e.intensity() * heaviestBytesPerSecond);
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The pairs with a positive rate, in pair order, with their rates in bytes per second. */
    public Map<VmPair, Double> rates() {
        return rates;
    }

    /** The rate of a pair in bytes per second, 0 if it does not communicate. */
    public double rate(MacAddress x, MacAddress y) {
        if (x == null || y == null || x.equals(y)) {
            return 0;
        }
        Double r = rates.get(VmPair.of(x, y));
        return r == null ? 0 : r;
    }

    /** The VMs that communicate, in address order. */
    public List<MacAddress> vms() {
        return vms;
    }

    public boolean isEmpty() {
        return rates.isEmpty();
    }

    /** The pairs from heaviest to lightest (ties in pair order). */
    public List<VmPair> heaviestFirst() {
        List<VmPair> l = new ArrayList<>(rates.keySet());
        l.sort((p, q) -> {
            int c = Double.compare(rates.get(q), rates.get(p));
            return c != 0 ? c : p.compareTo(q);
        });
        return l;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Demand d && d.rates.equals(rates);
    }

    @Override
    public int hashCode() {
        return rates.hashCode();
    }

    @Override
    public String toString() {
        return "Demand" + rates;
    }

    /** Adds rates; a pair added twice (in either order) adds up. */
    public static final class Builder {
        private final Map<VmPair, Double> rates = new TreeMap<>();

        private Builder() {
        }

        public Builder add(MacAddress x, MacAddress y, double bytesPerSecond) {
            VmPair p = VmPair.of(x, y);
            if (!(bytesPerSecond >= 0) || Double.isInfinite(bytesPerSecond)) {
                throw new IllegalArgumentException("invalid rate " + bytesPerSecond + " B/s of pair " + p
                        + ": expected a finite number >= 0");
            }
            if (bytesPerSecond > 0) {
                rates.merge(p, bytesPerSecond, Double::sum);
            }
            return this;
        }

        public Demand build() {
            return new Demand(rates);
        }
    }
}
