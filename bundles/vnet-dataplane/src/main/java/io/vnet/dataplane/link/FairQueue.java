package io.vnet.dataplane.link;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What waits for one link while its connection cannot take more, shared fairly: deficit round
 * robin over the networks with something waiting, and within each network over its flows (by
 * {@link io.vnet.dataplane.forward.FlowHash}, in {@value #BUCKETS} buckets), so a network with
 * many flows gets no more of the link than one with a single flow, and a bulk flow no more than
 * any other of its network. A flow that had nothing waiting goes before those that had (the
 * "new flows" of fq_codel): a ping, a TCP acknowledgement or a request waits for at most one
 * quantum of each busy flow, not for the whole backlog. Frames of one flow keep their order.
 *
 * <p>Bounded in bytes: past {@link #limit} the frame at the head of the longest flow of the
 * network holding most is dropped (returned to the caller to release and count), so the flow
 * that queues most loses first and a sparse flow is never dropped for a bulk one. Not thread-safe:
 * the link calls it under its own lock.
 *
 * @param <T> what is queued (a record to write)
 */
final class FairQueue<T> {
    /** Flows per network: flows whose hashes share a bucket share its queue. */
    static final int BUCKETS = 1024;

    private final long limit;
    private final int quantum;
    private final Map<Integer, Net<T>> nets = new HashMap<>();
    private final ArrayDeque<Net<T>> active = new ArrayDeque<>();
    private long bytes;
    private int items;

    /**
     * @param limit bytes that may wait in all
     * @param quantum bytes a network or flow may send per turn (at least one whole frame's worth, so
     *     every turn sends at least one)
     */
    FairQueue(long limit, int quantum) {
        if (limit <= 0 || quantum <= 0) {
            throw new IllegalArgumentException("limit and quantum must be positive: " + limit + ", " + quantum);
        }
        this.limit = limit;
        this.quantum = quantum;
    }

    private static final class Item<T> {
        final T value;
        final int bytes;

        Item(T value, int bytes) {
            this.value = value;
            this.bytes = bytes;
        }
    }

    private static final class Flow<T> {
        final ArrayDeque<Item<T>> items = new ArrayDeque<>();
        long bytes;
        long deficit;
        boolean listed;
    }

    private static final class Net<T> {
        @SuppressWarnings("unchecked")
        final Flow<T>[] flows = new Flow[BUCKETS];
        final ArrayDeque<Flow<T>> fresh = new ArrayDeque<>();
        final ArrayDeque<Flow<T>> old = new ArrayDeque<>();
        long bytes;
        long deficit;
        boolean listed;
    }

    /** Bytes waiting. */
    long bytes() {
        return bytes;
    }

    /** Frames waiting. */
    int size() {
        return items;
    }

    boolean isEmpty() {
        return items == 0;
    }

    /** The most bytes that may wait. */
    long limit() {
        return limit;
    }

    /**
     * Queues {@code value} ({@code size} bytes) of flow {@code flow} in network {@code vni}; returns
     * what was dropped to stay within the limit (possibly {@code value} itself), oldest first.
     */
    List<T> offer(int vni, int flow, T value, int size) {
        Net<T> n = nets.computeIfAbsent(vni, v -> new Net<>());
        int bucket = flow & (BUCKETS - 1);
        Flow<T> f = n.flows[bucket];
        if (f == null) {
            f = new Flow<>();
            n.flows[bucket] = f;
        }
        f.items.addLast(new Item<>(value, size));
        f.bytes += size;
        n.bytes += size;
        bytes += size;
        items++;
        if (!f.listed) {
            f.listed = true;
            f.deficit = quantum;
            n.fresh.addLast(f);
        }
        if (!n.listed) {
            n.listed = true;
            n.deficit = quantum;
            active.addLast(n);
        }
        List<T> dropped = List.of();
        while (bytes > limit) {
            if (dropped.isEmpty()) {
                dropped = new ArrayList<>(2);
            }
            dropped.add(dropFromLongest());
        }
        return dropped;
    }

    /** Drops the head of the longest flow of the network holding most. */
    private T dropFromLongest() {
        Net<T> fattest = null;
        for (Net<T> n : active) {
            if (fattest == null || n.bytes > fattest.bytes) {
                fattest = n;
            }
        }
        Flow<T> longest = null;
        for (ArrayDeque<Flow<T>> list : List.of(fattest.fresh, fattest.old)) {
            for (Flow<T> f : list) {
                if (longest == null || f.bytes > longest.bytes) {
                    longest = f;
                }
            }
        }
        Item<T> it = longest.items.pollFirst();
        taken(fattest, longest, it);
        return it.value;
    }

    /** The next frame to send, or null if nothing waits. */
    T poll() {
        while (!active.isEmpty()) {
            Net<T> n = active.peekFirst();
            if (n.deficit <= 0) {
                n.deficit += quantum;
                active.addLast(active.pollFirst());
                continue;
            }
            Item<T> it = next(n);
            n.deficit -= it.bytes;
            return it.value;
        }
        return null;
    }

    /** The next frame of network {@code n} (which has one): new flows first, each for its quantum. */
    private Item<T> next(Net<T> n) {
        while (true) {
            ArrayDeque<Flow<T>> list = n.fresh.isEmpty() ? n.old : n.fresh;
            Flow<T> f = list.peekFirst();
            if (f.deficit <= 0) {
                f.deficit += quantum;
                list.pollFirst();
                n.old.addLast(f);
                continue;
            }
            Item<T> it = f.items.pollFirst();
            f.deficit -= it.bytes;
            taken(n, f, it);
            return it;
        }
    }

    /** Accounts for {@code it} leaving flow {@code f} of network {@code n}, unlisting what became empty. */
    private void taken(Net<T> n, Flow<T> f, Item<T> it) {
        f.bytes -= it.bytes;
        n.bytes -= it.bytes;
        bytes -= it.bytes;
        items--;
        if (f.items.isEmpty()) {
            f.listed = false;
            if (!n.fresh.remove(f)) {
                n.old.remove(f);
            }
        }
        if (n.bytes == 0 && n.fresh.isEmpty() && n.old.isEmpty()) {
            n.listed = false;
            active.remove(n); // it stays in nets: a link carries a bounded set of networks
        }
    }

    /** Empties the queue, returning everything that waited (to release). */
    List<T> clear() {
        List<T> out = new ArrayList<>(items);
        T t;
        while ((t = poll()) != null) {
            out.add(t);
        }
        return out;
    }
}
