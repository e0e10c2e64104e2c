package io.vnet.api;

/**
 * A LAN device bridged onto the overlay by a proxy: the daemon captures every frame on the
 * existing network device {@code device} (promiscuously, with pcap) into network
 * {@code network}, and injects the network's frames for the LAN onto it. Unlike an
 * {@link InterfaceSpec} no TAP is created: the device is the home network's own NIC.
 */
public record LanSpec(String device, NetworkId network, int mtu) {
    public LanSpec {
        Ids.checkDevice("LAN device name", device);
        if (network == null) {
            throw new IllegalArgumentException("LAN device " + device + " needs a network (vni)");
        }
        if (mtu < InterfaceSpec.MIN_MTU || mtu > InterfaceSpec.MAX_MTU) {
            throw new IllegalArgumentException("invalid MTU " + mtu + " for LAN device " + device
                    + ": expected " + InterfaceSpec.MIN_MTU + ".." + InterfaceSpec.MAX_MTU);
        }
    }

    /** The largest Ethernet frame carried: MTU plus header and one VLAN tag. */
    public int maxFrame() {
        return mtu + 18;
    }
}
