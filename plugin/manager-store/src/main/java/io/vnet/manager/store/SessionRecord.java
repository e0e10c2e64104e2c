package io.vnet.manager.store;

import java.time.Instant;

/**
 * A signed-in user's session as the database keeps it.
 *
 * @param tokenHash the SHA-256 of the bearer token, 64 lower-case hex digits (never the token)
 * @param identity  the user, as the REST API writes it (JSON, at most {@link SessionStore#MAX_IDENTITY} characters)
 */
public record SessionRecord(String tokenHash, String identity, Instant createdAt, Instant expiresAt) {
    public SessionRecord {
        if (tokenHash == null || !tokenHash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("tokenHash: expected 64 lower-case hex digits");
        }
        createdAt = Checks.time("createdAt", createdAt);
        expiresAt = Checks.time("expiresAt", expiresAt);
        if (identity == null || identity.isEmpty() || identity.length() > SessionStore.MAX_IDENTITY) {
            throw new IllegalArgumentException("identity: required, at most " + SessionStore.MAX_IDENTITY + " characters");
        }
    }
}
