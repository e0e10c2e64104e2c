package io.vnet.manager.cloudstack;

/**
 * A NIC of a CloudStack VM, from listVirtualMachines' {@code nic[]}.
 *
 * @param id           CloudStack's uuid of the NIC
 * @param mac          its MAC address, lower case ({@code macaddress})
 * @param networkId    the uuid of its network ({@code networkid})
 * @param networkName  the network's name ({@code networkname})
 * @param isDefault    whether it is the VM's default NIC ({@code isdefault})
 * @param broadcastUri CloudStack's broadcast URI (e.g. {@code vlan://1234}); never the VNI
 * @param vni          the VNI of its network when that is a Home Network, else null
 */
public record CloudStackNic(String id, String mac, String networkId, String networkName, boolean isDefault,
                            String broadcastUri, Integer vni) {
    /** This NIC with the given VNI (null: not on a Home Network). */
    public CloudStackNic withVni(Integer v) {
        return new CloudStackNic(id, mac, networkId, networkName, isDefault, broadcastUri, v);
    }
}
