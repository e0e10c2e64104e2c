package io.vnet.manager.store;

import java.time.Instant;

/**
 * A one-time enrolment token as the manager keeps it: never its secret, only the SHA-256 of it.
 *
 * @param id         the token's public part (its lookup key)
 * @param hostId     the host it enrols
 * @param role       {@code host} or {@code proxy}
 * @param tenant     a proxy's tenant, else null
 * @param secretHash the SHA-256 (hex) of the token's secret
 * @param createdBy  who made it, as the audit log names people
 * @param createdAt  when
 * @param expiresAt  after when it enrols nobody
 * @param usedAt     when an enrolment spent it (null: not yet)
 */
public record Enrolment(String id, String hostId, String role, String tenant, String secretHash, String createdBy,
                        Instant createdAt, Instant expiresAt, Instant usedAt) {
    public Enrolment {
        Checks.text("id", id, 32);
        Checks.text("hostId", hostId, 64);
        if (!"host".equals(role) && !"proxy".equals(role)) {
            throw new IllegalArgumentException("role: expected host or proxy, got '" + role + "'");
        }
        if (tenant != null) {
            Checks.text("tenant", tenant, 64);
        }
        Checks.text("secretHash", secretHash, 64);
        Checks.text("createdBy", createdBy, 256);
        createdAt = Checks.time("createdAt", createdAt);
        expiresAt = Checks.time("expiresAt", expiresAt);
        if (!expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException("expiresAt: " + expiresAt + " is not after createdAt " + createdAt);
        }
    }
}
