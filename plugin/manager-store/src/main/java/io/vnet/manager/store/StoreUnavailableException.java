package io.vnet.manager.store;

/**
 * The database could not be reached or stopped answering: a connection refused or timed out, a
 * connection lost mid-call, a server shutting down or starting up. Unlike other {@link
 * StoreException}s, the same call may succeed later unchanged, once the database is back: callers
 * answer "unavailable, retry later" (the REST API: 503 with {@code Retry-After}) or keep the
 * write and try it again.
 */
public class StoreUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
