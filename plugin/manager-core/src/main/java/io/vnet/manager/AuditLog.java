package io.vnet.manager;

import java.time.Instant;
import java.util.List;

/**
 * The audit log of control calls: every change of desired state, adaptation settings, rollback
 * and migration, with who made it. The closed loop writes as actor {@code adaptation}, the REST
 * API as {@code api}.
 */
public interface AuditLog {
    /** One entry. */
    record Entry(long id, Instant time, String actor, String action, String target, String detail) {
    }

    /** Appends an entry now. */
    void record(String actor, String action, String target, String detail);

    /** The entries with times in [from, to] (either may be null), newest first, at most {@code limit}. */
    List<Entry> entries(Instant from, Instant to, int limit);

    /** Records nothing, remembers nothing (for tests of other parts). */
    AuditLog NONE = new AuditLog() {
        @Override
        public void record(String actor, String action, String target, String detail) {
        }

        @Override
        public List<Entry> entries(Instant from, Instant to, int limit) {
            return List.of();
        }
    };
}
