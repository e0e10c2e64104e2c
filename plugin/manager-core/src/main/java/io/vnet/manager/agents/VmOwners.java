package io.vnet.manager.agents;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.VmInstance;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which host each registered VM's address is on, per network: what the manager sends every
 * agent of the network ({@code owners} message), so that no link peer or VM elsewhere can take
 * the address over. Only host agents' registrations count: a proxy runs on a tenant's own
 * machine and is not trusted to say where VMs are. An address two hosts register (a VM in the
 * middle of a live migration) is on the host that registered it last.
 */
final class VmOwners {
    private VmOwners() {
    }

    /** One host's registrations: its role and the VMs it runs. */
    record Registrations(String hostId, String role, List<VmInstance> vms) {
    }

    /** The owners of every network the hosts' VMs are on, addresses in order. */
    static Map<NetworkId, Map<MacAddress, String>> of(Collection<Registrations> hosts) {
        Map<NetworkId, Map<MacAddress, String>> owner = new TreeMap<>();
        Map<MacAddress, Instant> since = new HashMap<>();
        for (Registrations h : hosts) {
            if (!"host".equals(h.role())) {
                continue;
            }
            for (VmInstance vm : h.vms()) {
                for (VmInstance.Nic nic : vm.nics()) {
                    Map<MacAddress, String> net = owner.computeIfAbsent(nic.network(), k -> new TreeMap<>());
                    Instant at = since.get(nic.mac());
                    if (at == null || vm.registeredAt().isAfter(at)) {
                        net.put(nic.mac(), h.hostId());
                        since.put(nic.mac(), vm.registeredAt());
                    }
                }
            }
        }
        return owner;
    }

    /** The part of {@code all} an agent carrying {@code networks} is told (every one of them, if empty). */
    static Map<NetworkId, Map<MacAddress, String>> forAgent(Map<NetworkId, Map<MacAddress, String>> all,
                                                            Collection<NetworkId> networks) {
        Map<NetworkId, Map<MacAddress, String>> out = new LinkedHashMap<>();
        for (NetworkId n : networks) {
            out.put(n, all.getOrDefault(n, Map.of()));
        }
        return out;
    }
}
