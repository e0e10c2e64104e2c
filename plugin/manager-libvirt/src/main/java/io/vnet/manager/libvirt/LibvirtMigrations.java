package io.vnet.manager.libvirt;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.libvirt.migrate.Migrator;
import io.vnet.manager.AgentRegistry;
import io.vnet.manager.HostInfo;
import io.vnet.manager.MigrationExecutor;
import io.vnet.manager.VmInstance;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * Moves a VM between plain libvirt hosts: finds the domain that has the VM's MAC among the VMs
 * the source host's agent registered by name, migrates it live with virDomainMigrate, then
 * waits (a little) for the destination's agent to register it, which it does as it announces
 * the VM on the overlay.
 */
public final class LibvirtMigrations implements MigrationExecutor {
    private static final System.Logger LOG = System.getLogger(LibvirtMigrations.class.getName());

    /** The migration itself, replaceable in tests. */
    interface Mover {
        void move(String uuid, String fromUri, String toUri, String migrateUri, long timeoutMs) throws Exception;
    }

    private final AgentRegistry agents;
    private final LibvirtHosts hosts;
    private final Mover mover;

    LibvirtMigrations(AgentRegistry agents, LibvirtHosts hosts) {
        this(agents, hosts, Migrator::migrate);
    }

    LibvirtMigrations(AgentRegistry agents, LibvirtHosts hosts, Mover mover) {
        this.agents = agents;
        this.hosts = hosts;
        this.mover = mover;
    }

    @Override
    public String describe() {
        return "libvirt migration between " + hosts.hosts().keySet();
    }

    @Override
    public void migrate(NetworkId network, MacAddress vm, String fromHost, String toHost) throws Exception {
        LibvirtHosts.Host from = hosts.host(fromHost);
        LibvirtHosts.Host to = hosts.host(toHost);
        VmInstance domain = registered(fromHost, vm).orElseThrow(() -> new IllegalStateException("VM " + vm
                + " of network " + network + " is not a libvirt domain registered by the agent of " + fromHost
                + " (is the agent following libvirt?)"));
        mover.move(domain.uuid(), from.uri(), to.uri(), to.migrateUri(), hosts.timeoutMs());
        long deadline = System.currentTimeMillis() + hosts.announceWaitMs();
        while (registered(toHost, vm).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        if (registered(toHost, vm).isEmpty()) {
            LOG.log(Level.WARNING, "VM " + domain.name() + " migrated to " + toHost + ", but its agent has not registered it"
                    + " within " + hosts.announceWaitMs() + " ms");
        }
    }

    private Optional<VmInstance> registered(String hostId, MacAddress mac) {
        return agents.host(hostId).map(HostInfo::instances).orElse(java.util.List.of()).stream()
                .filter(v -> v.nics().stream().anyMatch(n -> n.mac().equals(mac))).findFirst();
    }
}
