package io.vnet.it.experiment;

import io.vnet.it.fabric.Host;

/**
 * Two VM hosts that a direct (fast-path) link may join. {@code low} is the one that comes first
 * in the testbed's order: it dials, {@code high} accepts.
 */
public record HostPair(Host low, Host high) {
    public HostPair {
        if (low == null || high == null || low.name().equals(high.name())) {
            throw new IllegalArgumentException("a host pair needs two different hosts: " + low + ", " + high);
        }
    }

    /** {@code low-high}, e.g. {@code h1-h2}. */
    public String id() {
        return low.name() + "-" + high.name();
    }

    public boolean contains(Host h) {
        return low.name().equals(h.name()) || high.name().equals(h.name());
    }

    /** The other end of the pair from {@code h}. */
    public Host other(Host h) {
        if (low.name().equals(h.name())) {
            return high;
        }
        if (high.name().equals(h.name())) {
            return low;
        }
        throw new IllegalArgumentException(h.name() + " is not in " + id());
    }

    @Override
    public String toString() {
        return id();
    }
}
