package io.vnet.manager.cloudstack;

import io.vnet.manager.store.CloudStackNetwork;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The VNIs of CloudStack networks whose offering is the "Home Network (VNET)" offering. A network
 * gets its VNI the first time the manager needs it; the VNI comes from the configured range (never
 * from the network's VLAN), is unique, and stays with the network until the network is destroyed.
 */
public interface HomeNetworks {
    /** Every network with a VNI, ordered by VNI. */
    List<CloudStackNetwork> networks();

    Optional<CloudStackNetwork> byVni(int vni);

    /**
     * The VNI of the network, allocated now if the network is a Home Network that has none yet;
     * empty when it is not a Home Network. Asks CloudStack for the network's offering when needed.
     *
     * @throws CloudStackException CloudStack does not know the network, or could not be asked
     */
    OptionalInt vni(String networkUuid) throws CloudStackException;
}
