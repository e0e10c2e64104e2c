package io.vnet.manager.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One-time enrolment tokens. Part of {@link ManagerStore}, whose contract (errors, bounds) it shares. */
public interface EnrolmentStore {
    /** Adds a token; one of the same id is refused ({@link StoreException}). */
    void addEnrolment(Enrolment e);

    Optional<Enrolment> enrolment(String id);

    /**
     * Spends token {@code id} at {@code at}: true exactly once, for the one caller that marked it
     * used (however many try at once), and only while it has not expired.
     */
    boolean useEnrolment(String id, Instant at);

    /** The newest tokens first, at most {@code limit} (1..10000). */
    List<Enrolment> enrolments(int limit);

    /** Deletes tokens that expired before {@code before}; returns how many. */
    int pruneEnrolments(Instant before);
}
