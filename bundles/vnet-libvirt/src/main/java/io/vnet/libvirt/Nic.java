package io.vnet.libvirt;

import io.vnet.api.MacAddress;
import java.util.Objects;

/**
 * One {@code <interface>} of a libvirt domain, as its XML describes it.
 *
 * @param mac          the NIC's MAC address ({@code <mac address=...>})
 * @param type         the interface's {@code type} attribute: bridge, network, ethernet, direct,
 *                     vhostuser, ...
 * @param sourceBridge the bridge it is plugged into ({@code <source bridge=...>}) for type bridge;
 *                     null for every other type, and for a bridge interface without a source
 * @param targetDev    the host-side device ({@code <target dev=...>}, e.g. vnet0), or null (libvirt
 *                     names it only once the domain runs)
 * @param model        the guest-side device model ({@code <model type=...>}, e.g. virtio), or null
 */
public record Nic(MacAddress mac, String type, String sourceBridge, String targetDev, String model) {
    public Nic {
        Objects.requireNonNull(mac, "a NIC needs a MAC address");
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("a NIC needs a type (bridge, network, ethernet, direct, ...)");
        }
    }
}
