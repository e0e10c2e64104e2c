package io.vnet.manager.cloudstack.impl;

/** A CloudStack host from listHosts: its uuid, name, state (Up, Down, ...), type, address and version. */
public record CsHost(String id, String name, String state, String type, String ipAddress, String hypervisor,
                     String version) {
}
