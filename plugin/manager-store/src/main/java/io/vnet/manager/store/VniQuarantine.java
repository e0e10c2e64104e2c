package io.vnet.manager.store;

import java.time.Instant;

/**
 * A VNI that a destroyed network released: no other network gets it before {@code until}, so a
 * new owner never receives frames or reports meant for the old one from agents that still carry it.
 *
 * @param vni         the released VNI
 * @param networkUuid the CloudStack network that held it
 * @param releasedAt  when it was released
 * @param until       when the quarantine ends
 */
public record VniQuarantine(int vni, String networkUuid, Instant releasedAt, Instant until) {
    public VniQuarantine {
        Checks.vni("vni", vni);
        Checks.text("networkUuid", networkUuid, 64);
        releasedAt = Checks.time("releasedAt", releasedAt);
        until = Checks.time("until", until);
        if (until.isBefore(releasedAt)) {
            throw new IllegalArgumentException("until: " + until + " is before releasedAt " + releasedAt);
        }
    }
}
