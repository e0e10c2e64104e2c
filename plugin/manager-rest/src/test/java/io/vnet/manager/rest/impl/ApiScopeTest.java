package io.vnet.manager.rest.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.AgentRegistry;
import io.vnet.manager.HostInfo;
import io.vnet.manager.MeasuredLink;
import io.vnet.manager.VmInstance;
import io.vnet.manager.rest.Identity;
import io.vnet.manager.store.ManagerStore;
import io.vnet.manager.store.Network;
import io.vnet.manager.store.TopologyRecord;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a tenant sees through the API against what an admin sees: two tenants' networks (100 and
 * 101) on the same two hosts; alice may see 100 only.
 */
class ApiScopeTest {
    static final Identity ADMIN = new Identity("admin", true, "", "", Set.of(), "local");
    static final Identity ALICE = new Identity("alice", false, "acct-a", "dom", Set.of(100), "cloudstack");
    static final NetworkId A = NetworkId.of(100);
    static final NetworkId B = NetworkId.of(101);
    static final MacAddress A1 = MacAddress.parse("02:00:00:00:01:01");
    static final MacAddress A2 = MacAddress.parse("02:00:00:00:01:02");
    static final MacAddress B1 = MacAddress.parse("02:00:00:00:02:01");

    static ManagerStore store() {
        return (ManagerStore) Proxy.newProxyInstance(ApiScopeTest.class.getClassLoader(), new Class<?>[] {ManagerStore.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "networks" -> List.of(new Network(100, "alice-net"), new Network(101, "bob-net"));
                    case "network" -> Optional.of(new Network((int) args[0], "net"));
                    case "latestTopology" -> Optional.of(new TopologyRecord((int) args[0],
                            Instant.parse("2026-12-01T10:00:00Z"), "RING", "{\"nodes\":[],\"edges\":[]}"));
                    case "trafficMatrices", "topologies", "vmsOfNetwork" -> List.of();
                    case "describe" -> "test";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static final AgentRegistry AGENTS = new AgentRegistry() {
        final List<HostInfo> hosts = List.of(
                new HostInfo("ha", "host", "10.0.0.1:5800", true, List.of(A, B), Map.of(A, List.of(A1), B, List.of(B1)),
                        -1, -1, List.of(), Instant.EPOCH,
                        List.of(new MeasuredLink("to-px", "px", "tcp", true, 800, 700, 8_000_000, 9_000_000)),
                        List.of(new VmInstance("u-a1", "alice-vm-1", "ha", "libvirt", List.of(
                                new VmInstance.Nic(A, A1, "t1", "vnbr100"), new VmInstance.Nic(B, B1, "t2", "vnbr101")),
                                Instant.EPOCH))),
                new HostInfo("px", "proxy", "10.0.0.9:5800", true, List.of(A), Map.of(A, List.of(A2)), -1, -1, List.of(),
                        Instant.EPOCH, List.of(new MeasuredLink("from-ha", "ha", "tcp", true, 800, 700, 9_000_000,
                        8_000_000), new MeasuredLink("to-elsewhere", "hz", "tcp", true, 1, 1, 1, 1))),
                new HostInfo("hb", "host", "10.0.0.2:5800", true, List.of(B), Map.of(B, List.of()), -1, -1, List.of(),
                        Instant.EPOCH, List.of()));

        @Override
        public List<HostInfo> hosts() {
            return hosts;
        }

        @Override
        public Optional<HostInfo> host(String id) {
            return hosts.stream().filter(h -> h.hostId().equals(id)).findFirst();
        }
    };

    private final Api api = new Api(store(), AGENTS, null, null, null, null);

    @Test
    void aTenantListsOnlyItsNetworksAndIsRefusedAnyOther() {
        assertEquals(2, api.get("/networks", Map.of(), ADMIN).size());
        JsonNode mine = api.get("/networks", Map.of(), ALICE);
        assertEquals(1, mine.size());
        assertEquals(100, mine.get(0).get("vni").asInt());
        assertEquals("RING", api.get("/networks/100/topology", Map.of(), ALICE).get("class").asText());
        for (String path : List.of("/networks/101", "/networks/101/topology", "/networks/101/traffic",
                "/networks/101/vms", "/networks/101/overlay", "/networks/101/topologies", "/networks/101/adaptation",
                "/networks/101/plan")) {
            ApiError e = assertThrows(ApiError.class, () -> api.get(path, Map.of(), ALICE), path);
            assertEquals(403, e.status, path);
            assertTrue(e.getMessage().contains("not one of alice's networks"), e.getMessage());
        }
        assertEquals(403, assertThrows(ApiError.class, () -> api.put("/networks/101/adaptation",
                Api.JSON.createObjectNode().put("mode", "automatic"), ALICE)).status);
        assertEquals(403, assertThrows(ApiError.class, () -> api.post("/networks/101/adaptation/rollback", ALICE)).status);
        assertEquals(403, assertThrows(ApiError.class, () -> api.post("/networks/101/adaptation/apply", ALICE)).status);
    }

    @Test
    void hostsAgentsAndTheAuditLogAreForAdminsOnly() {
        for (String path : List.of("/agents", "/hosts", "/hosts/ha", "/hosts/ha/vms", "/audit")) {
            assertEquals(403, assertThrows(ApiError.class, () -> api.get(path, Map.of(), ALICE), path).status, path);
        }
        assertEquals(403, assertThrows(ApiError.class, () -> api.put("/hosts/ha/desired-state",
                Api.JSON.createObjectNode(), ALICE)).status);
        assertEquals(3, api.get("/agents", Map.of(), ADMIN).size());
    }

    @Test
    void aTenantSeesItsVmsWithOnlyTheNicsOnItsNetworks() {
        JsonNode vms = api.get("/vms", Map.of(), ALICE);
        assertEquals(1, vms.size());
        assertEquals(1, vms.get(0).get("nics").size(), "bob's network's NIC is not shown");
        assertEquals(100, vms.get(0).get("nics").get(0).get("vni").asInt());
        assertEquals(2, api.get("/vms/u-a1", Map.of(), ADMIN).get("nics").size());
    }

    @Test
    void theOverlayHasTheHostsCarryingTheNetworkAndTenantsGetNoUtilisation() {
        JsonNode admin = api.get("/networks/100/overlay", Map.of(), ADMIN);
        assertEquals(List.of("ha", "px"), List.of(admin.get("hosts").get(0).get("hostId").asText(),
                admin.get("hosts").get(1).get("hostId").asText()), "hb does not carry 100");
        JsonNode ha = admin.get("hosts").get(0);
        assertEquals(1, ha.get("vms").size(), "only network 100's VM");
        assertEquals(A1.toString(), ha.get("vms").get(0).get("mac").asText());
        assertEquals(1, ha.get("instances").get(0).get("nics").size());
        assertEquals(8_000_000, ha.get("links").get(0).get("outBitsPerSecond").asLong());
        JsonNode px = admin.get("hosts").get(1);
        assertEquals(1, px.get("links").size(), "links to hosts that do not carry the network are left out");
        JsonNode tenant = api.get("/networks/100/overlay", Map.of(), ALICE);
        JsonNode link = tenant.get("hosts").get(0).get("links").get(0);
        assertTrue(link.get("outBitsPerSecond").isNull() && link.get("inBitsPerSecond").isNull());
        assertEquals(800, link.get("rttMicros").asLong(), "the round trip is shown");
    }

    @Test
    void theLiveSnapshotHoldsTopologyOverlayAndRateAndRespectsTheScope() {
        JsonNode s = api.snapshot(100, ALICE, Instant.parse("2026-12-01T10:00:01Z"));
        assertEquals("RING", s.get("topology").get("class").asText());
        assertEquals(2, s.get("overlay").get("hosts").size());
        assertTrue(s.get("rate").get("bytesPerSecond").isNull(), "no VTTIF service in this test");
        assertFalse(s.has("identity") && s.get("identity").get("admin").asBoolean());
        assertEquals(403, assertThrows(ApiError.class, () -> api.snapshot(101, ALICE, Instant.EPOCH)).status);
    }
}
