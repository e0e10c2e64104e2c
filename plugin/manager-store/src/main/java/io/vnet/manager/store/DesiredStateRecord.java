package io.vnet.manager.store;

import java.time.Instant;

/**
 * One generation of the links and rules the manager wants a host to run.
 *
 * @param hostId the host
 * @param generation increases with every change for that host
 * @param document the links and rules, a JSON document (stored as text, not interpreted)
 * @param createdAt when the manager decided it
 */
public record DesiredStateRecord(String hostId, long generation, String document, Instant createdAt) {
    public DesiredStateRecord {
        Checks.text("hostId", hostId, 255);
        if (generation < 0) {
            throw new IllegalArgumentException("generation: " + generation + " is negative");
        }
        Checks.json("document", document);
        createdAt = Checks.time("createdAt", createdAt);
    }
}
