package io.vnet.it.load;

import io.vnet.api.NetworkId;
import io.vnet.protocol.messages.Inventory;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

/** What a simulated host says it has, in its hello and every report: its networks, VM addresses and VMs. */
final class Inventories {
    private Inventories() {
    }

    static Inventory of(Layout layout, int host) {
        TreeSet<NetworkId> networks = new TreeSet<>();
        List<Inventory.VmAddress> macs = new ArrayList<>();
        List<Inventory.RegisteredVm> vms = new ArrayList<>();
        for (Layout.Vm vm : layout.vmsOf(host)) {
            NetworkId n = layout.network(vm.network()).id();
            networks.add(n);
            macs.add(new Inventory.VmAddress(n, vm.mac()));
            String name = "i-" + vm.network() + "-" + vm.rank();
            UUID uuid = UUID.nameUUIDFromBytes(("loadgen:" + name).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            vms.add(new Inventory.RegisteredVm(uuid.toString(), name, "libvirt",
                    List.of(new Inventory.RegisteredVm.Nic(n, vm.mac(), "vnet" + vms.size(), "vnbr" + n.vni()))));
        }
        return new Inventory(List.copyOf(networks), macs, 0, vms, List.of(), 0);
    }
}
