package io.vnet.api;

import java.util.Map;

/**
 * Counters of one link or interface. {@code state} is e.g. {@code up}, {@code connecting},
 * {@code waiting} (an accepting link with no peer), {@code down} or {@code vanished}.
 */
public record PortStats(String kind, String id, String state, String peer,
                        long framesIn, long bytesIn, long framesOut, long bytesOut,
                        Map<String, Long> drops) {
    public PortStats {
        drops = Map.copyOf(drops);
    }

    public long totalDrops() {
        return drops.values().stream().mapToLong(Long::longValue).sum();
    }
}
