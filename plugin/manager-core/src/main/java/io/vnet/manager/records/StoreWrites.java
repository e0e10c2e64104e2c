package io.vnet.manager.records;

import java.time.Instant;

/**
 * How the manager's writes to its store are doing (a service, for {@code /readyz} and the logs):
 * the writes waiting for the database, and what happened to the others. Writes that wait while the
 * database is away are not lost while the manager runs: they are written once it answers again.
 */
public interface StoreWrites {
    /** Writes waiting (or being written) now. */
    int pending();

    /** The most writes that may wait; beyond it new ones are refused. */
    int maxPending();

    /** Writes done since the manager started. */
    long written();

    /**
     * The transactions that wrote them: as many as {@link #written()} where each write is its own, fewer
     * where waiting writes go in together.
     */
    default long transactions() {
        return written();
    }

    /** Attempts that failed and were tried again later. */
    long retried();

    /** Writes refused because {@link #maxPending()} were waiting. */
    long refused();

    /** Writes given up after the database refused them for a reason other than being away. */
    long dropped();

    /** Since when writes fail (null: the last write succeeded). */
    Instant failingSince();

    /** The last failure's message while writes fail, else null. */
    String lastFailure();
}
