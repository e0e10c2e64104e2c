package io.vnet.api;

/**
 * A local interface of the daemon: a TAP device named {@code id} that carries network
 * {@code network}, plugged into the Linux bridge {@code bridge} where the VMs' NICs are.
 */
public record InterfaceSpec(String id, NetworkId network, String bridge, int mtu) {
    public static final int MIN_MTU = 68;
    public static final int MAX_MTU = 65521;

    public InterfaceSpec {
        Ids.checkDevice("TAP device name", id);
        if (network == null) {
            throw new IllegalArgumentException("interface " + id + " needs a network (vni)");
        }
        if (bridge != null) {
            Ids.checkDevice("bridge name", bridge);
        }
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("invalid MTU " + mtu + " for interface " + id
                    + ": expected " + MIN_MTU + ".." + MAX_MTU);
        }
    }

    /** The largest Ethernet frame this interface carries: MTU plus header and one VLAN tag. */
    public int maxFrame() {
        return mtu + 18;
    }
}
