package io.vnet.vadapt;

import io.vnet.api.MacAddress;

/** An unordered pair of two different unicast VMs, kept with {@code a < b}. */
public record VmPair(MacAddress a, MacAddress b) implements Comparable<VmPair> {
    public VmPair {
        if (a == null || b == null) {
            throw new IllegalArgumentException("invalid VM pair " + a + "-" + b + ": both VMs are required");
        }
        if (a.equals(b)) {
            throw new IllegalArgumentException("invalid VM pair " + a + "-" + b + ": a VM does not pair with itself");
        }
        if (a.isGroup() || b.isGroup()) {
            throw new IllegalArgumentException("invalid VM pair " + a + "-" + b + ": a VM has a unicast address");
        }
        if (a.compareTo(b) > 0) {
            MacAddress t = a;
            a = b;
            b = t;
        }
    }

    public static VmPair of(MacAddress x, MacAddress y) {
        return new VmPair(x, y);
    }

    @Override
    public int compareTo(VmPair o) {
        int c = a.compareTo(o.a);
        return c != 0 ? c : b.compareTo(o.b);
    }

    @Override
    public String toString() {
        return a + "-" + b;
    }
}
