package io.vnet.vadapt;

import io.vnet.api.Ids;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The physical side: the hosts that run VMs, each with a capacity (the most VMs it may run), the
 * center of the star (the proxy, which runs no VMs), and the path properties between every two
 * of them (the path between a host and the center is what a star link gets). A host pair that is
 * not given has the default properties. Only pairs are stored, so the size grows with the host
 * pairs given, never with the VMs. A host (or the center) may have an uplink capacity: every overlay
 * link that leaves it shares it (the star's spokes share the proxy's uplink); unbounded unless
 * given.
 */
public final class Underlay {
    private final String center;
    private final Map<String, Integer> capacities;
    private final Map<HostLink, PathProperties> paths;
    private final PathProperties defaultPath;
    private final Map<String, Double> uplinks;

    private Underlay(String center, Map<String, Integer> capacities, Map<HostLink, PathProperties> paths,
                     PathProperties defaultPath, Map<String, Double> uplinks) {
        this.center = center;
        this.capacities = Collections.unmodifiableMap(new LinkedHashMap<>(capacities));
        this.paths = Collections.unmodifiableMap(new TreeMap<>(paths));
        this.defaultPath = defaultPath;
        this.uplinks = Collections.unmodifiableMap(new TreeMap<>(uplinks));
    }

    /**
     * The capacity (bits per second, each way) that every overlay link leaving {@code host} shares;
     * infinite (unbounded) unless given.
     */
    public double uplink(String host) {
        Double v = uplinks.get(host);
        return v == null ? Double.POSITIVE_INFINITY : v;
    }

    /** The uplink capacities given explicitly. */
    public Map<String, Double> uplinks() {
        return uplinks;
    }

    /** An underlay whose star center (the proxy) is {@code center}. */
    public static Builder builder(String center) {
        return new Builder(Ids.check("center host id", center));
    }

    /** The proxy at the center of the star. */
    public String center() {
        return center;
    }

    /** The VM hosts (not the center) with their capacities, in the order they were added. */
    public Map<String, Integer> capacities() {
        return capacities;
    }

    /** The VM hosts, in the order they were added. */
    public List<String> hosts() {
        return List.copyOf(capacities.keySet());
    }

    public boolean isHost(String host) {
        return capacities.containsKey(host);
    }

    /** Whether {@code host} is a VM host of this underlay or its center. */
    public boolean knows(String host) {
        return center.equals(host) || capacities.containsKey(host);
    }

    /** The path between two different hosts (or a host and the center). */
    public PathProperties path(String x, String y) {
        for (String h : new String[] {x, y}) {
            if (!knows(h)) {
                throw new IllegalArgumentException("unknown host " + h + ": it is neither a VM host nor the center "
                        + center);
            }
        }
        PathProperties p = paths.get(HostLink.of(x, y));
        return p == null ? defaultPath : p;
    }

    /** The path properties given explicitly. */
    public Map<HostLink, PathProperties> paths() {
        return paths;
    }

    public PathProperties defaultPath() {
        return defaultPath;
    }

    public static final class Builder {
        private final String center;
        private final Map<String, Integer> capacities = new LinkedHashMap<>();
        private final Map<HostLink, PathProperties> paths = new TreeMap<>();
        private PathProperties defaultPath = PathProperties.of(1e9, 0.001);
        private final Map<String, Double> uplinks = new TreeMap<>();

        private Builder(String center) {
            this.center = center;
        }

        /** A VM host that may run at most {@code capacity} VMs. */
        public Builder host(String host, int capacity) {
            Ids.check("host id", host);
            if (host.equals(center)) {
                throw new IllegalArgumentException("invalid host " + host + ": it is the center, which runs no VMs");
            }
            if (capacity < 1) {
                throw new IllegalArgumentException("invalid capacity " + capacity + " of host " + host
                        + ": expected at least 1 VM");
            }
            if (capacities.putIfAbsent(host, capacity) != null) {
                throw new IllegalArgumentException("invalid host " + host + ": it is added twice");
            }
            return this;
        }

        /** The path between two hosts, or a host and the center, in both directions. */
        public Builder path(String x, String y, double bandwidthBitsPerSecond, double latencySeconds) {
            paths.put(HostLink.of(x, y), PathProperties.of(bandwidthBitsPerSecond, latencySeconds));
            return this;
        }

        /**
         * The uplink of {@code host} (a VM host or the center): every overlay link leaving it shares
         * {@code bitsPerSecond} each way.
         */
        public Builder uplink(String host, double bitsPerSecond) {
            Ids.check("host id", host);
            if (!(bitsPerSecond > 0) || Double.isInfinite(bitsPerSecond)) {
                throw new IllegalArgumentException("invalid uplink " + bitsPerSecond + " bit/s of host " + host
                        + ": expected a finite rate above 0");
            }
            uplinks.put(host, bitsPerSecond);
            return this;
        }

        /** The properties of every pair not given by {@link #path}; 1 Gbit/s and 1 ms unless set. */
        public Builder defaultPath(double bandwidthBitsPerSecond, double latencySeconds) {
            defaultPath = PathProperties.of(bandwidthBitsPerSecond, latencySeconds);
            return this;
        }

        public Underlay build() {
            if (capacities.isEmpty()) {
                throw new IllegalArgumentException("invalid underlay with center " + center + ": it has no VM host");
            }
            for (HostLink l : paths.keySet()) {
                for (String h : new String[] {l.a(), l.b()}) {
                    if (!h.equals(center) && !capacities.containsKey(h)) {
                        throw new IllegalArgumentException("invalid path " + l + ": host " + h
                                + " is neither a VM host nor the center " + center);
                    }
                }
            }
            for (String h : uplinks.keySet()) {
                if (!h.equals(center) && !capacities.containsKey(h)) {
                    throw new IllegalArgumentException("invalid uplink of " + h + ": it is neither a VM host nor the"
                            + " center " + center);
                }
            }
            return new Underlay(center, capacities, paths, defaultPath, uplinks);
        }
    }
}
