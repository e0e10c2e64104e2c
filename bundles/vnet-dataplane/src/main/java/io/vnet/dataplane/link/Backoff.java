package io.vnet.dataplane.link;

import java.time.Duration;

/** Capped exponential backoff: min, 2 min, 4 min, ... up to max; reset after a success. */
final class Backoff {
    private final long minMs;
    private final long maxMs;
    private long nextMs;

    Backoff(Duration min, Duration max) {
        this.minMs = min.toMillis();
        this.maxMs = max.toMillis();
        this.nextMs = minMs;
    }

    /** The delay before the next attempt; each call doubles the following one, up to the cap. */
    synchronized long nextDelayMs() {
        long d = nextMs;
        nextMs = Math.min(nextMs * 2, maxMs);
        return d;
    }

    synchronized void reset() {
        nextMs = minMs;
    }
}
