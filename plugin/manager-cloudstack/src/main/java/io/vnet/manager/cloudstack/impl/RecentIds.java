package io.vnet.manager.cloudstack.impl;

import java.util.LinkedHashMap;
import java.util.Map;

/** The last N event ids seen, oldest forgotten first: de-duplicates deliveries in bounded memory. */
final class RecentIds {
    private final Map<String, Boolean> ids;

    RecentIds(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: must be positive");
        }
        this.ids = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Records the id; false when it was already among the recent ones. */
    synchronized boolean firstTime(String id) {
        return ids.put(id, Boolean.TRUE) == null;
    }

    synchronized int size() {
        return ids.size();
    }
}
