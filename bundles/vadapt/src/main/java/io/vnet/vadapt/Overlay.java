package io.vnet.vadapt;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/** A set of overlay links between daemons, named by host id. */
public final class Overlay {
    private static final Overlay EMPTY = new Overlay(new TreeSet<>());
    private final Set<HostLink> links;

    private Overlay(TreeSet<HostLink> links) {
        this.links = Collections.unmodifiableSet(links);
    }

    public static Overlay empty() {
        return EMPTY;
    }

    public static Overlay of(Collection<HostLink> links) {
        if (links == null) {
            throw new IllegalArgumentException("invalid overlay: null (expected a set of links)");
        }
        TreeSet<HostLink> s = new TreeSet<>();
        for (HostLink l : links) {
            if (l == null) {
                throw new IllegalArgumentException("invalid overlay: a null link");
            }
            s.add(l);
        }
        return new Overlay(s);
    }

    /** The star: a link from {@code center} to every other host. */
    public static Overlay star(String center, Collection<String> hosts) {
        TreeSet<HostLink> s = new TreeSet<>();
        for (String h : hosts) {
            if (!h.equals(center)) {
                s.add(HostLink.of(center, h));
            }
        }
        return new Overlay(s);
    }

    /** The links, in order. */
    public Set<HostLink> links() {
        return links;
    }

    public boolean contains(HostLink l) {
        return links.contains(l);
    }

    public Overlay plus(Overlay other) {
        TreeSet<HostLink> s = new TreeSet<>(links);
        s.addAll(other.links);
        return new Overlay(s);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Overlay ov && ov.links.equals(links);
    }

    @Override
    public int hashCode() {
        return links.hashCode();
    }

    @Override
    public String toString() {
        return "Overlay" + links;
    }
}
