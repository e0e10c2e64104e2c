package io.vnet.manager.cloudstack;

import java.util.List;
import java.util.Optional;

/**
 * The CloudStack VMs the manager knows, kept by a full sync at start and every few minutes and by
 * VM lifecycle events (webhooks or listEvents). Reads answer from memory; {@link #refresh} asks
 * CloudStack.
 */
public interface CloudStackInventory {
    /** Every known VM, ordered by uuid. */
    List<CloudStackVm> vms();

    Optional<CloudStackVm> vm(String uuid);

    /** The VM that has a NIC with this MAC address (any case). */
    Optional<CloudStackVm> vmByMac(String mac);

    /** The VNET host whose agent reports this MAC address, if one does. */
    Optional<String> vnetHostOf(String mac);

    /** Asks CloudStack for the VM now; empty (and forgotten) when CloudStack does not know it. */
    Optional<CloudStackVm> refresh(String uuid) throws CloudStackException;
}
