package io.vnet.manager.rest;

import java.util.Optional;

/**
 * The signed-in users, by bearer token. The REST API registers it so that other bundles serving
 * routes of their own (the CloudStack bundle's /api/cloudstack/*) check callers the same way.
 * Tokens live in the manager's memory and, as their SHA-256, in its database: every manager of a
 * cluster accepts them, and a restart signs nobody out.
 */
public interface Sessions {
    /**
     * The user of a request, from its {@code Authorization: Bearer <token>} header; empty when the
     * header is missing, malformed, unknown or expired.
     */
    Optional<Identity> identify(String authorizationHeader);
}
