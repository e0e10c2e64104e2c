package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.VmInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The owners' index gives what VmOwners computes from every host at once, and says which networks a change touched. */
class OwnerIndexTest {
    static final NetworkId N1 = NetworkId.of(100);
    static final NetworkId N2 = NetworkId.of(200);

    static VmInstance vm(String host, String mac, NetworkId n, long at) {
        return new VmInstance("u-" + host + "-" + mac, "vm-" + mac, host, "libvirt",
                List.of(new VmInstance.Nic(n, MacAddress.parse(mac), null, "br0")), Instant.ofEpochSecond(at));
    }

    @Test
    void aMigratingVmIsOnTheHostThatRegisteredItLastAndOnlyTouchedNetworksAreSaid() {
        OwnerIndex idx = new OwnerIndex();
        assertEquals(Set.of(N1), idx.replace("ha", List.of(vm("ha", "02:00:00:00:00:01", N1, 10))));
        assertEquals(Set.of(N2), idx.replace("hb", List.of(vm("hb", "02:00:00:00:00:02", N2, 10))));
        assertEquals(Set.of(), idx.replace("hb", List.of(vm("hb", "02:00:00:00:00:02", N2, 10))), "no change, nothing touched");
        // vm 1 migrates to hb: both register it, the later registration wins
        idx.replace("hb", List.of(vm("hb", "02:00:00:00:00:02", N2, 10), vm("hb", "02:00:00:00:00:01", N1, 20)));
        assertEquals(Map.of(MacAddress.parse("02:00:00:00:00:01"), "hb"), idx.owners(N1));
        idx.replace("ha", List.of());
        assertEquals(Map.of(MacAddress.parse("02:00:00:00:00:01"), "hb"), idx.owners(N1));
        idx.replace("hb", List.of());
        assertEquals(Map.of(), idx.owners(N1));
        assertEquals(Map.of(), idx.owners(N2));
    }

    @Test
    void itAgreesWithVmOwnersOverRandomChanges() {
        Random r = new Random(7);
        OwnerIndex idx = new OwnerIndex();
        Map<String, List<VmInstance>> now = new java.util.TreeMap<>();
        for (int step = 0; step < 500; step++) {
            String host = "h" + r.nextInt(6);
            List<VmInstance> vms = new ArrayList<>();
            for (int i = 0; i < r.nextInt(4); i++) {
                int m = r.nextInt(12); // an address stays in one network, as a VM's NIC does
                vms.add(vm(host, String.format("02:00:00:00:00:%02x", m), m % 2 == 0 ? N1 : N2, r.nextInt(1000)));
            }
            now.put(host, vms);
            idx.replace(host, vms);
            List<VmOwners.Registrations> regs = new ArrayList<>();
            now.forEach((h, v) -> regs.add(new VmOwners.Registrations(h, "host", v)));
            Map<NetworkId, Map<MacAddress, String>> expected = VmOwners.of(regs);
            for (NetworkId n : List.of(N1, N2)) {
                Map<MacAddress, String> want = expected.getOrDefault(n, Map.of());
                Map<MacAddress, String> got = idx.owners(n);
                assertEquals(want.keySet(), got.keySet(), "step " + step + " network " + n);
                // on a tie of registration times VmOwners keeps the first host it met; the index the lowest id
                got.forEach((mac, h) -> {
                    if (!h.equals(want.get(mac))) {
                        VmInstance a = find(now.get(h), mac);
                        VmInstance b = find(now.get(want.get(mac)), mac);
                        assertEquals(a.registeredAt(), b.registeredAt(), "a different owner only on a tie: " + mac);
                    }
                });
            }
        }
    }

    private static VmInstance find(List<VmInstance> vms, MacAddress mac) {
        for (VmInstance v : vms) {
            for (VmInstance.Nic n : v.nics()) {
                if (n.mac().equals(mac)) {
                    return v;
                }
            }
        }
        throw new AssertionError("no " + mac);
    }
}
