package io.vnet.manager.store;

/**
 * A VM's NIC on a tenant network.
 *
 * @param mac its MAC address, stored lower-case with colons
 * @param vni the network it is on
 * @param hostId the host it runs on
 */
public record Vm(String mac, int vni, String hostId) {
    public Vm {
        mac = Checks.mac("mac", mac);
        Checks.vni("vni", vni);
        Checks.text("hostId", hostId, 255);
    }
}
