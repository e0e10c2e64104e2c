package io.vnet.manager.cloudstack.impl;

/**
 * A CloudStack network from listNetworks.
 *
 * @param offeringName {@code networkofferingname}: decides whether it is a Home Network
 * @param broadcastUri CloudStack's broadcast URI (a VLAN for an L2 network): never used as the VNI
 */
public record CsNetwork(String id, String name, String offeringId, String offeringName, String type,
                        String broadcastUri, String zoneId, String state) {
}
