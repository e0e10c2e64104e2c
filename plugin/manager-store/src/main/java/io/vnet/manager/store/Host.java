package io.vnet.manager.store;

import java.time.Instant;

/**
 * A daemon known to the manager.
 *
 * @param hostId the daemon's host id (as in its configuration and link hello)
 * @param address where the manager reaches it (host or HOST:PORT)
 * @param role "host" or "proxy"
 * @param lastSeen when the manager last heard from it (kept to the microsecond)
 */
public record Host(String hostId, String address, String role, Instant lastSeen) {
    public Host {
        Checks.text("hostId", hostId, 255);
        Checks.text("address", address, 255);
        Checks.text("role", role, 32);
        if (!role.equals("host") && !role.equals("proxy")) {
            throw new IllegalArgumentException("role: '" + role + "' is not 'host' or 'proxy'");
        }
        lastSeen = Checks.time("lastSeen", lastSeen);
    }
}
