package io.vnet.manager;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One-time enrolment tokens: an admin makes one for a host (or a tenant's proxy) that does not
 * exist yet; the new daemon spends it on the agent port for its certificate. Registered only when
 * the manager's configuration has an {@code enrolment} section.
 */
public interface EnrolmentService {
    /** A token made: its text (shown once, never kept) and what it enrols. */
    record Issued(String token, String id, String hostId, String role, String tenant, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[id=" + id + ", hostId=" + hostId + ", role=" + role + ", token=hidden]";
        }
    }

    /** A token as listed: never its secret. */
    record Listed(String id, String hostId, String role, String tenant, String createdBy, Instant createdAt,
                  Instant expiresAt, Instant usedAt) {
    }

    /**
     * Makes a token for {@code hostId} in {@code role} ({@code host} or {@code proxy}, which needs
     * its {@code tenant}), valid for {@code ttl} (null: the configured default), recorded in the audit log.
     *
     * @throws IllegalArgumentException a bad host id, role, tenant or ttl, named
     * @throws IllegalStateException    too many tokens open at once (made, not spent, not expired)
     */
    Issued issue(String hostId, String role, String tenant, Duration ttl, String actor);

    /** The newest tokens first, at most {@code limit}. */
    List<Listed> list(int limit);
}
