package io.vnet.manager.cloudstack.impl;

/** A network offering from listNetworkOfferings or createNetworkOffering. */
public record CsOffering(String id, String name, String state, String guestIpType, String trafficType) {
}
