package io.vnet.manager.cloudstack.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.manager.cloudstack.CloudStackException;
import io.vnet.manager.cloudstack.CloudStackVm;
import io.vnet.manager.store.CloudStackNetwork;
import io.vnet.manager.store.Network;
import io.vnet.manager.store.impl.JdbcManagerStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inventory and the VNI map against the recorded 4.20 answers. */
class InventoryTest {
    @TempDir
    java.nio.file.Path dir;
    TestBed bed;

    @BeforeEach
    void start() throws Exception {
        bed = new TestBed(dir, Map.of("vniRange", List.of(500_000, 500_002)));
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    @Test
    void aFullSyncReadsEveryVmAndGivesHomeNetworksAVni() throws Exception {
        bed.agent("kvm-host-2", 500_000, TestBed.VM2_HOME_MAC);
        bed.wiring.inventory.fullSync();
        List<CloudStackVm> vms = bed.wiring.inventory.vms();
        assertEquals(List.of(TestBed.VM1, TestBed.VM2), vms.stream().map(CloudStackVm::uuid).toList());
        CloudStackVm vm1 = vms.get(0);
        assertEquals(500_000, vm1.nics().get(0).vni(), "the Home Network's VNI: the first of the range, not VLAN 1207");
        assertNull(vm1.nics().get(1).vni(), "an isolated network has no VNI");
        assertEquals(500_000, vms.get(1).nics().get(0).vni(), "the same network, the same VNI");
        assertEquals(Optional.of("kvm-host-2"), bed.wiring.inventory.vnetHostOf(TestBed.VM2_HOME_MAC));
        assertEquals(Optional.empty(), bed.wiring.inventory.vnetHostOf(TestBed.VM1_HOME_MAC));
        assertEquals(TestBed.VM1, bed.wiring.inventory.vmByMac("02:00:4C:5F:00:01").orElseThrow().uuid());
        assertEquals(List.of(new Network(500_000, "alice-home")), bed.store.networks(),
                "the rest of the manager lists the network");
        assertNotNull(bed.wiring.inventory.lastSync());
    }

    @Test
    void vmsCloudStackNoLongerListsAreForgotten() throws Exception {
        bed.wiring.inventory.fullSync();
        bed.cs.onFixture("listVirtualMachines", "4.20/listVirtualMachines-empty.json");
        bed.wiring.inventory.fullSync();
        assertTrue(bed.wiring.inventory.vms().isEmpty());
        assertTrue(bed.wiring.inventory.refresh(TestBed.VM1).isEmpty());
    }

    @Test
    void aFailedSyncKeepsWhatWasKnownAndSaysWhy() throws Exception {
        bed.wiring.inventory.fullSync();
        bed.cs.on("listVirtualMachines", p -> new FakeCloudStack.Reply(431, Fixtures.text("4.20/error-431.json")));
        assertThrows(CloudStackException.class, bed.wiring.inventory::fullSync);
        assertEquals(2, bed.wiring.inventory.vms().size());
        assertTrue(bed.wiring.inventory.lastSyncError().contains("431"), bed.wiring.inventory.lastSyncError());
    }

    @Test
    void vnisAreUniqueStableAndComeFromTheRange() throws Exception {
        VniMap map = bed.wiring.vnis;
        CsNetwork a = new CsNetwork("11111111-1111-4111-8111-111111111111", "a", "o", "Home Network (VNET)", "L2",
                "vlan://5", "z", "Implemented");
        CsNetwork b = new CsNetwork("22222222-2222-4222-8222-222222222222", "b", "o", "Home Network (VNET)", "L2",
                "vlan://5", "z", "Implemented");
        CsNetwork c = new CsNetwork("33333333-3333-4333-8333-333333333333", "c", "o", "Home Network (VNET)", "L2",
                "vlan://6", "z", "Implemented");
        CsNetwork d = new CsNetwork("44444444-4444-4444-8444-444444444444", "d", "o", "Home Network (VNET)", "L2",
                null, "z", "Implemented");
        assertEquals(500_000, map.allocate(a, null).vni());
        assertEquals(500_001, map.allocate(b, 77L).vni(), "the same VLAN, another VNI");
        assertEquals(500_000, map.allocate(a, 12L).vni(), "asked again: the same VNI");
        assertEquals(Optional.of(12L), map.byUuid(a.id()).map(CloudStackNetwork::internalId));
        assertEquals(500_002, map.allocate(c, null).vni());
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> map.allocate(d, null));
        assertTrue(full.getMessage().contains("500000..500002"), full.getMessage());
        bed.store.putTopology(new io.vnet.manager.store.TopologyRecord(500_001, java.time.Instant.now(), "ring", "{}"));
        assertTrue(map.release(b.id()));
        assertEquals(List.of(), bed.store.topologies(500_001, null, null, 10), "the released network's history went");
        IllegalStateException quarantined = assertThrows(IllegalStateException.class, () -> map.allocate(d, null));
        assertTrue(quarantined.getMessage().contains("1 in quarantine"), quarantined.getMessage());
        // eight days later the quarantine is over: the VNI is given again once the top is reached
        java.util.List<Integer> forgotten = new java.util.ArrayList<>();
        VniMap later = new VniMap(bed.store, new NetworkDirectory(bed.wiring.client), "Home Network (VNET)", 500_000,
                500_002, Clock.offset(Clock.systemUTC(), java.time.Duration.ofDays(8)), java.time.Duration.ofDays(7),
                forgotten::add);
        assertEquals(500_001, later.allocate(d, null).vni(), "a released VNI is given again after its quarantine");
        assertTrue(later.release(c.id()));
        assertEquals(List.of(500_002), forgotten, "what the manager holds in memory of it is forgotten too");
        assertThrows(IllegalArgumentException.class, () -> map.allocate(new CsNetwork("x", "x", "o", "Other", "L2", null,
                "z", "Allocated"), null));

        bed.store.close();
        try (JdbcManagerStore reopened = new JdbcManagerStore("jdbc:h2:file:" + dir.resolve("manager"), null, null)) {
            VniMap again = new VniMap(reopened, new NetworkDirectory(bed.wiring.client), "Home Network (VNET)",
                    500_000, 500_002, Clock.systemUTC());
            assertEquals(OptionalInt.of(500_000), again.vni(a.id()), "stable across a restart");
            assertEquals(OptionalInt.of(500_001), again.vni(d.id()));
            assertEquals(List.of(500_000, 500_001), reopened.networks().stream().map(Network::vni).toList(),
                    "a released VNI's network row went with it (500002); the new owner has 500001 now");
            assertEquals(List.of(500_001, 500_002), reopened.quarantinedVnis(java.time.Instant.now()).stream()
                    .map(io.vnet.manager.store.VniQuarantine::vni).toList(), "both releases are in quarantine");
        }
    }

    @Test
    void aNetworkOfAnotherOfferingHasNoVniAndAnUnknownOneIsAnError() throws Exception {
        assertEquals(OptionalInt.empty(), bed.wiring.vnis.vni(TestBed.ISOLATED));
        assertEquals(OptionalInt.of(500_000), bed.wiring.vnis.vni(TestBed.HOME));
        assertThrows(CloudStackException.class, () -> bed.wiring.vnis.vni("00000000-0000-4000-8000-000000000000"));
        assertTrue(bed.store.cloudStackNetwork(TestBed.ISOLATED).isEmpty());
    }
}
