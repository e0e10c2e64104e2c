package io.vnet.dataplane.forward;

import io.vnet.api.DropReason;
import io.vnet.api.PortStats;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Frame, byte and drop counters of one port; safe to update from any thread. */
public final class PortCounters {
    private final LongAdder framesIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder framesOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder[] drops = new LongAdder[DropReason.values().length];

    public PortCounters() {
        for (int i = 0; i < drops.length; i++) {
            drops[i] = new LongAdder();
        }
    }

    public void in(int bytes) {
        framesIn.increment();
        bytesIn.add(bytes);
    }

    public void out(int bytes) {
        framesOut.increment();
        bytesOut.add(bytes);
    }

    public void drop(DropReason reason) {
        drops[reason.ordinal()].increment();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long drops(DropReason reason) {
        return drops[reason.ordinal()].sum();
    }

    public PortStats snapshot(String kind, String id, String state, String peer) {
        Map<String, Long> d = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            long n = drops[r.ordinal()].sum();
            if (n != 0) {
                d.put(r.wireName(), n);
            }
        }
        return new PortStats(kind, id, state, peer, framesIn.sum(), bytesIn.sum(),
                framesOut.sum(), bytesOut.sum(), d);
    }
}
