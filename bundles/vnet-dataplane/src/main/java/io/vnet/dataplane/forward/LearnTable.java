package io.vnet.dataplane.forward;

import io.netty.util.collection.LongObjectHashMap;
import io.vnet.api.MacAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * MAC learning of one network: which port a source address was last seen on. Lookups read an
 * immutable map; a new address copies the map (rare), a moved address updates its entry in
 * place. Entries older than the ageing time are ignored and later swept.
 */
final class LearnTable {
    static final long AGE_NANOS = 300_000_000_000L;

    static final class Entry {
        volatile Port port;
        volatile long seenNanos;

        Entry(Port port, long now) {
            this.port = port;
            this.seenNanos = now;
        }
    }

    private volatile LongObjectHashMap<Entry> map = new LongObjectHashMap<>();

    void learn(long mac, Port port, long now) {
        Entry e = map.get(mac);
        if (e != null) {
            if (e.port != port) {
                e.port = port;
            }
            if (now - e.seenNanos > 1_000_000_000L) {
                e.seenNanos = now;
            }
            return;
        }
        synchronized (this) {
            LongObjectHashMap<Entry> cur = map;
            if (cur.get(mac) != null) {
                cur.get(mac).port = port;
                return;
            }
            LongObjectHashMap<Entry> next = new LongObjectHashMap<>(cur.size() * 2 + 4);
            for (LongObjectHashMap.PrimitiveEntry<Entry> pe : cur.entries()) {
                if (now - pe.value().seenNanos < AGE_NANOS) {
                    next.put(pe.key(), pe.value());
                }
            }
            next.put(mac, new Entry(port, now));
            map = next;
        }
    }

    Port lookup(long mac, long now) {
        Entry e = map.get(mac);
        if (e == null || now - e.seenNanos > AGE_NANOS) {
            return null;
        }
        return e.port;
    }

    /** Forgets every address learned on {@code port}. */
    synchronized void forget(Port port) {
        LongObjectHashMap<Entry> next = new LongObjectHashMap<>();
        for (LongObjectHashMap.PrimitiveEntry<Entry> pe : map.entries()) {
            if (pe.value().port != port) {
                next.put(pe.key(), pe.value());
            }
        }
        map = next;
    }

    /** Forgets address {@code mac}, wherever it was learned; false if it was not known. */
    synchronized boolean forget(long mac) {
        LongObjectHashMap<Entry> cur = map;
        if (cur.get(mac) == null) {
            return false;
        }
        LongObjectHashMap<Entry> next = new LongObjectHashMap<>(cur.size());
        next.putAll(cur);
        next.remove(mac);
        map = next;
        return true;
    }

    /** Addresses learned on local interfaces (the VMs behind this daemon's bridges). */
    void collectLocal(List<Long> out, long now) {
        for (LongObjectHashMap.PrimitiveEntry<Entry> pe : map.entries()) {
            Entry e = pe.value();
            if (!e.port.isLink() && now - e.seenNanos < AGE_NANOS) {
                out.add(pe.key());
            }
        }
    }

    List<String> describe(int vni, long now) {
        List<String> out = new ArrayList<>();
        for (LongObjectHashMap.PrimitiveEntry<Entry> pe : map.entries()) {
            Entry e = pe.value();
            long age = (now - e.seenNanos) / 1_000_000_000L;
            if (now - e.seenNanos < AGE_NANOS) {
                out.add("vni " + vni + " " + MacAddress.format(pe.key()) + " -> " + e.port.id() + " (seen " + age + "s ago)");
            }
        }
        out.sort(null);
        return out;
    }
}
