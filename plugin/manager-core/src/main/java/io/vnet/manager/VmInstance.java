package io.vnet.manager;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.util.List;

/**
 * A VM that an agent registered by name: a libvirt domain with NICs on VNET networks (its
 * uuid is the domain's, which CloudStack sets to the VM's uuid).
 *
 * @param source what the agent learned it from, e.g. "libvirt"
 * @param registeredAt when the manager first heard of it on this host (the agent tells it as
 *                     soon as libvirt reports the domain running)
 */
public record VmInstance(String uuid, String name, String hostId, String source, List<Nic> nics, java.time.Instant registeredAt) {
    /** One of its NICs: network, address, the host's TAP device (may be null) and bridge. */
    public record Nic(NetworkId network, MacAddress mac, String tap, String bridge) {
    }

    public VmInstance {
        nics = List.copyOf(nics);
    }

    /** The same VM, registered at {@code at}. */
    public VmInstance registeredAt(java.time.Instant at) {
        return new VmInstance(uuid, name, hostId, source, nics, at);
    }

    /** The same VM with only these NICs (what a user may see of it). */
    public VmInstance withNics(List<Nic> some) {
        return new VmInstance(uuid, name, hostId, source, some, registeredAt);
    }

    /** Whether {@code o} is the same registration but for its time. */
    public boolean sameAs(VmInstance o) {
        return o != null && uuid.equals(o.uuid) && name.equals(o.name) && hostId.equals(o.hostId)
                && source.equals(o.source) && nics.equals(o.nics);
    }
}
