package io.vnet.manager.rest.impl;

import io.vnet.manager.store.ManagerStore;
import io.vnet.manager.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether the store answers, from a cheap check ({@link ManagerStore#ping}) made at most once per
 * {@code maxAgeMs} on a thread of its own and shared by every caller: an answer never waits more
 * than {@code waitMs} for it (a check still running then counts as "no answer", and the next caller
 * waits for the same check). Used by {@code /readyz} and before the API's writes.
 */
final class StoreHealth implements AutoCloseable {
    /** The store's state at {@code checkedAt}: up, or down since {@code since} with the error. */
    record Status(boolean up, Instant checkedAt, Instant since, String error) {
    }

    static final long MAX_AGE_MS = 1000;
    static final long WAIT_MS = 2000;
    /** The seconds a caller is told to wait before trying a write again (Retry-After). */
    static final int RETRY_AFTER_S = 5;

    private final ManagerStore store;
    private final Clock clock;
    private final long maxAgeMs;
    private final long waitMs;
    private final ExecutorService checker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vnet-store-health");
        t.setDaemon(true);
        return t;
    });
    private Status last;
    private CompletableFuture<Status> running;
    private long checks;

    StoreHealth(ManagerStore store, Clock clock, long maxAgeMs, long waitMs) {
        this.store = store;
        this.clock = clock;
        this.maxAgeMs = maxAgeMs;
        this.waitMs = waitMs;
    }

    StoreHealth(ManagerStore store) {
        this(store, Clock.systemUTC(), MAX_AGE_MS, WAIT_MS);
    }

    /** The store's state, at most {@code maxAgeMs} old; waits at most {@code waitMs}. */
    Status status() {
        CompletableFuture<Status> f;
        synchronized (this) {
            Instant now = clock.instant();
            if (last != null && now.toEpochMilli() - last.checkedAt().toEpochMilli() < maxAgeMs) {
                return last;
            }
            if (running == null) {
                Status before = last;
                checks++;
                running = CompletableFuture.supplyAsync(() -> check(before), checker);
            }
            f = running;
        }
        try {
            Status s = f.get(waitMs, TimeUnit.MILLISECONDS);
            synchronized (this) {
                if (running == f) {
                    running = null;
                    last = s;
                }
                return last != null ? last : s;
            }
        } catch (TimeoutException e) {
            synchronized (this) {
                Instant now = clock.instant();
                Instant since = last != null && !last.up() ? last.since() : now;
                return new Status(false, now, since, "no answer within " + waitMs + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Status(false, clock.instant(), clock.instant(), "interrupted");
        } catch (ExecutionException e) {
            return new Status(false, clock.instant(), clock.instant(), String.valueOf(e.getCause()));
        }
    }

    private Status check(Status before) {
        try {
            store.ping((int) Math.max(1, waitMs / 1000));
            return new Status(true, clock.instant(), null, null);
        } catch (RuntimeException e) {
            Instant now = clock.instant();
            Instant since = before != null && !before.up() && before.since() != null ? before.since() : now;
            return new Status(false, now, since, e.getMessage());
        }
    }

    /** Checks made so far (not answers given: most come from the cache). */
    synchronized long checks() {
        return checks;
    }

    /**
     * Throws {@link StoreUnavailableException} naming the store and since when it is down, unless it
     * answers: a write is refused before it changes anything the manager could not keep.
     */
    void requireUp(String what) {
        Status s = status();
        if (!s.up()) {
            throw new StoreUnavailableException(unavailableMessage(store.describe(), what, s.since(), s.error()), null);
        }
    }

    /** What a caller reads when the database is away: which store, what failed, since when, and to retry. */
    static String unavailableMessage(String store, String what, Instant since, String error) {
        return "the manager's database (" + store + ") is unreachable" + (since != null ? " since " + since : "")
                + ": " + what + " was not done (" + error + "); nothing was changed, try again in a few seconds";
    }

    @Override
    public void close() {
        checker.shutdownNow();
    }
}
