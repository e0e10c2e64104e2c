package io.vnet.manager.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.AgentRegistry;
import io.vnet.manager.HostInfo;
import io.vnet.manager.VmInstance;
import io.vnet.protocol.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class LibvirtMigrationsTest {
    private static final NetworkId NET = NetworkId.of(100);
    private static final MacAddress MAC = MacAddress.parse("52:54:00:00:00:0a");
    private static final String UUID = "0a5e2f6c-9b1d-4c1e-8f00-00000000000a";

    /** Agents with the VMs they registered by name. */
    private final Map<String, List<VmInstance>> registered = new ConcurrentHashMap<>();
    private final AgentRegistry agents = new AgentRegistry() {
        @Override
        public List<HostInfo> hosts() {
            return registered.keySet().stream().map(h -> host(h).orElseThrow()).toList();
        }

        @Override
        public Optional<HostInfo> host(String id) {
            List<VmInstance> vms = registered.get(id);
            return vms == null ? Optional.empty() : Optional.of(new HostInfo(id, "host", null, true, List.of(NET),
                    Map.of(), -1, -1, List.of(), Instant.EPOCH, List.of(), vms));
        }
    };

    private static VmInstance vm(String host) {
        return new VmInstance(UUID, "vm-a", host, "libvirt", List.of(new VmInstance.Nic(NET, MAC, "lv1", "br100")), Instant.EPOCH);
    }

    private static LibvirtHosts hosts(String json) throws Exception {
        return LibvirtHosts.parse(Json.MAPPER.readTree(json));
    }

    private static final String TWO = "{\"hosts\": {\"h1\": {\"uri\": \"qemu+tcp://192.0.2.1/system\", \"migrateUri\": \"tcp://192.0.2.1\"},"
            + " \"h2\": {\"uri\": \"qemu+tcp://192.0.2.2/system\", \"migrateUri\": \"tcp://192.0.2.2\"}}, \"announceWaitMs\": 2000}";

    @Test
    void movesTheDomainWithThatMacBetweenTheHostsDaemonsAndWaitsForItsRegistration() throws Exception {
        registered.put("h1", List.of(vm("h1")));
        registered.put("h2", List.of());
        List<String> calls = new ArrayList<>();
        LibvirtMigrations m = new LibvirtMigrations(agents, hosts(TWO), (uuid, from, to, via, timeout) -> {
            calls.add(uuid + " " + from + " -> " + to + " via " + via + " within " + timeout);
            // the destination's agent registers the VM a little later, as its watcher sees it resume
            new Thread(() -> {
                sleep(200);
                registered.put("h1", List.of());
                registered.put("h2", List.of(vm("h2")));
            }).start();
        });
        long t0 = System.nanoTime();
        m.migrate(NET, MAC, "h1", "h2");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(List.of(UUID + " qemu+tcp://192.0.2.1/system -> qemu+tcp://192.0.2.2/system via tcp://192.0.2.2 within 120000"),
                calls);
        assertEquals(1, registered.get("h2").size());
        assertTrue(ms >= 150 && ms < 2000, "returned once the destination registered it: " + ms + " ms");
    }

    @Test
    void aVmNotRegisteredByNameOrAHostWithoutUriIsRefusedClearly() throws Exception {
        registered.put("h1", List.of());
        LibvirtMigrations m = new LibvirtMigrations(agents, hosts(TWO), (a, b, c, d, e) -> {
            throw new AssertionError("not called");
        });
        Exception e = assertThrows(IllegalStateException.class, () -> m.migrate(NET, MAC, "h1", "h2"));
        assertTrue(e.getMessage().contains("not a libvirt domain registered"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.migrate(NET, MAC, "h1", "h9"));
        assertTrue(e.getMessage().contains("h9 has no libvirt URI"), e.getMessage());
    }

    @Test
    void aFailedMigrationSurfacesLibvirtsMessage() throws Exception {
        registered.put("h1", List.of(vm("h1")));
        LibvirtMigrations m = new LibvirtMigrations(agents, hosts(TWO), (a, b, c, d, e) -> {
            throw new io.vnet.libvirt.migrate.MigrationException("migrating domain " + a
                    + ": operation failed: guest CPU doesn't match specification", null);
        });
        Exception e = assertThrows(io.vnet.libvirt.migrate.MigrationException.class, () -> m.migrate(NET, MAC, "h1", "h2"));
        assertTrue(e.getMessage().contains("guest CPU"), e.getMessage());
    }

    @Test
    void badSectionsNameTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> hosts("{\"hosts\": {}}")).getMessage()
                .startsWith("libvirt.hosts:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> hosts("{\"hosts\": {\"h1\": {\"uri\": \"nowhere\"}}}"))
                .getMessage().startsWith("libvirt.hosts.h1.uri:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> hosts("{\"hosts\": {\"h1\": {\"url\": \"x\"}}}"))
                .getMessage().contains("url"));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
