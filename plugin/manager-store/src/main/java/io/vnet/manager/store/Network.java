package io.vnet.manager.store;

/**
 * A tenant network.
 *
 * @param vni its 24-bit VXLAN network identifier
 * @param name a display name
 */
public record Network(int vni, String name) {
    public Network {
        Checks.vni("vni", vni);
        Checks.text("name", name, 255);
    }
}
