package io.vnet.manager.rest.impl;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The REST API's answers by status code, for {@code /metrics}: one counter per code from 100 to
 * 599 (a code outside counts as 599), so the table is bounded whatever a caller does.
 */
final class RestRequests {
    private static final AtomicLongArray BY_STATUS = new AtomicLongArray(600);

    private RestRequests() {
    }

    static void answered(int status) {
        BY_STATUS.incrementAndGet(status >= 100 && status < 600 ? status : 599);
    }

    /** The codes answered at least once, with their counts, in order. */
    static Map<Integer, Long> counts() {
        Map<Integer, Long> out = new TreeMap<>();
        for (int s = 100; s < 600; s++) {
            long n = BY_STATUS.get(s);
            if (n > 0) {
                out.put(s, n);
            }
        }
        return out;
    }
}
