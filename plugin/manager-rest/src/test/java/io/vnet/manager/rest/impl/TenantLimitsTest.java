package io.vnet.manager.rest.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.NetworkId;
import io.vnet.manager.AdaptationService;
import io.vnet.manager.rest.Identity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A tenant's adaptation settings stay within what the admin allows: by default a tenant cannot turn
 * migrations on nor raise the hourly cap above 4; the admin can, and can allow tenants more.
 */
class TenantLimitsTest {
    static final Identity ADMIN = ApiScopeTest.ADMIN;
    static final Identity ALICE = ApiScopeTest.ALICE; // may see network 100

    /** The settings part of the adaptation service, kept in memory. */
    static final class MemoryAdaptation implements AdaptationService {
        final Map<NetworkId, Settings> settings = new HashMap<>();

        @Override
        public Settings settings(NetworkId network) {
            return settings.getOrDefault(network, Settings.defaults());
        }

        @Override
        public Settings configure(NetworkId network, Settings s, String actor) {
            settings.put(network, s);
            return s;
        }

        @Override
        public List<Decision> decisions(NetworkId network) {
            return List.of();
        }

        @Override
        public Decision rollback(NetworkId network, String actor) {
            throw new IllegalStateException("nothing to roll back");
        }

        @Override
        public Decision apply(NetworkId network, String actor) {
            throw new IllegalStateException("nothing to apply");
        }

        @Override
        public Recommendation recommend(NetworkId network, String algorithm, boolean allowMigration) {
            throw new IllegalStateException("no plan here");
        }
    }

    final MemoryAdaptation adaptation = new MemoryAdaptation();
    final Api api = new Api(ApiScopeTest.store(), null, null, adaptation, null, null);

    private JsonNode put(String body, Identity who) throws Exception {
        return api.put("/networks/100/adaptation", Api.JSON.readTree(body), who);
    }

    @Test
    void byDefaultATenantMayNotTurnMigrationsOnOrRaiseTheirCap() throws Exception {
        ApiError e = assertThrows(ApiError.class, () -> put("{\"mode\":\"automatic\",\"migrate\":true}", ALICE));
        assertEquals(403, e.status);
        assertTrue(e.getMessage().contains("tenantMayMigrate"), e.getMessage());
        assertEquals(AdaptationService.Settings.defaults(), adaptation.settings(NetworkId.of(100)), "nothing changed");
        e = assertThrows(ApiError.class, () -> put("{\"maxMigrationsPerHour\":10000}", ALICE));
        assertEquals(403, e.status);
        assertTrue(e.getMessage().contains("at most 4"), e.getMessage());
        put("{\"mode\":\"automatic\",\"algorithm\":\"anneal\",\"maxMigrationsPerHour\":2}", ALICE);
        assertEquals(new AdaptationService.Settings(AdaptationService.Mode.AUTOMATIC, "anneal", false, 2),
                adaptation.settings(NetworkId.of(100)), "the rest is the tenant's");
    }

    @Test
    void theAdminMayAndWhatTheAdminSetStays() throws Exception {
        put("{\"migrate\":true,\"maxMigrationsPerHour\":20}", ADMIN);
        put("{\"mode\":\"recommend\",\"migrate\":true,\"maxMigrationsPerHour\":20}", ALICE); // unchanged: fine
        assertEquals(new AdaptationService.Settings(AdaptationService.Mode.RECOMMEND, "greedy", true, 20),
                adaptation.settings(NetworkId.of(100)));
        put("{\"migrate\":false}", ALICE); // turning them off is always allowed
        assertEquals(403, assertThrows(ApiError.class, () -> put("{\"migrate\":true}", ALICE)).status);
    }

    @Test
    void theAdminCanAllowTenantsMore() throws Exception {
        api.tenantLimits(new TenantLimits(true, 12));
        put("{\"migrate\":true,\"maxMigrationsPerHour\":12}", ALICE);
        assertTrue(adaptation.settings(NetworkId.of(100)).migrate());
        assertEquals(403, assertThrows(ApiError.class, () -> put("{\"maxMigrationsPerHour\":13}", ALICE)).status);
        assertEquals(403, assertThrows(ApiError.class, () -> api.put("/networks/101/adaptation",
                Api.JSON.readTree("{\"mode\":\"automatic\"}"), ALICE)).status, "not her network");
        assertEquals(Set.of(NetworkId.of(100)), adaptation.settings.keySet());
    }
}
