package io.vnet.manager;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the manager knows of one agent.
 *
 * @param linkAddress      where other daemons can dial its links (null if it accepts none)
 * @param vms              the VM addresses behind it, per network
 * @param desiredGeneration the generation of the desired state it should have (-1: none yet)
 * @param appliedGeneration the generation it acknowledged (-1: none)
 * @param links            its overlay links as it last measured them
 * @param instances        the VMs it registered by name (libvirt domains), with their NICs
 * @param security         how it proved who it is: {@value #MUTUAL_TLS}, {@value #INSECURE} or {@value #UNKNOWN}
 * @param kernelPath       whether its VXLAN links take the kernel path, so its fast paths may be kernel VXLAN links
 * @param software         the agent's version, as its hello said it (null: not said)
 * @param protocol         the agent–manager protocol its hello said it speaks (0: not said)
 */
public record HostInfo(String hostId, String role, String linkAddress, boolean connected, List<NetworkId> networks,
                       Map<NetworkId, List<MacAddress>> vms, long desiredGeneration, long appliedGeneration,
                       List<String> lastErrors, Instant lastSeen, List<MeasuredLink> links, List<VmInstance> instances,
                       String security, boolean kernelPath, String software, int protocol) {
    public static final String MUTUAL_TLS = "mutual TLS";
    public static final String INSECURE = "insecure: enrolment token only";
    public static final String UNKNOWN = "unknown";

    /** A host whose versions are not known. */
    public HostInfo(String hostId, String role, String linkAddress, boolean connected, List<NetworkId> networks,
                    Map<NetworkId, List<MacAddress>> vms, long desiredGeneration, long appliedGeneration,
                    List<String> lastErrors, Instant lastSeen, List<MeasuredLink> links, List<VmInstance> instances,
                    String security, boolean kernelPath) {
        this(hostId, role, linkAddress, connected, networks, vms, desiredGeneration, appliedGeneration, lastErrors,
                lastSeen, links, instances, security, kernelPath, null, 0);
    }

    /** A host without the kernel path. */
    public HostInfo(String hostId, String role, String linkAddress, boolean connected, List<NetworkId> networks,
                    Map<NetworkId, List<MacAddress>> vms, long desiredGeneration, long appliedGeneration,
                    List<String> lastErrors, Instant lastSeen, List<MeasuredLink> links, List<VmInstance> instances,
                    String security) {
        this(hostId, role, linkAddress, connected, networks, vms, desiredGeneration, appliedGeneration, lastErrors,
                lastSeen, links, instances, security, false);
    }

    /** A host whose authentication is not known (a record read back, a test). */
    public HostInfo(String hostId, String role, String linkAddress, boolean connected, List<NetworkId> networks,
                    Map<NetworkId, List<MacAddress>> vms, long desiredGeneration, long appliedGeneration,
                    List<String> lastErrors, Instant lastSeen, List<MeasuredLink> links, List<VmInstance> instances) {
        this(hostId, role, linkAddress, connected, networks, vms, desiredGeneration, appliedGeneration, lastErrors,
                lastSeen, links, instances, UNKNOWN);
    }

    /** A host that registered no VM by name. */
    public HostInfo(String hostId, String role, String linkAddress, boolean connected, List<NetworkId> networks,
                    Map<NetworkId, List<MacAddress>> vms, long desiredGeneration, long appliedGeneration,
                    List<String> lastErrors, Instant lastSeen, List<MeasuredLink> links) {
        this(hostId, role, linkAddress, connected, networks, vms, desiredGeneration, appliedGeneration, lastErrors,
                lastSeen, links, List.of());
    }
}
