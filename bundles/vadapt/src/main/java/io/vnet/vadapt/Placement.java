package io.vnet.vadapt;

import io.vnet.api.Ids;
import io.vnet.api.MacAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Which host runs each VM: VM MAC address to host id. */
public final class Placement {
    private final Map<MacAddress, String> hosts;

    private Placement(Map<MacAddress, String> hosts) {
        this.hosts = Collections.unmodifiableMap(new TreeMap<>(hosts));
    }

    public static Placement of(Map<MacAddress, String> vmToHost) {
        if (vmToHost == null) {
            throw new IllegalArgumentException("invalid placement: null (expected a map of VMs to host ids)");
        }
        vmToHost.forEach((vm, host) -> {
            if (vm == null || vm.isGroup()) {
                throw new IllegalArgumentException("invalid VM " + vm + " in placement: expected a unicast MAC address");
            }
            Ids.check("host id of VM " + vm, host);
        });
        return new Placement(vmToHost);
    }

    /** The VMs and their hosts, in VM address order. */
    public Map<MacAddress, String> hosts() {
        return hosts;
    }

    /** The host of a VM; a VM that is not placed is an error naming it. */
    public String hostOf(MacAddress vm) {
        String h = hosts.get(vm);
        if (h == null) {
            throw new IllegalArgumentException("VM " + vm + " is not in the placement");
        }
        return h;
    }

    public boolean contains(MacAddress vm) {
        return hosts.containsKey(vm);
    }

    /** The VMs on a host, in address order. */
    public List<MacAddress> vmsOn(String host) {
        List<MacAddress> l = new ArrayList<>();
        hosts.forEach((vm, h) -> {
            if (h.equals(host)) {
                l.add(vm);
            }
        });
        return l;
    }

    /** The VMs whose host differs in {@code other} (VMs missing from either are not counted). */
    public List<MacAddress> migrationsTo(Placement other) {
        List<MacAddress> l = new ArrayList<>();
        hosts.forEach((vm, h) -> {
            String o = other.hosts.get(vm);
            if (o != null && !o.equals(h)) {
                l.add(vm);
            }
        });
        return l;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Placement p && p.hosts.equals(hosts);
    }

    @Override
    public int hashCode() {
        return hosts.hashCode();
    }

    @Override
    public String toString() {
        return "Placement" + hosts;
    }
}
