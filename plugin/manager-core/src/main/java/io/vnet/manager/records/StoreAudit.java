package io.vnet.manager.records;

import io.vnet.manager.AuditLog;
import io.vnet.manager.store.AuditRecord;
import io.vnet.manager.store.AuditStore;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The audit log in the {@link AuditStore}; ids continue from the highest stored. In a cluster the
 * managers append to one log: an id another manager wrote first is stored as the next free one
 * ({@link AuditStore#appendAudit}), so the number logged here can be lower than the stored one, and
 * no entry is lost or overwritten. Every entry
 * is also logged at INFO, so a failing database loses none of them from sight, and is written
 * through the {@link StoreWriter}: an entry made while the database is away is written, with its
 * id and time, once it answers again.
 */
final class StoreAudit implements AuditLog {
    private static final System.Logger LOG = System.getLogger(StoreAudit.class.getName());
    private final AuditStore store;
    private final Clock clock;
    private final AtomicLong ids;
    private final StoreWriter writer;

    /** Writes on the caller's thread (tests). */
    StoreAudit(AuditStore store, Clock clock) {
        this(store, clock, StoreWriter.inline());
    }

    StoreAudit(AuditStore store, Clock clock, StoreWriter writer) {
        this.store = store;
        this.writer = writer;
        this.clock = clock;
        long last = 0;
        try {
            last = store.lastAuditId();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "reading the audit log's last id: " + e.getMessage());
        }
        this.ids = new AtomicLong(last);
    }

    @Override
    public void record(String actor, String action, String target, String detail) {
        AuditRecord r = new AuditRecord(ids.incrementAndGet(), clock.instant(), actor, action, target, detail);
        LOG.log(Level.INFO, "audit #" + r.id() + " " + actor + " " + action + " " + target + (detail.isEmpty() ? "" : ": " + detail));
        writer.submit("audit " + r.id(), "audit entry #" + r.id(), () -> store.appendAudit(r));
    }

    @Override
    public List<Entry> entries(Instant from, Instant to, int limit) {
        List<Entry> out = new ArrayList<>();
        for (AuditRecord r : store.audit(from, to, limit)) {
            out.add(new Entry(r.id(), r.time(), r.actor(), r.action(), r.target(), r.detail()));
        }
        return out;
    }
}
