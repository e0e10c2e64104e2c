package io.vnet.libvirt;

import java.util.List;
import java.util.Objects;

/**
 * What VNET needs to know of a libvirt domain: its identity and its NICs.
 *
 * @param uuid the domain's UUID in canonical form (lower case, with hyphens); CloudStack uses the
 *             VM's uuid as the domain's UUID
 * @param name the domain's name (CloudStack's instance name, e.g. i-2-3-VM)
 * @param nics its NICs in document order
 */
public record DomainInfo(String uuid, String name, List<Nic> nics) {
    public DomainInfo {
        Objects.requireNonNull(uuid, "a domain needs a UUID");
        Objects.requireNonNull(name, "a domain needs a name");
        nics = List.copyOf(nics);
    }
}
