package io.vnet.vadapt.impl;

import java.util.Arrays;

/**
 * The fast-path links between VM hosts (the star links to the center are implicit), as a
 * host-by-host bit matrix plus a list in insertion order for random choice. Every change bumps
 * the version and is kept in a short log, so that a router can apply just the changes since the
 * version it routed ({@link #changesSince}).
 */
final class LinkSet {
    /** How many of the last changes the log keeps. */
    static final int LOG = 64;
    private final int nodes;
    private final boolean[] has;
    private int[] keys = new int[8];
    private int size;
    private final int[] log = new int[LOG];
    private long version;

    LinkSet(int nodes) {
        this.nodes = nodes;
        this.has = new boolean[nodes * nodes];
    }

    LinkSet copy() {
        LinkSet c = new LinkSet(nodes);
        for (int i = 0; i < size; i++) {
            c.add(keys[i] / nodes, keys[i] % nodes);
        }
        return c;
    }

    boolean has(int a, int b) {
        return has[a * nodes + b];
    }

    /** Whether the link of key {@code min * nodes + max} is here. */
    boolean hasKey(int key) {
        return has[key];
    }

    /** Adds a-b; false if it was there. */
    boolean add(int a, int b) {
        if (a == b || has[a * nodes + b]) {
            return false;
        }
        has[a * nodes + b] = has[b * nodes + a] = true;
        int k = Math.min(a, b) * nodes + Math.max(a, b);
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, 2 * size);
        }
        keys[size++] = k;
        logged(k);
        return true;
    }

    boolean remove(int a, int b) {
        if (!has[a * nodes + b]) {
            return false;
        }
        has[a * nodes + b] = has[b * nodes + a] = false;
        int k = Math.min(a, b) * nodes + Math.max(a, b);
        int i = 0;
        while (keys[i] != k) {
            i++;
        }
        // keep the insertion order of the others: a random index must name the same link as before
        System.arraycopy(keys, i + 1, keys, i, size - i - 1);
        size--;
        logged(k);
        return true;
    }

    private void logged(int key) {
        log[(int) (version % LOG)] = key;
        version++;
    }

    /** Grows with every change, so cached routes can tell they are stale. */
    long version() {
        return version;
    }

    /**
     * The keys of the links added or removed since version {@code since} (in order, possibly
     * repeated) into {@code out}, and their count; -1 if the log no longer reaches back that far.
     */
    int changesSince(long since, int[] out) {
        if (since < 0 || since > version || version - since > LOG) {
            return -1;
        }
        int n = 0;
        for (long v = since; v < version; v++) {
            out[n++] = log[(int) (v % LOG)];
        }
        return n;
    }

    int size() {
        return size;
    }

    int a(int i) {
        return keys[i] / nodes;
    }

    int b(int i) {
        return keys[i] % nodes;
    }

    /** The key (min * nodes + max) of the i-th link. */
    int key(int i) {
        return keys[i];
    }

    /** The links here that are not in {@code other}. */
    int countNotIn(LinkSet other) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (!other.has[keys[i]]) {
                n++;
            }
        }
        return n;
    }
}
