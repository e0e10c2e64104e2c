package io.vnet.it.soak;

import io.vnet.it.experiment.AdaptationApi;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Follows the closed loop's decisions through the manager's API
 * ({@code GET /api/networks/{vni}/adaptation}), which keeps the newest 100: polled often enough,
 * every decision of a long run is seen. A decision the loop applied is acknowledged once every agent
 * concerned applied its overlay ({@code ackedAt}); one rolled back before that is closed by its
 * rollback. What is left unacknowledged is an applied decision, not rolled back, without
 * {@code ackedAt}.
 *
 * <p>Bounded: at most {@link #MAX_DECISIONS} decisions are followed (a 2-hour soak makes a few
 * hundred); more are counted in {@link #refused()}.
 */
public final class DecisionWatch {
    /** The most decisions followed. */
    public static final int MAX_DECISIONS = 20_000;

    private final AdaptationApi api;
    private final Map<Long, AdaptationApi.Decision> seen = new TreeMap<>();
    /** Applied decisions that left the API's list while not acknowledged. */
    private final List<Long> lostPending = new ArrayList<>();
    private long refused;
    private long polls;

    public DecisionWatch(AdaptationApi api) {
        this.api = api;
    }

    /** Reads the decisions now and remembers each one's latest state. */
    public synchronized void poll() throws IOException {
        List<AdaptationApi.Decision> now = api.decisions();
        polls++;
        java.util.Set<Long> listed = new java.util.HashSet<>();
        for (AdaptationApi.Decision d : now) {
            listed.add(d.id());
            if (!seen.containsKey(d.id()) && seen.size() >= MAX_DECISIONS) {
                refused++;
                continue;
            }
            seen.put(d.id(), d);
        }
        long oldestListed = now.stream().mapToLong(AdaptationApi.Decision::id).min().orElse(Long.MAX_VALUE);
        for (AdaptationApi.Decision d : seen.values()) {
            if (!listed.contains(d.id()) && d.id() < oldestListed && pending(d) && !lostPending.contains(d.id())) {
                lostPending.add(d.id());
            }
        }
    }

    /** Applied, not rolled back and not acknowledged. */
    public static boolean pending(AdaptationApi.Decision d) {
        return d.applied() && d.ackedAt() == null && d.rolledBackAt() == null;
    }

    /** The decisions applied and still unacknowledged at the last poll, and those that left the list unacknowledged. */
    public synchronized List<AdaptationApi.Decision> unacknowledged() {
        return seen.values().stream().filter(DecisionWatch::pending).toList();
    }

    /**
     * Polls until no applied decision is unacknowledged, or {@code timeoutMs} passed; returns those
     * still unacknowledged.
     */
    public List<AdaptationApi.Decision> awaitAcknowledged(long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            poll();
            List<AdaptationApi.Decision> left = unacknowledged();
            if (left.isEmpty() || System.currentTimeMillis() > deadline) {
                return left;
            }
            Thread.sleep(500);
        }
    }

    /** What the watch saw, for the report. */
    public record Summary(int decisions, int applied, int acknowledged, int rolledBack, int notApplied,
                          long longestAckMs, long ackedAfterMinute, List<Long> unacknowledged, List<Long> lostPending,
                          long polls, long refused) {
    }

    public synchronized Summary summary() {
        int applied = 0;
        int acked = 0;
        int rolled = 0;
        int notApplied = 0;
        long longest = 0;
        long slow = 0;
        List<Long> unacked = new ArrayList<>();
        for (AdaptationApi.Decision d : seen.values()) {
            if (!d.applied()) {
                notApplied++;
                continue;
            }
            applied++;
            if (d.rolledBackAt() != null) {
                rolled++;
            }
            if (d.ackedAt() != null) {
                acked++;
                Instant from = d.appliedAt() != null ? d.appliedAt() : d.time();
                long ms = d.ackedAt().toEpochMilli() - from.toEpochMilli();
                longest = Math.max(longest, ms);
                if (ms > 60_000) {
                    slow++;
                }
            } else if (pending(d)) {
                unacked.add(d.id());
            }
        }
        return new Summary(seen.size(), applied, acked, rolled, notApplied, longest, slow, unacked,
                List.copyOf(lostPending), polls, refused);
    }
}
