package io.vnet.manager.rest.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.AgentRegistry;
import io.vnet.manager.HostInfo;
import io.vnet.manager.VmInstance;
import io.vnet.manager.store.ManagerStore;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** /api/vms: the VMs the agents registered by name, across hosts. */
class ApiVmsTest {
    private final List<HostInfo> hosts = new ArrayList<>();

    private final AgentRegistry registry = new AgentRegistry() {
        @Override
        public List<HostInfo> hosts() {
            return hosts;
        }

        @Override
        public Optional<HostInfo> host(String hostId) {
            return hosts.stream().filter(h -> h.hostId().equals(hostId)).findFirst();
        }
    };

    static final io.vnet.manager.rest.Identity ADMIN = new io.vnet.manager.rest.Identity("admin", true, "", "",
            java.util.Set.of(), "local");

    private final Api api = new Api((ManagerStore) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {ManagerStore.class}, (p, m, a) -> {
                throw new UnsupportedOperationException(m.getName());
            }), registry, null, null, null, null);

    private static HostInfo host(String id, List<VmInstance> vms) {
        return new HostInfo(id, "host", null, true, List.of(NetworkId.of(100)), Map.of(), -1, -1, List.of(),
                Instant.EPOCH, List.of(), vms);
    }

    @Test
    void listsTheNamedVmsOfEveryHostAndFindsOneByUuid() {
        VmInstance a = new VmInstance("6f1c2b3a-0000-4000-8000-000000000001", "i-2-10-VM", "kvm-1", "libvirt",
                List.of(new VmInstance.Nic(NetworkId.of(100), MacAddress.parse("02:00:0a:00:00:01"), "lv1", "vnbr100")),
                Instant.parse("2026-11-30T12:00:00Z"));
        VmInstance b = new VmInstance("6f1c2b3a-0000-4000-8000-000000000002", "web", "kvm-2", "libvirt", List.of(), Instant.EPOCH);
        hosts.add(host("kvm-1", List.of(a)));
        hosts.add(host("kvm-2", List.of(b)));
        JsonNode all = api.get("/vms", Map.of(), ADMIN);
        assertEquals(2, all.size());
        JsonNode one = api.get("/vms/6F1C2B3A-0000-4000-8000-000000000001", Map.of(), ADMIN);
        assertEquals("i-2-10-VM", one.get("name").asText());
        assertEquals("kvm-1", one.get("hostId").asText());
        assertEquals("02:00:0a:00:00:01", one.get("nics").get(0).get("mac").asText());
        assertEquals(100, one.get("nics").get(0).get("vni").asInt());
        assertEquals("vnbr100", one.get("nics").get(0).get("bridge").asText());
        assertEquals("2026-11-30T12:00:00Z", one.get("registeredAt").asText());
        assertEquals(1, api.get("/agents", Map.of(), ADMIN).get(0).get("instances").size());
        assertEquals(404, assertThrows(ApiError.class, () -> api.get("/vms/nope", Map.of(), ADMIN)).status);
    }

    @Test
    void withoutTheRegistryTheRouteSaysSo() {
        Api bare = new Api((ManagerStore) null, null, null, null, null, null);
        assertEquals(503, assertThrows(ApiError.class, () -> bare.get("/vms", Map.of(), ADMIN)).status);
    }
}
