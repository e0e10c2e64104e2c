package io.vnet.manager;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;

/**
 * Moves a VM to another host, as a live migration does: when {@link #migrate} returns, the VM
 * runs on {@code toHost} and has announced itself there (a gratuitous ARP or RARP), so the
 * overlay's forwarding follows it. The closed loop calls it for plans that move VMs, on networks
 * whose settings allow migrations. Implementations: an external command (the test fabric's, or
 * an operator's script), CloudStack's migrateVirtualMachine (manager-cloudstack) and libvirt's
 * virDomainMigrate (manager-libvirt).
 */
public interface MigrationExecutor {
    /** What it is, for logs, e.g. "command /usr/local/bin/move-vm". */
    String describe();

    /**
     * Moves {@code vm} of {@code network} from {@code fromHost} to {@code toHost}; blocks until done.
     *
     * @throws Exception the migration failed (the message says why); the VM is assumed not moved
     */
    void migrate(NetworkId network, MacAddress vm, String fromHost, String toHost) throws Exception;
}
