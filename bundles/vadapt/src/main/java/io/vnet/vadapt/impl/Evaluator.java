package io.vnet.vadapt.impl;

import java.util.Arrays;

/**
 * Widest-path routing over an overlay and the objective of the {@link io.vnet.vadapt.CostModel}.
 *
 * <p>The route of a pair is the path from the lower-indexed host in the widest-path tree of that
 * host: a Dijkstra search that labels each node (width, latency), takes the widest label first,
 * then the lower latency, then the lower node index, and keeps the first parent that reached a
 * label. Trees are built on demand, one per source host, and kept while the links change: after
 * a change, each tree is repaired ({@link #update}) rather than rebuilt, and a tree that no
 * changed link can improve or cut is not touched at all. The trees that the last change repaired
 * are saved first, so a change that begins by undoing it (an annealing move that was rejected)
 * puts them back instead of repairing them again. Moving VMs costs no rerouting.
 *
 * <p>Why the repair gives the tree the full search would give: with every latency above zero,
 * extending a path makes its label strictly worse, so the search's labels are the one solution of
 * label(v) = best over neighbours u of extend(label(u), u-v), and the parent is the neighbour that
 * gives it, the earliest in the search's order on ties. The repair replays the search's old order
 * of nodes and recomputes only the nodes ("dirty") whose equation changed: the ends of changed
 * links, the neighbours of a node whose label changed (if it was their parent or now offers them
 * better), and a node whose parent is still being recomputed when its turn comes. The others keep
 * their labels, since the same neighbours with the same labels, or worse offers, come before them. If a latency is zero (or too small to add up exactly), the
 * trees are rebuilt instead, as they are after a change of more than {@code maxRepair} links.
 * A pair's time is its rate over its fair share of its path: the least, over the path's links,
 * of the link's bandwidth over the pairs routed on it and, where the underlay bounds uplinks, of
 * each end's uplink over the hops that leave that node (a pair through the star's center leaves
 * it twice, once each way). Memory: O(nodes^2) for the trees (label, parent and search order per node), the saved trees and
 * the link counters.
 */
final class Evaluator {
    private final Instance in;
    private final int n;
    private final double[] bandwidth;
    private final double[] latency;
    /** Whether trees may be repaired: every latency is large enough that adding it makes a path longer. */
    private final boolean repairable;
    /** Above this many changed links at once, trees are rebuilt instead of repaired. */
    private final int maxRepair;

    // the overlay routed now: the star plus the fast links routedFor had at routedVersion; the
    // neighbours of every node, with the bandwidth and latency of the link to each
    private final boolean[] routed;
    private final int[][] adj;
    private final double[][] adjW;
    private final double[][] adjL;
    private final int[] deg;
    private LinkSet routedFor;
    private long routedVersion = -1;
    private final int[] logged = new int[LinkSet.LOG];
    private int[] changedKey;
    private boolean[] changedAdded;
    private int changes;

    // the last change of the routed links, and the trees as they were before it, to go back cheaply
    // when the next change starts by undoing it (as the annealer does when it rejects a move)
    private boolean undoable;
    private int[] lastKey = new int[64];
    private boolean[] lastAdded = new boolean[64];
    private int lastChanges;
    private boolean[] undoneFlag = new boolean[64];
    private final int[] savedSources;
    private int savedCount;
    private final int[] freshSources;
    private int freshCount;
    // the saved trees, the i-th at offset i * n
    private int[] savedPar = new int[0];
    private double[] savedWid = new double[0];
    private double[] savedLat = new double[0];
    private int[] savedOrder = new int[0];

    // the trees: source s at offset s * n; label (wid, lat), parent, and the order of the search
    private final boolean[] built;
    private final int[] par;
    private final double[] wid;
    private final double[] lat;
    private final int[] order;

    // scratch of a search or repair: tentative labels and parents, an indexed heap, stamps
    private final double[] tw;
    private final double[] tl;
    private final int[] tp;
    private final int[] heap;
    private final int[] heapPos;
    private int heapSize;
    private final int[] dirty;
    private final int[] done;
    private final int[] changedAt;
    private final int[] waitStamp;
    private final int[] refStamp;
    private final int[] refCount;
    private int stamp;
    private final int[] seeds;
    private final int[] newOrder;

    // the objective
    private final int[] linkCount;
    /** Per node: the pairs' hops that leave it (its uplink's sharers); only counted if some uplink is bounded. */
    private final int[] uplinkCount;
    private final boolean uplinks;
    private final int[] touched;
    private int touchedSize;
    private final double[] times;

    /** How many trees were built from scratch and repaired, and how often a change was undone, for tests and profiling. */
    long treesBuilt;
    long treesRepaired;
    long undone;

    Evaluator(Instance in) {
        this(in, true);
    }

    /** With {@code repair} false, every link change rebuilds the trees (the reference for tests). */
    Evaluator(Instance in, boolean repair) {
        this.in = in;
        this.n = in.nodes;
        this.bandwidth = in.bandwidth;
        this.latency = in.latency;
        this.repairable = repair && latenciesAddUp(in);
        this.maxRepair = Math.max(16, n / 4);
        this.routed = new boolean[n * n];
        this.adj = new int[n][];
        this.adjW = new double[n][];
        this.adjL = new double[n][];
        this.deg = new int[n];
        int center = in.center;
        adj[center] = new int[center];
        adjW[center] = new double[center];
        adjL[center] = new double[center];
        for (int h = 0; h < center; h++) {
            adj[h] = new int[4];
            adjW[h] = new double[4];
            adjL[h] = new double[4];
            link(h, center);
            link(center, h);
        }
        this.changedKey = new int[64];
        this.changedAdded = new boolean[64];
        this.savedSources = new int[n];
        this.freshSources = new int[n];
        this.built = new boolean[n];
        this.par = new int[n * n];
        this.wid = new double[n * n];
        this.lat = new double[n * n];
        this.order = new int[n * n];
        this.tw = new double[n];
        this.tl = new double[n];
        this.tp = new int[n];
        this.heap = new int[n];
        this.heapPos = new int[n];
        Arrays.fill(heapPos, -1);
        this.dirty = new int[n];
        this.done = new int[n];
        this.changedAt = new int[n];
        this.waitStamp = new int[n];
        this.refStamp = new int[n];
        this.refCount = new int[n];
        this.seeds = new int[n];
        this.newOrder = new int[n];
        this.linkCount = new int[n * n];
        this.uplinkCount = new int[n];
        boolean bounded = false;
        for (double u : in.uplink) {
            bounded |= !Double.isInfinite(u);
        }
        this.uplinks = bounded;
        this.touched = new int[n * n];
        this.times = new double[in.pairRate.length];
    }

    /**
     * Whether every latency l between two nodes makes a path longer: x + l > x for every path
     * latency x, which holds if l > 0 and l is not below 2^-52 of the longest possible path.
     */
    private static boolean latenciesAddUp(Instance in) {
        int n = in.nodes;
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                if (a != b) {
                    min = Math.min(min, in.latency[a * n + b]);
                    max = Math.max(max, in.latency[a * n + b]);
                }
            }
        }
        return min > 0 && min > 1e-15 * n * max;
    }

    // ---- the routed overlay --------------------------------------------------------------

    /** Makes the routed overlay that of {@code links}, repairing (or dropping) the trees built so far. */
    private void route(LinkSet links) {
        if (links == routedFor && links.version() == routedVersion) {
            return;
        }
        changes = 0;
        int logCount = links == routedFor ? links.changesSince(routedVersion, logged) : -1;
        if (logCount >= 0) {
            // the same set, changed a little since: only the logged links can differ
            for (int i = 0; i < logCount; i++) {
                int k = logged[i];
                if (routed[k] != links.hasKey(k)) {
                    toggle(k);
                }
            }
        } else {
            int[] gone = new int[8];
            int nGone = 0;
            for (int h = 0; h < in.center; h++) {
                for (int i = 0; i < deg[h]; i++) {
                    int v = adj[h][i];
                    if (v > h && v != in.center && !links.has(h, v)) {
                        if (nGone == gone.length) {
                            gone = Arrays.copyOf(gone, 2 * nGone);
                        }
                        gone[nGone++] = h * n + v;
                    }
                }
            }
            for (int i = 0; i < nGone; i++) {
                toggle(gone[i]);
            }
            for (int i = 0; i < links.size(); i++) {
                int k = links.key(i);
                if (!routed[k]) {
                    toggle(k);
                }
            }
        }
        routedFor = links;
        routedVersion = links.version();
        if (changes == 0) {
            return;
        }
        boolean wasUndone = undoable && undoLast();
        undoable = false;
        savedCount = 0;
        freshCount = 0;
        if (wasUndone && changes == 0) {
            return;
        }
        if (!repairable || changes > maxRepair) {
            Arrays.fill(built, false);
            return;
        }
        if (lastKey.length < changes) {
            lastKey = new int[changedKey.length];
            lastAdded = new boolean[changedKey.length];
        }
        System.arraycopy(changedKey, 0, lastKey, 0, changes);
        System.arraycopy(changedAdded, 0, lastAdded, 0, changes);
        lastChanges = changes;
        undoable = true;
        for (int s = 0; s < n; s++) {
            if (built[s]) {
                update(s);
            }
        }
    }

    /**
     * If the changes just made include the reverse of every link change of the last routing, puts
     * back the trees saved before that routing (and drops those built since), and leaves in the
     * change list only the changes beyond the reversal. Returns whether it did.
     */
    private boolean undoLast() {
        if (lastChanges > changes) {
            return false;
        }
        if (undoneFlag.length < changes) {
            undoneFlag = new boolean[changedKey.length];
        }
        Arrays.fill(undoneFlag, 0, changes, false);
        // both lists hold each link once, and are at most maxRepair long
        for (int j = 0; j < lastChanges; j++) {
            int i = 0;
            while (i < changes && (changedKey[i] != lastKey[j] || changedAdded[i] == lastAdded[j])) {
                i++;
            }
            if (i == changes) {
                return false;
            }
            undoneFlag[i] = true;
        }
        for (int i = 0; i < savedCount; i++) {
            int from = i * n;
            int base = savedSources[i] * n;
            System.arraycopy(savedPar, from, par, base, n);
            System.arraycopy(savedWid, from, wid, base, n);
            System.arraycopy(savedLat, from, lat, base, n);
            System.arraycopy(savedOrder, from, order, base, n);
        }
        for (int i = 0; i < freshCount; i++) {
            built[freshSources[i]] = false;
        }
        int kept = 0;
        for (int i = 0; i < changes; i++) {
            if (!undoneFlag[i]) {
                changedKey[kept] = changedKey[i];
                changedAdded[kept++] = changedAdded[i];
            }
        }
        changes = kept;
        undone++;
        return true;
    }

    /** Adds or removes the routed link of key {@code k} (min * n + max) and records the change. */
    private void toggle(int k) {
        int a = k / n;
        int b = k % n;
        boolean add = !routed[k];
        routed[k] = add;
        if (add) {
            link(a, b);
            link(b, a);
        } else {
            unlink(a, b);
            unlink(b, a);
        }
        if (changes == changedKey.length) {
            changedKey = Arrays.copyOf(changedKey, 2 * changes);
            changedAdded = Arrays.copyOf(changedAdded, 2 * changes);
        }
        changedKey[changes] = k;
        changedAdded[changes++] = add;
    }

    /** Adds b to a's neighbours. */
    private void link(int a, int b) {
        int i = deg[a]++;
        if (i == adj[a].length) {
            adj[a] = Arrays.copyOf(adj[a], 2 * i);
            adjW[a] = Arrays.copyOf(adjW[a], 2 * i);
            adjL[a] = Arrays.copyOf(adjL[a], 2 * i);
        }
        adj[a][i] = b;
        adjW[a][i] = bandwidth[a * n + b];
        adjL[a][i] = latency[a * n + b];
    }

    /** Removes b from a's neighbours (the order of neighbours does not matter to the search). */
    private void unlink(int a, int b) {
        int[] nb = adj[a];
        int i = 0;
        while (nb[i] != b) {
            i++;
        }
        int j = --deg[a];
        nb[i] = nb[j];
        adjW[a][i] = adjW[a][j];
        adjL[a][i] = adjL[a][j];
    }

    // ---- widest-path trees ---------------------------------------------------------------

    /** The widest-path tree from {@code s}, built if needed; returns its offset s * n. */
    private int tree(int s) {
        if (!built[s]) {
            build(s);
        }
        return s * n;
    }

    /** Whether label (w1, l1) of node a comes before label (w2, l2) of node b in the search's order. */
    private static boolean before(double w1, double l1, int a, double w2, double l2, int b) {
        if (w1 != w2) {
            return w1 > w2;
        }
        if (l1 != l2) {
            return l1 < l2;
        }
        return a < b;
    }

    /** The full search from s: an indexed binary heap of nodes; a key only ever improves, so an update moves it up. */
    private void build(int s) {
        treesBuilt++;
        if (undoable) {
            freshSources[freshCount++] = s;
        }
        nextStamp();
        Arrays.fill(tw, -1);
        Arrays.fill(tl, Double.POSITIVE_INFINITY);
        Arrays.fill(tp, -1);
        tw[s] = Double.POSITIVE_INFINITY;
        tl[s] = 0;
        tp[s] = s;
        heapSize = 0;
        heapPush(s);
        int base = s * n;
        int out = 0;
        while (heapSize > 0) {
            int u = heapPop();
            done[u] = stamp;
            order[base + out++] = u;
            int[] nb = adj[u];
            double[] nw = adjW[u];
            double[] nl = adjL[u];
            double wu = tw[u];
            double lu = tl[u];
            for (int i = 0, d = deg[u]; i < d; i++) {
                int v = nb[i];
                if (done[v] == stamp) {
                    continue;
                }
                double w = Math.min(wu, nw[i]);
                double l = lu + nl[i];
                if (w > tw[v] || (w == tw[v] && l < tl[v])) {
                    tw[v] = w;
                    tl[v] = l;
                    tp[v] = u;
                    if (heapPos[v] < 0) {
                        heapPush(v);
                    } else {
                        siftUp(heapPos[v]);
                    }
                }
            }
        }
        System.arraycopy(tw, 0, wid, base, n);
        System.arraycopy(tl, 0, lat, base, n);
        System.arraycopy(tp, 0, par, base, n);
        built[s] = true;
    }

    private void nextStamp() {
        if (++stamp == Integer.MAX_VALUE) {
            Arrays.fill(dirty, 0);
            Arrays.fill(done, 0);
            Arrays.fill(changedAt, 0);
            Arrays.fill(waitStamp, 0);
            Arrays.fill(refStamp, 0);
            stamp = 1;
        }
    }

    /**
     * Brings tree s up to the changed links. The seeds are the ends whose equation changed: the
     * far end of a new link that offers it a better label (or the same label from a node earlier
     * in the search's order), and the child end of a removed tree link. No seed: nothing changes.
     */
    private void update(int s) {
        int base = s * n;
        nextStamp();
        int nSeeds = 0;
        for (int i = 0; i < changes; i++) {
            int a = changedKey[i] / n;
            int b = changedKey[i] % n;
            if (changedAdded[i]) {
                if (offersBetter(base, s, a, b) && dirty[b] != stamp) {
                    dirty[b] = stamp;
                    seeds[nSeeds++] = b;
                }
                if (offersBetter(base, s, b, a) && dirty[a] != stamp) {
                    dirty[a] = stamp;
                    seeds[nSeeds++] = a;
                }
            } else {
                if (b != s && par[base + b] == a && dirty[b] != stamp) {
                    dirty[b] = stamp;
                    seeds[nSeeds++] = b;
                }
                if (a != s && par[base + a] == b && dirty[a] != stamp) {
                    dirty[a] = stamp;
                    seeds[nSeeds++] = a;
                }
            }
        }
        if (nSeeds > 0) {
            save(s);
            repair(s, nSeeds);
        }
    }

    /** Keeps a copy of tree s as it is, for {@link #undoLast}. */
    private void save(int s) {
        int to = savedCount * n;
        if (savedPar.length < to + n) {
            int size = Math.min(n, Math.max(2 * savedCount, 8)) * n;
            savedPar = Arrays.copyOf(savedPar, size);
            savedWid = Arrays.copyOf(savedWid, size);
            savedLat = Arrays.copyOf(savedLat, size);
            savedOrder = Arrays.copyOf(savedOrder, size);
        }
        int base = s * n;
        System.arraycopy(par, base, savedPar, to, n);
        System.arraycopy(wid, base, savedWid, to, n);
        System.arraycopy(lat, base, savedLat, to, n);
        System.arraycopy(order, base, savedOrder, to, n);
        savedSources[savedCount++] = s;
    }

    /** Whether the link u-v offers v (not the source) a better label, or the same one from a node earlier in order. */
    private boolean offersBetter(int base, int s, int u, int v) {
        if (v == s) {
            return false;
        }
        double w = Math.min(wid[base + u], bandwidth[u * n + v]);
        double l = lat[base + u] + latency[u * n + v];
        double wv = wid[base + v];
        if (w != wv) {
            return w > wv;
        }
        double lv = lat[base + v];
        if (l != lv) {
            return l < lv;
        }
        int p = par[base + v];
        return before(wid[base + u], lat[base + u], u, wid[base + p], lat[base + p], p);
    }

    /**
     * Replays the search of tree s: the clean nodes (not dirty) come in their old order with their
     * old labels; the dirty ones (the seeds, marked with the current stamp) wait in the heap with
     * tentative labels. The next node is whichever comes first in the search's order. A dirty node
     * whose label changed makes its clean neighbours dirty; a clean node whose parent is dirty and
     * still waiting when its turn comes becomes dirty (its parent's label got worse).
     */
    private void repair(int s, int nSeeds) {
        treesRepaired++;
        int base = s * n;
        heapSize = 0;
        for (int i = 0; i < nSeeds; i++) {
            tp[seeds[i]] = -1;
        }
        for (int i = 0; i < nSeeds; i++) {
            recompute(base, seeds[i]);
            heapPush(seeds[i]);
        }
        int next = 0;
        int out = 0;
        while (true) {
            if (heapSize == 0) {
                // nothing waits, so nothing changes any more: the rest keeps its old order
                for (; next < n; next++) {
                    int v = order[base + next];
                    if (dirty[v] != stamp) {
                        newOrder[out++] = v;
                    }
                }
                break;
            }
            int c = -1;
            while (next < n) {
                int v = order[base + next];
                if (dirty[v] != stamp) {
                    c = v;
                    break;
                }
                next++;
            }
            if (c >= 0 && c != s) {
                int p = par[base + c];
                if (dirty[p] == stamp && done[p] != stamp) {
                    makeDirty(base, c, -1, 0, 0);
                    continue;
                }
            }
            int d = heap[0];
            if (c >= 0 && before(wid[base + c], lat[base + c], c, tw[d], tl[d], d)) {
                done[c] = stamp;
                newOrder[out++] = c;
                next++;
                continue;
            }
            heapPop();
            int p = tp[d];
            if (p < 0) {
                throw new IllegalStateException("route repair: node " + d + " was left without a parent");
            }
            done[d] = stamp;
            count(p, -1);
            newOrder[out++] = d;
            boolean changed = tw[d] != wid[base + d] || tl[d] != lat[base + d];
            wid[base + d] = tw[d];
            lat[base + d] = tl[d];
            par[base + d] = p;
            int[] nb = adj[d];
            double[] nw = adjW[d];
            double[] nl = adjL[d];
            double wd = tw[d];
            double ld = tl[d];
            if (changed) {
                changedAt[d] = stamp;
                for (int i = 0, dg = deg[d]; i < dg; i++) {
                    int y = nb[i];
                    if (done[y] == stamp) {
                        continue;
                    }
                    if (dirty[y] == stamp) {
                        relax(base, d, y, Math.min(wd, nw[i]), ld + nl[i]);
                    } else {
                        makeDirty(base, y, d, Math.min(wd, nw[i]), ld + nl[i]);
                    }
                }
            } else if (waitStamp[d] == stamp) {
                // unchanged, but some dirty neighbour left it out while it was waiting
                for (int i = 0, dg = deg[d]; i < dg; i++) {
                    int y = nb[i];
                    if (dirty[y] == stamp && done[y] != stamp) {
                        relax(base, d, y, Math.min(wd, nw[i]), ld + nl[i]);
                    }
                }
            }
        }
        if (out != n) {
            throw new IllegalStateException("route repair: " + out + " of " + n + " nodes ordered");
        }
        System.arraycopy(newOrder, 0, order, base, n);
    }

    /**
     * Clean node y, not done, hears that neighbour d (done) changed its label to one that offers y
     * (w, l); or (d = -1) y's parent got worse. While y is clean, its old label is at least as good
     * as what any other neighbour offers (unchanged ones offer what they did; changed ones that
     * did not beat it left it clean). So: if y's old parent still holds (clean, or done with its
     * label unchanged), y stays clean unless d's offer beats its old label, and if it does, y
     * becomes dirty with d's offer. If d is y's old parent and its offer is strictly better than
     * y's old label, y becomes dirty with it. Otherwise y is recomputed from its neighbours. Either
     * way, the dirty nodes that took y as tentative parent are recomputed without it.
     */
    private void makeDirty(int base, int y, int d, double w, double l) {
        int p = par[base + y];
        boolean oldHolds = d >= 0 && (dirty[p] != stamp || (done[p] == stamp && changedAt[p] != stamp));
        boolean take = oldHolds;
        if (d >= 0) {
            double wy = wid[base + y];
            double ly = lat[base + y];
            if (oldHolds) {
                if (!(w > wy || (w == wy && (l < ly
                        || (l == ly && before(wid[base + d], lat[base + d], d, wid[base + p], lat[base + p], p)))))) {
                    return;
                }
            } else {
                take = d == p && (w > wy || (w == wy && l < ly));
            }
        }
        dirty[y] = stamp;
        tp[y] = -1;
        if (refStamp[y] == stamp && refCount[y] > 0) {
            int[] nb = adj[y];
            for (int i = 0, dg = deg[y]; i < dg; i++) {
                int z = nb[i];
                if (tp[z] == y && dirty[z] == stamp && done[z] != stamp) {
                    recompute(base, z);
                    siftUp(heapPos[z]);
                    siftDown(heapPos[z]);
                }
            }
        }
        if (take) {
            tw[y] = w;
            tl[y] = l;
            setParent(y, d);
        } else {
            recompute(base, y);
        }
        heapPush(y);
    }

    /**
     * The tentative label of dirty node y: the best over its neighbours whose labels are known
     * (clean ones, done or not, and done dirty ones). A clean neighbour not done yet never gives
     * y its final label (its own label is better than what it offers), so counting it early is
     * harmless, and it spares relaxing from clean nodes. The waiting dirty neighbours left out
     * are told to relax y when they are done.
     */
    private void recompute(int base, int y) {
        double bw = -1;
        double bl = Double.POSITIVE_INFINITY;
        int bp = -1;
        int[] nb = adj[y];
        double[] nw = adjW[y];
        double[] nl = adjL[y];
        for (int i = 0, dg = deg[y]; i < dg; i++) {
            int u = nb[i];
            if (dirty[u] == stamp && done[u] != stamp) {
                waitStamp[u] = stamp;
                continue;
            }
            double w = Math.min(wid[base + u], nw[i]);
            double l = lat[base + u] + nl[i];
            if (bp < 0 || w > bw || (w == bw && (l < bl
                    || (l == bl && before(wid[base + u], lat[base + u], u, wid[base + bp], lat[base + bp], bp))))) {
                bw = w;
                bl = l;
                bp = u;
            }
        }
        tw[y] = bw;
        tl[y] = bl;
        setParent(y, bp);
    }

    /** Dirty node y, not done, hears label (w, l) from d, just done. On a tie, the parent earlier in order stays. */
    private void relax(int base, int d, int y, double w, double l) {
        int p = tp[y];
        if (p < 0 || w > tw[y] || (w == tw[y] && (l < tl[y]
                || (l == tl[y] && before(wid[base + d], lat[base + d], d, wid[base + p], lat[base + p], p))))) {
            tw[y] = w;
            tl[y] = l;
            setParent(y, d);
            siftUp(heapPos[y]);
        }
    }

    /** Sets the tentative parent of waiting dirty node y, counting the waiting nodes that rest on each node. */
    private void setParent(int y, int p) {
        int old = tp[y];
        if (old == p) {
            return;
        }
        if (old >= 0) {
            count(old, -1);
        }
        tp[y] = p;
        if (p >= 0) {
            count(p, 1);
        }
    }

    private void count(int v, int delta) {
        if (refStamp[v] != stamp) {
            refStamp[v] = stamp;
            refCount[v] = 0;
        }
        refCount[v] += delta;
    }

    /** Whether node a comes out of the heap before b (tentative labels, then index). */
    private boolean heapBefore(int a, int b) {
        return before(tw[a], tl[a], a, tw[b], tl[b], b);
    }

    private void heapPush(int v) {
        heap[heapSize] = v;
        heapPos[v] = heapSize;
        siftUp(heapSize++);
    }

    private int heapPop() {
        int top = heap[0];
        heapPos[top] = -1;
        int last = heap[--heapSize];
        if (heapSize > 0) {
            heap[0] = last;
            heapPos[last] = 0;
            siftDown(0);
        }
        return top;
    }

    private void siftUp(int i) {
        int v = heap[i];
        while (i > 0) {
            int up = (i - 1) >>> 1;
            int u = heap[up];
            if (!heapBefore(v, u)) {
                break;
            }
            heap[i] = u;
            heapPos[u] = i;
            i = up;
        }
        heap[i] = v;
        heapPos[v] = i;
    }

    private void siftDown(int i) {
        int v = heap[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= heapSize) {
                break;
            }
            if (c + 1 < heapSize && heapBefore(heap[c + 1], heap[c])) {
                c++;
            }
            if (!heapBefore(heap[c], v)) {
                break;
            }
            heap[i] = heap[c];
            heapPos[heap[i]] = i;
            i = c;
        }
        heap[i] = v;
        heapPos[v] = i;
    }

    // ---- routes and the objective --------------------------------------------------------

    /** The route between two hosts, from {@code a} to {@code b}, as node indices. */
    int[] path(LinkSet links, int a, int b) {
        route(links);
        int s = Math.min(a, b);
        int t = Math.max(a, b);
        int base = tree(s);
        int len = 1;
        for (int v = t; v != s; v = par[base + v]) {
            len++;
        }
        int[] path = new int[len];
        int i = 0;
        for (int v = t; v != s; v = par[base + v]) {
            path[i++] = v;
        }
        path[i] = s;
        if (a == s) {
            for (int x = 0, y = len - 1; x < y; x++, y--) {
                int tmp = path[x];
                path[x] = path[y];
                path[y] = tmp;
            }
        }
        return path;
    }

    /** The parent of every node in the tree of {@code s} (for tests). */
    int[] parents(LinkSet links, int s) {
        route(links);
        int base = tree(s);
        return Arrays.copyOfRange(par, base, base + n);
    }

    /** The objective of placing VM i on host {@code place[i]} with these fast links. */
    Eval evaluate(int[] place, LinkSet links) {
        route(links);
        int[] pairA = in.pairA;
        int[] pairB = in.pairB;
        // 1. count the inter-host pairs routed over every overlay link
        for (int i = 0; i < pairA.length; i++) {
            int ha = place[pairA[i]];
            int hb = place[pairB[i]];
            if (ha == hb) {
                continue;
            }
            int s = Math.min(ha, hb);
            int base = tree(s);
            for (int v = Math.max(ha, hb); v != s; ) {
                int p = par[base + v];
                int k = Math.min(v, p) * n + Math.max(v, p);
                if (linkCount[k]++ == 0) {
                    touched[touchedSize++] = k;
                }
                if (uplinks) {
                    // the pair's traffic crosses this hop both ways: once leaving v, once leaving p
                    uplinkCount[v]++;
                    uplinkCount[p]++;
                }
                v = p;
            }
        }
        // 2. each pair's time: its rate over its fair share of the bottleneck, plus latency
        double max = 0;
        double sum = 0;
        for (int i = 0; i < pairA.length; i++) {
            int ha = place[pairA[i]];
            int hb = place[pairB[i]];
            if (ha == hb) {
                times[i] = 0;
                continue;
            }
            int s = Math.min(ha, hb);
            int base = s * n;
            double share = Double.POSITIVE_INFINITY;
            double pathLatency = 0;
            for (int v = Math.max(ha, hb); v != s; ) {
                int p = par[base + v];
                int k = Math.min(v, p) * n + Math.max(v, p);
                share = Math.min(share, bandwidth[v * n + p] / linkCount[k]);
                if (uplinks) {
                    share = Math.min(share, Math.min(in.uplink[v] / uplinkCount[v], in.uplink[p] / uplinkCount[p]));
                }
                pathLatency += latency[v * n + p];
                v = p;
            }
            double t = 8 * in.pairRate[i] / share + pathLatency;
            times[i] = t;
            max = Math.max(max, t);
            sum += t;
        }
        for (int i = 0; i < touchedSize; i++) {
            linkCount[touched[i]] = 0;
        }
        touchedSize = 0;
        if (uplinks) {
            Arrays.fill(uplinkCount, 0);
        }
        int added = links.countNotIn(in.currentLinks);
        int moved = 0;
        for (int i = 0; i < place.length; i++) {
            if (place[i] != in.current[i]) {
                moved++;
            }
        }
        double change = added * in.problem.cost().linkCostSeconds() + moved * in.problem.cost().migrationCostSeconds();
        return new Eval(max, sum, added, moved, change);
    }

    /** The pair (index) with the longest time in the last evaluation, or -1 if all pairs were local. */
    int bottleneck() {
        return slowest(null, null);
    }

    /**
     * The slowest pair in the last evaluation (of {@code place}) whose hosts have no direct link in
     * {@code links}, or -1; with null arguments, the slowest pair of all.
     */
    int slowest(int[] place, LinkSet links) {
        int best = -1;
        for (int i = 0; i < times.length; i++) {
            if (links != null && links.has(place[in.pairA[i]], place[in.pairB[i]])) {
                continue;
            }
            if (times[i] > 0 && (best < 0 || times[i] > times[best])) {
                best = i;
            }
        }
        return best;
    }
}
