package io.vnet.manager.store;

import java.time.Instant;
import java.util.List;

/**
 * The audit log. Part of {@link ManagerStore}, whose contract (upserts, history queries, errors) it shares;
 * a consumer that needs only this part takes this type.
 */
public interface AuditStore {
    /** Appends to the audit log (the id must be new). */
    void appendAudit(AuditRecord entry);

    /** The audit log, newest first, with times in [from, to]. */
    List<AuditRecord> audit(Instant from, Instant to, int limit);

    /** The highest audit entry id (0 when the log is empty). */
    long lastAuditId();
}
