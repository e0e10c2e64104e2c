package io.vnet.dataplane.forward;

import io.netty.util.collection.LongObjectHashMap;
import io.vnet.api.MacAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses of one network that belong to registered VMs, each either here (a VM on this
 * host) or elsewhere. Immutable: the forwarder replaces the whole set, and reads it without a lock.
 */
final class OwnedMacs {
    /** The most addresses one network's set holds; the rest of a larger set is refused and counted. */
    static final int MAX = 65_536;

    private final LongObjectHashMap<Boolean> here;
    private final int refused;
    private final boolean anyHere;

    private OwnedMacs(LongObjectHashMap<Boolean> here, int refused) {
        this.here = here;
        this.refused = refused;
        this.anyHere = here.containsValue(Boolean.TRUE);
    }

    /** Whether any address is owned by a VM here. */
    boolean anyHere() {
        return anyHere;
    }

    /**
     * The set of {@code here} and {@code elsewhere} (an address in both is here: this host's own
     * knowledge of its VMs wins), at most {@link #MAX} addresses, those of this host first; group
     * addresses are ignored (no VM owns one).
     */
    static OwnedMacs of(long[] here, long[] elsewhere) {
        LongObjectHashMap<Boolean> m = new LongObjectHashMap<>();
        int refused = 0;
        for (long mac : here) {
            if (MacAddress.isGroup(mac)) {
                continue;
            }
            if (m.size() < MAX) {
                m.put(mac, Boolean.TRUE);
            } else {
                refused++;
            }
        }
        for (long mac : elsewhere) {
            if (MacAddress.isGroup(mac) || m.containsKey(mac)) {
                continue;
            }
            if (m.size() < MAX) {
                m.put(mac, Boolean.FALSE);
            } else {
                refused++;
            }
        }
        return new OwnedMacs(m, refused);
    }

    /** TRUE: a VM here owns {@code mac}; FALSE: a VM elsewhere; null: no registered VM. */
    Boolean owner(long mac) {
        return here.get(mac);
    }

    int size() {
        return here.size();
    }

    /** How many addresses did not fit ({@link #MAX}). */
    int refused() {
        return refused;
    }

    boolean isEmpty() {
        return here.isEmpty();
    }

    /** "vni V MAC here|elsewhere", sorted. */
    List<String> describe(int vni) {
        List<String> out = new ArrayList<>();
        for (LongObjectHashMap.PrimitiveEntry<Boolean> e : here.entries()) {
            out.add("vni " + vni + " " + MacAddress.format(e.key()) + " " + (e.value() ? "here" : "elsewhere"));
        }
        out.sort(null);
        return out;
    }

    /** Calls {@code each} with every address and whether it is here. */
    void forEach(java.util.function.BiConsumer<Long, Boolean> each) {
        for (LongObjectHashMap.PrimitiveEntry<Boolean> e : here.entries()) {
            each.accept(e.key(), e.value());
        }
    }
}
