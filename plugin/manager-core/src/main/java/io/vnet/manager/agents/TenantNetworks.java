package io.vnet.manager.agents;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.NetworkId;
import io.vnet.protocol.CertIdentity;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The networks each tenant owns, from the manager's {@code "tenants"} section
 * ({@code {"alice": [100, 101], "bob": [200]}}): what a proxy whose certificate names that tenant
 * may carry. A network belongs to one tenant. Bounded: at most {@value #MAX_TENANTS} tenants and
 * {@value #MAX_NETWORKS} networks in all; a section beyond that, like any bad entry, is refused
 * with the reason (the manager does not start on a configuration it would misread).
 * Without the section the manager has no tenant directory ({@link #configured()} is false).
 */
final class TenantNetworks {
    static final int MAX_TENANTS = 10_000;
    static final int MAX_NETWORKS = 65_536;

    private final Map<String, Set<NetworkId>> byTenant;

    private TenantNetworks(Map<String, Set<NetworkId>> byTenant) {
        this.byTenant = byTenant;
    }

    /** No tenant directory: proxies are not narrowed to a tenant's networks. */
    static TenantNetworks none() {
        return new TenantNetworks(null);
    }

    static TenantNetworks of(Map<String, Set<NetworkId>> byTenant) {
        Map<String, Set<NetworkId>> copy = new LinkedHashMap<>();
        byTenant.forEach((t, n) -> copy.put(CertIdentity.checkTenant("tenant", t), Set.copyOf(n)));
        return new TenantNetworks(Map.copyOf(copy));
    }

    /** The {@code "tenants"} section; missing or null: {@link #none()}. */
    static TenantNetworks parse(JsonNode section) {
        if (section == null || section.isNull() || section.isMissingNode()) {
            return none();
        }
        if (!section.isObject()) {
            throw new IllegalArgumentException("tenants: expected an object {\"TENANT\": [VNI, ...]}, got " + section.getNodeType());
        }
        if (section.size() > MAX_TENANTS) {
            throw new IllegalArgumentException("tenants: " + section.size() + " tenants, at most " + MAX_TENANTS);
        }
        Map<String, Set<NetworkId>> out = new LinkedHashMap<>();
        Map<NetworkId, String> owner = new java.util.HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = section.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String tenant = CertIdentity.checkTenant("tenant", e.getKey());
            JsonNode vnis = e.getValue();
            if (!vnis.isArray()) {
                throw new IllegalArgumentException("tenants." + tenant + ": expected an array of VNIs, got " + vnis.getNodeType());
            }
            Set<NetworkId> networks = new TreeSet<>();
            for (JsonNode v : vnis) {
                if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                    throw new IllegalArgumentException("tenants." + tenant + ": expected VNIs, got " + v);
                }
                NetworkId n;
                try {
                    n = NetworkId.of(v.intValue());
                } catch (IllegalArgumentException x) {
                    throw new IllegalArgumentException("tenants." + tenant + ": " + x.getMessage());
                }
                String other = owner.putIfAbsent(n, tenant);
                if (other != null && !other.equals(tenant)) {
                    throw new IllegalArgumentException("tenants: network " + n + " is both " + other + "'s and " + tenant
                            + "'s; a network belongs to one tenant");
                }
                if (owner.size() > MAX_NETWORKS) {
                    throw new IllegalArgumentException("tenants: more than " + MAX_NETWORKS + " networks");
                }
                networks.add(n);
            }
            out.put(tenant, Set.copyOf(networks));
        }
        return new TenantNetworks(Map.copyOf(out));
    }

    /** Whether the manager knows tenants' networks (else proxies are not narrowed). */
    boolean configured() {
        return byTenant != null;
    }

    /** The networks of {@code tenant}: none if it is unknown. */
    Set<NetworkId> networks(String tenant) {
        return byTenant == null || tenant == null ? Set.of() : byTenant.getOrDefault(tenant, Set.of());
    }

    int tenants() {
        return byTenant == null ? 0 : byTenant.size();
    }
}
