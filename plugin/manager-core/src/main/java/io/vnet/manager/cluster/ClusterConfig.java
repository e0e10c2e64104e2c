package io.vnet.manager.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.protocol.Json;
import java.util.Set;

/**
 * The {@code "cluster"} section of the manager's configuration (absent: the manager is alone and
 * owns every network):
 * <pre>
 *   "cluster": {
 *     "id": "mgr-a",                          // this manager's name in the cluster (unique)
 *     "agentAddress": "10.0.0.5:5900",        // where agents and the other managers reach it
 *     "apiAddress": "https://10.0.0.5:8443",  // optional: its REST API, for the page and forwarding
 *     "leaseMs": 5000,                        // how long a network's lease lasts unless renewed
 *     "tickMs": 1000                          // how often leases are renewed and claimed
 *   }
 * </pre>
 * A manager that dies is replaced as owner within about {@code leaseMs + tickMs}.
 */
public record ClusterConfig(String id, String agentAddress, String apiAddress, long leaseMs, long tickMs) {
    /** The configuration's top-level field this section is. */
    public static final String FIELD = "cluster";
    static final Set<String> FIELDS = Set.of("id", "agentAddress", "apiAddress", "leaseMs", "tickMs");
    public static final int DEFAULT_LEASE_MS = 5000;
    public static final int DEFAULT_TICK_MS = 1000;

    public ClusterConfig {
        io.vnet.api.Ids.check("cluster.id", id);
        if (id.length() > 64) {
            throw new IllegalArgumentException("cluster.id: longer than 64 characters");
        }
        io.vnet.api.Endpoint.parse(agentAddress);
        if (apiAddress != null && !(apiAddress.startsWith("http://") || apiAddress.startsWith("https://"))
                || apiAddress != null && apiAddress.length() > 255) {
            throw new IllegalArgumentException("cluster.apiAddress: '" + apiAddress + "' is not an http(s):// address");
        }
        if (leaseMs < 1000 || leaseMs > 600_000) {
            throw new IllegalArgumentException("cluster.leaseMs: " + leaseMs + " is not in 1000..600000");
        }
        if (tickMs < 100 || tickMs * 3 > leaseMs) {
            throw new IllegalArgumentException("cluster.tickMs: " + tickMs + " must be at least 100 and at most a third"
                    + " of leaseMs (" + leaseMs + "): a lease is renewed several times before it expires");
        }
    }

    /** Reads the section; null when it is absent. @throws IllegalArgumentException naming the field that is wrong */
    public static ClusterConfig parse(JsonNode section) {
        if (section == null || section.isNull()) {
            return null;
        }
        if (!section.isObject()) {
            throw new IllegalArgumentException("cluster: expected an object {id, agentAddress, apiAddress, leaseMs, tickMs}");
        }
        Json.onlyFields(section, "cluster", FIELDS);
        int lease = Json.integer(section, "cluster", "leaseMs", 1000, 600_000, DEFAULT_LEASE_MS);
        int tick = Json.integer(section, "cluster", "tickMs", 100, 200_000, DEFAULT_TICK_MS);
        return new ClusterConfig(Json.text(section, "cluster", "id"), Json.text(section, "cluster", "agentAddress"),
                Json.optText(section, "cluster", "apiAddress", null), lease, tick);
    }
}
