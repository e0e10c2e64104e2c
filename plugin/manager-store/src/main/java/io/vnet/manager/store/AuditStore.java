package io.vnet.manager.store;

import java.time.Instant;
import java.util.List;

/**
 * The audit log. Part of {@link ManagerStore}, whose contract (upserts, history queries, errors) it shares;
 * a consumer that needs only this part takes this type.
 */
public interface AuditStore {
    /**
     * Appends to the audit log under the entry's id if no entry has it or a higher one, else under the next id
     * after the highest (in a cluster, managers append to one log: each numbers its entries from the highest it
     * knew, and the log keeps them all, in the order written). An entry is never overwritten. The same entry
     * (id, time, actor, action, target and detail) appended again is stored once: a writer that lost its
     * connection after sending the commit cannot know whether the entry went in, and writes it again.
     */
    void appendAudit(AuditRecord entry);

    /** The audit log, newest first, with times in [from, to]. */
    List<AuditRecord> audit(Instant from, Instant to, int limit);

    /** The highest audit entry id (0 when the log is empty). */
    long lastAuditId();
}
