package io.vnet.manager.cloudstack;

import java.util.List;

/**
 * A CloudStack VM as listVirtualMachines describes it.
 *
 * @param uuid         its uuid (also the libvirt domain's UUID on KVM)
 * @param name         its name
 * @param displayName  its display name
 * @param account      the owning account's name
 * @param domain       the owning domain's name
 * @param domainId     the owning domain's uuid
 * @param state        CloudStack's state, e.g. Running, Stopped, Starting, Migrating
 * @param hostId       the uuid of the CloudStack host it runs on (null when stopped)
 * @param hostName     that host's name (null when stopped)
 * @param instanceName the hypervisor's name of it, e.g. i-2-7-VM
 * @param nics         its NICs
 */
public record CloudStackVm(String uuid, String name, String displayName, String account, String domain,
                           String domainId, String state, String hostId, String hostName, String instanceName,
                           List<CloudStackNic> nics) {
    public CloudStackVm {
        nics = List.copyOf(nics);
    }

    /** This VM with other NICs (e.g. with their VNIs filled in). */
    public CloudStackVm withNics(List<CloudStackNic> n) {
        return new CloudStackVm(uuid, name, displayName, account, domain, domainId, state, hostId, hostName, instanceName,
                n);
    }
}
