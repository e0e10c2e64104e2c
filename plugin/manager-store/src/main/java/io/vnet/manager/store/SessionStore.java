package io.vnet.manager.store;

import java.time.Instant;
import java.util.Optional;

/**
 * The REST API's sign-in sessions, shared by the managers of a cluster: a token one manager gave is
 * accepted by every other, and a sign-out on one ends it on all. Part of {@link ManagerStore}, whose
 * contract (errors, bounds) it shares.
 */
public interface SessionStore {
    /** The longest identity document kept. */
    int MAX_IDENTITY = 8192;

    /** Adds a session; one with the same token hash is refused ({@link StoreException}). */
    void addSession(SessionRecord s);

    /** The session of this token hash, if it has not expired at {@code now}. */
    Optional<SessionRecord> session(String tokenHash, Instant now);

    /** Ends a session; false when there was none. */
    boolean deleteSession(String tokenHash);

    /** How many sessions have not expired at {@code now}. */
    int sessionCount(Instant now);

    /** Deletes the sessions that expired before {@code before}; returns how many. */
    int pruneSessions(Instant before);
}
