package io.vnet.vadapt;

import io.vnet.api.Ids;

/** An undirected overlay link between two daemons, named by host id, kept with {@code a < b}. */
public record HostLink(String a, String b) implements Comparable<HostLink> {
    public HostLink {
        Ids.check("host id", a);
        Ids.check("host id", b);
        if (a.equals(b)) {
            throw new IllegalArgumentException("invalid link " + a + "-" + b + ": a host has no link to itself");
        }
        if (a.compareTo(b) > 0) {
            String t = a;
            a = b;
            b = t;
        }
    }

    public static HostLink of(String x, String y) {
        return new HostLink(x, y);
    }

    public boolean touches(String host) {
        return a.equals(host) || b.equals(host);
    }

    /** The other end, given one end. */
    public String other(String host) {
        if (a.equals(host)) {
            return b;
        }
        if (b.equals(host)) {
            return a;
        }
        throw new IllegalArgumentException("host " + host + " is not an end of link " + this);
    }

    @Override
    public int compareTo(HostLink o) {
        int c = a.compareTo(o.a);
        return c != 0 ? c : b.compareTo(o.b);
    }

    @Override
    public String toString() {
        return a + "-" + b;
    }
}
