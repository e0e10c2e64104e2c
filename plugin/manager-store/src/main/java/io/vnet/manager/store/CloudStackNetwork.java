package io.vnet.manager.store;

import java.time.Instant;

/**
 * A CloudStack network that the manager gave a VNI to (the "Home Network (VNET)" offering).
 *
 * @param networkUuid CloudStack's uuid of the network
 * @param vni         the VNI allocated for it (unique among these rows)
 * @param internalId  CloudStack's numeric database id of the network, when known (the Network
 *                    Extension's payloads name networks by it), else null
 * @param name        the network's name in CloudStack
 * @param allocatedAt when the VNI was allocated
 */
public record CloudStackNetwork(String networkUuid, int vni, Long internalId, String name, Instant allocatedAt) {
    public CloudStackNetwork {
        Checks.text("networkUuid", networkUuid, 64);
        Checks.vni("vni", vni);
        if (internalId != null && internalId <= 0) {
            throw new IllegalArgumentException("internalId: " + internalId + " is not a positive id");
        }
        Checks.text("name", name, 255);
        allocatedAt = Checks.time("allocatedAt", allocatedAt);
    }
}
