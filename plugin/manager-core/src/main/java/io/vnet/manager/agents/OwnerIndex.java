package io.vnet.manager.agents;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.VmInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link VmOwners}' answer kept up to date one host at a time: which host each registered VM's
 * address is on, per network (the latest registration wins; on a tie, the lowest host id). A
 * change of one host's registrations costs the size of its own VMs, not the zone's, and says which
 * networks it touched, so only their agents are sent owners again.
 */
final class OwnerIndex {
    private record Registration(String host, Instant at) {
    }

    private final Map<NetworkId, Map<MacAddress, List<Registration>>> registrations = new HashMap<>();
    private final Map<String, List<VmInstance>> byHost = new HashMap<>();

    /**
     * The host's registrations are now {@code vms} (none for an agent whose VMs place no address: a proxy);
     * returns the networks whose owners may have changed.
     */
    synchronized Set<NetworkId> replace(String host, List<VmInstance> vms) {
        Set<NetworkId> touched = new TreeSet<>();
        List<VmInstance> old = byHost.getOrDefault(host, List.of());
        if (old.equals(vms)) {
            return touched;
        }
        for (VmInstance vm : old) {
            for (VmInstance.Nic nic : vm.nics()) {
                Map<MacAddress, List<Registration>> net = registrations.get(nic.network());
                List<Registration> regs = net == null ? null : net.get(nic.mac());
                if (regs != null) {
                    regs.removeIf(r -> r.host().equals(host));
                    if (regs.isEmpty()) {
                        net.remove(nic.mac());
                    }
                    if (net.isEmpty()) {
                        registrations.remove(nic.network());
                    }
                }
                touched.add(nic.network());
            }
        }
        for (VmInstance vm : vms) {
            for (VmInstance.Nic nic : vm.nics()) {
                registrations.computeIfAbsent(nic.network(), k -> new HashMap<>())
                        .computeIfAbsent(nic.mac(), k -> new ArrayList<>(1)).add(new Registration(host, vm.registeredAt()));
                touched.add(nic.network());
            }
        }
        if (vms.isEmpty()) {
            byHost.remove(host);
        } else {
            byHost.put(host, List.copyOf(vms));
        }
        return touched;
    }

    /** The owners of network {@code n}: each registered address and the host it is on, in address order. */
    synchronized Map<MacAddress, String> owners(NetworkId n) {
        Map<MacAddress, String> out = new TreeMap<>();
        Map<MacAddress, List<Registration>> net = registrations.get(n);
        if (net == null) {
            return out;
        }
        net.forEach((mac, regs) -> {
            Registration best = null;
            for (Registration r : regs) {
                if (best == null || r.at().isAfter(best.at()) || r.at().equals(best.at()) && r.host().compareTo(best.host()) < 0) {
                    best = r;
                }
            }
            out.put(mac, best.host());
        });
        return out;
    }
}
