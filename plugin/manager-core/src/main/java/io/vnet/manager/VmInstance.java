package io.vnet.manager;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.util.List;

/**
 * A VM that an agent registered by name: a libvirt domain with NICs on VNET networks (its
 * uuid is the domain's, which CloudStack sets to the VM's uuid).
 *
 * @param source what the agent learned it from, e.g. "libvirt"
 */
public record VmInstance(String uuid, String name, String hostId, String source, List<Nic> nics) {
    /** One of its NICs: network, address, the host's TAP device (may be null) and bridge. */
    public record Nic(NetworkId network, MacAddress mac, String tap, String bridge) {
    }

    public VmInstance {
        nics = List.copyOf(nics);
    }
}
