package io.vnet.agent.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.agent.config.AgentConfig;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.libvirt.DomainInfo;
import io.vnet.libvirt.Nic;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Which libvirt domains the agent registers, and what it does when they arrive or leave. */
class LocalVmsTest {
    private static final String UUID = "0a5e2f6c-9b1d-4c1e-8f00-00000000000a";
    private static final MacAddress M1 = MacAddress.parse("52:54:00:00:00:01");
    private static final MacAddress M2 = MacAddress.parse("52:54:00:00:00:02");
    private static final MacAddress M3 = MacAddress.parse("52:54:00:00:00:03");

    private final MemoryDataPlane dp = new MemoryDataPlane();
    private int networkChanges;
    private int vmChanges;
    private final Networks networks = new Networks(dp, new AgentConfig.Attach("vnbr", "vntap", 1500), () -> networkChanges++);
    private final LocalVms vms = new LocalVms(dp, networks, () -> vmChanges++);

    LocalVmsTest() {
        dp.addInterface(new InterfaceSpec("vnet100", NetworkId.of(100), "br100", 1500));
    }

    private static Nic bridge(MacAddress mac, String bridge, String tap) {
        return new Nic(mac, "bridge", bridge, tap, "virtio");
    }

    @Test
    void aDomainWithANicOnAVnetBridgeIsRegisteredWithThatNicOnly() {
        vms.running(new DomainInfo(UUID, "web", List.of(bridge(M1, "br100", "lv1"), bridge(M2, "virbr0", "lv2"))), false);
        assertEquals(1, vmChanges);
        assertEquals(Map.of(NetworkId.of(100), List.of(M1)), vms.macs());
        JsonNode j = vms.json();
        assertEquals(UUID, j.get(0).get("uuid").asText());
        assertEquals("web", j.get(0).get("name").asText());
        assertEquals("libvirt", j.get(0).get("source").asText());
        assertEquals(1, j.get(0).get("nics").size());
        assertEquals("lv1", j.get(0).get("nics").get(0).get("tap").asText());
        assertEquals(100, j.get(0).get("nics").get(0).get("vni").asInt());
        assertTrue(dp.announced.isEmpty(), "a VM that booted here is not announced: its own traffic will be");
        vms.running(new DomainInfo(UUID, "web", List.of(bridge(M1, "br100", "lv1"), bridge(M2, "virbr0", "lv2"))), false);
        assertEquals(1, vmChanges, "the same again changes nothing");
    }

    @Test
    void aDomainOnNoVnetBridgeIsNotRegistered() {
        vms.running(new DomainInfo(UUID, "other", List.of(bridge(M1, "virbr0", "lv1"), new Nic(M2, "network", null, null, null))), false);
        assertEquals(0, vmChanges);
        assertTrue(vms.vms().isEmpty());
    }

    @Test
    void aVmOnAnOnDemandBridgeThisAgentDoesNotCarryGetsItsNetworkAttached() {
        vms.running(new DomainInfo(UUID, "db", List.of(bridge(M1, "vnbr5000", "lv1"))), false);
        assertEquals(1, networkChanges);
        assertTrue(dp.interfaces().stream().anyMatch(i -> i.id().equals("vntap5000") && i.bridge().equals("vnbr5000")
                && i.network().vni() == 5000), dp.interfaces().toString());
        assertEquals(Map.of(NetworkId.of(5000), List.of(M1)), vms.macs());
    }

    @Test
    void aVmThatArrivedByMigrationIsAnnouncedOnEveryVnetNic() {
        vms.running(new DomainInfo(UUID, "web", List.of(bridge(M1, "br100", "lv1"), bridge(M2, "br100", "lv2"))), true);
        assertEquals(List.of("100 " + M1, "100 " + M2), dp.announced);
    }

    @Test
    void aVmThatLeavesIsWithdrawnAndItsAddressesForgottenAsIsANicThatWentAway() {
        vms.running(new DomainInfo(UUID, "web", List.of(bridge(M1, "br100", "lv1"), bridge(M2, "br100", "lv2"))), false);
        vms.running(new DomainInfo(UUID, "web", List.of(bridge(M1, "br100", "lv1"), bridge(M3, "br100", "lv3"))), false);
        assertEquals(List.of("100 " + M2), dp.forgotten, "the unplugged NIC");
        vms.gone(UUID, "migrated away");
        assertEquals(List.of("100 " + M2, "100 " + M1, "100 " + M3), dp.forgotten);
        assertTrue(vms.vms().isEmpty());
        assertEquals(3, vmChanges);
        vms.gone(UUID, "again");
        assertEquals(3, vmChanges, "an unknown VM's departure changes nothing");
    }

    @Test
    void onDemandBridgeNamesAreExactlyPrefixAndAVni() {
        assertEquals(OptionalInt.of(5000), networks.attachable("vnbr5000"));
        assertEquals(OptionalInt.of(16777215), networks.attachable("vnbr16777215"));
        for (String no : new String[] {"vnbr", "vnbr0", "vnbr05", "vnbr16777216", "vnbr12x", "br5000", null}) {
            assertFalse(networks.attachable(no).isPresent(), String.valueOf(no));
        }
    }

    @Test
    void attachingIsIdempotentAndAnswersTheBridge() throws Exception {
        JsonNode first = networks.attach(7000);
        JsonNode again = networks.attach(7000);
        assertTrue(first.get("created").asBoolean());
        assertFalse(again.get("created").asBoolean());
        assertEquals("vnbr7000", again.get("bridge").asText());
        assertEquals("vntap7000", again.get("tap").asText());
        assertEquals(1, networkChanges);
        assertEquals("br100", networks.attach(100).get("bridge").asText(), "a configured network keeps its own bridge");
    }

    @Test
    void aVmArrivingByMigrationIsOwnedHereFromItsStartAndAnnouncedOnlyAfterThat() {
        MacOwnership owned = new MacOwnership(dp, "h1");
        vms.ownership(owned);
        DomainInfo d = new DomainInfo(UUID, "vm-a", List.of(bridge(M1, "br100", "vnet0")));
        vms.arriving(d);
        assertEquals(Map.of(NetworkId.of(100), List.of(M1 + " here")), dp.owners);
        assertEquals(0, vmChanges, "not registered while paused: its source host still runs it");
        vms.running(d, true);
        assertEquals(List.of("owners 100 [" + M1 + " here]", "owners 100 [" + M1 + " here]", "announce 100 " + M1),
                dp.calls, "owned before it is announced, so that the announcement passes");
        assertEquals(1, vmChanges);
    }

    @Test
    void aVmWhoseIncomingMigrationFailedIsNoLongerOwnedHere() {
        MacOwnership owned = new MacOwnership(dp, "h1");
        vms.ownership(owned);
        vms.arriving(new DomainInfo(UUID, "vm-a", List.of(bridge(M1, "br100", "vnet0"))));
        vms.gone(UUID, "its incoming migration ended: stopped (failed)");
        assertEquals(Map.of(), dp.owners);
        assertEquals(0, vmChanges);
    }

    @Test
    void theFilesVmsAreRegisteredOwnedAndStay() {
        MacOwnership owned = new MacOwnership(dp, "h1");
        vms.ownership(owned);
        vms.configured(List.of(new AgentConfig.Vm("config-x", "x", List.of(new AgentConfig.VmNic(NetworkId.of(100), M2)))));
        assertEquals(Map.of(NetworkId.of(100), List.of(M2 + " here")), dp.owners);
        assertEquals(1, vmChanges);
        JsonNode listed = vms.json().get(0);
        assertEquals("config", listed.path("source").asText());
        assertEquals("br100", listed.path("nics").get(0).path("bridge").asText());
        vms.gone("config-x", "libvirt never knew it");
        assertEquals(Map.of(NetworkId.of(100), List.of(M2 + " here")), dp.owners, "only the file removes its VMs");
    }
}
