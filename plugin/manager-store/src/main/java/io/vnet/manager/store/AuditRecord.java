package io.vnet.manager.store;

import java.time.Instant;

/**
 * One entry of the audit log: a control call that changed the manager's desired state or settings.
 *
 * @param id     its number (increasing)
 * @param time   when
 * @param actor  who: "api" (a REST call), "adaptation" (the closed loop), ...
 * @param action what, e.g. "desired-state", "mode", "apply", "rollback", "migrate"
 * @param target on what, e.g. "host h1" or "network 300"
 * @param detail the call's details (may be empty)
 */
public record AuditRecord(long id, Instant time, String actor, String action, String target, String detail) {
    public AuditRecord {
        if (id < 1) {
            throw new IllegalArgumentException("id: " + id + " is not an audit entry number (>= 1)");
        }
        time = Checks.time("time", time);
        Checks.text("actor", actor, 64);
        Checks.text("action", action, 64);
        Checks.text("target", target, 255);
        if (detail == null) {
            throw new IllegalArgumentException("detail: must not be null");
        }
    }
}
