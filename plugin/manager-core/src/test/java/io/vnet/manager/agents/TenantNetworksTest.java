package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.NetworkId;
import io.vnet.protocol.Json;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TenantNetworksTest {
    private static TenantNetworks parse(String json) throws Exception {
        return TenantNetworks.parse(Json.MAPPER.readTree(json));
    }

    @Test
    void eachTenantOwnsItsNetworks() throws Exception {
        TenantNetworks t = parse("{\"alice\": [100, 101], \"bob\": [200], \"idle\": []}");
        assertTrue(t.configured());
        assertEquals(3, t.tenants());
        assertEquals(Set.of(NetworkId.of(100), NetworkId.of(101)), t.networks("alice"));
        assertEquals(Set.of(), t.networks("idle"));
        assertEquals(Set.of(), t.networks("mallory"), "an unknown tenant owns nothing");
        assertEquals(Set.of(), t.networks(null));
    }

    @Test
    void withoutTheSectionThereIsNoDirectory() {
        assertFalse(TenantNetworks.parse(null).configured());
        assertFalse(TenantNetworks.parse(Json.MAPPER.nullNode()).configured());
    }

    @Test
    void badSectionsAreRefusedWithTheReason() {
        String[][] cases = {
                {"[100]", "expected an object"},
                {"{\"alice\": 100}", "expected an array"},
                {"{\"alice\": [\"100\"]}", "expected VNIs"},
                {"{\"alice\": [1.5]}", "expected VNIs"},
                {"{\"alice\": [99999999999]}", "expected VNIs"},
                {"{\"alice\": [0]}", "tenants.alice"},
                {"{\"alice\": [16777216]}", "tenants.alice"},
                {"{\"al ice\": [100]}", "invalid tenant"},
                {"{\"\": [100]}", "invalid tenant"},
                {"{\"alice\": [100], \"bob\": [100]}", "belongs to one tenant"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void theSectionIsBounded() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i <= TenantNetworks.MAX_TENANTS; i++) {
            b.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":[]");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(b + "}"));
        assertTrue(e.getMessage().contains("at most " + TenantNetworks.MAX_TENANTS), e.getMessage());
        StringBuilder n = new StringBuilder("{\"alice\":[");
        for (int i = 1; i <= TenantNetworks.MAX_NETWORKS + 1; i++) {
            n.append(i == 1 ? "" : ",").append(i);
        }
        e = assertThrows(IllegalArgumentException.class, () -> parse(n + "]}"));
        assertTrue(e.getMessage().contains("more than " + TenantNetworks.MAX_NETWORKS), e.getMessage());
    }

    @Test
    void theManagersConfigurationReadsIt() throws Exception {
        AgentsConfig c = AgentsConfig.from(io.vnet.manager.config.ManagerConfiguration.of(null,
                (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree("{\"tenants\": {\"alice\": [100]}}")));
        assertEquals(Set.of(NetworkId.of(100)), c.tenants().networks("alice"));
        assertFalse(AgentsConfig.from(io.vnet.manager.config.ManagerConfiguration.none()).tenants().configured());
    }
}
