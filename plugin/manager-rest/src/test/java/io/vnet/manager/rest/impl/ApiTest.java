package io.vnet.manager.rest.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.manager.store.Host;
import io.vnet.manager.store.ManagerStore;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiTest {
    private static final Host H = new Host("kvm-1", "10.0.0.1:5800", "host", Instant.parse("2026-01-01T00:00:00Z"));

    /** A store with one host and nothing else. */
    private static ManagerStore store() {
        return (ManagerStore) Proxy.newProxyInstance(ApiTest.class.getClassLoader(), new Class<?>[] {ManagerStore.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "hosts" -> List.of(H);
                    case "host" -> H.hostId().equals(args[0]) ? Optional.of(H) : Optional.empty();
                    case "latestTopology", "network", "desiredState" -> Optional.empty();
                    case "topologies", "trafficMatrices", "networks" -> List.of();
                    case "describe" -> "test";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    static final io.vnet.manager.rest.Identity ADMIN = new io.vnet.manager.rest.Identity("admin", true, "", "",
            java.util.Set.of(), "local");

    private final Api api = new Api(store());

    @Test
    void hosts() {
        JsonNode hosts = api.get("/hosts", Map.of(), ADMIN);
        assertEquals(1, hosts.size());
        assertEquals("kvm-1", hosts.get(0).get("hostId").asText());
        assertEquals("2026-01-01T00:00:00Z", hosts.get(0).get("lastSeen").asText());
        assertEquals("10.0.0.1:5800", api.get("/hosts/kvm-1", Map.of(), ADMIN).get("address").asText());
    }

    @Test
    void errorsNameTheField() {
        ApiError e = assertThrows(ApiError.class, () -> api.get("/networks/abc/topology", Map.of(), ADMIN));
        assertEquals(400, e.status);
        assertTrue(e.getMessage().startsWith("vni:"), e.getMessage());
        e = assertThrows(ApiError.class, () -> api.get("/networks/5/topologies", Map.of("limit", "0"), ADMIN));
        assertTrue(e.getMessage().startsWith("limit:"), e.getMessage());
        e = assertThrows(ApiError.class, () -> api.get("/networks/5/topologies", Map.of("from", "yesterday"), ADMIN));
        assertTrue(e.getMessage().startsWith("from:"), e.getMessage());
        e = assertThrows(ApiError.class, () -> api.get("/hosts/nobody", Map.of(), ADMIN));
        assertEquals(404, e.status);
        assertEquals(404, assertThrows(ApiError.class, () -> api.get("/networks/5/topology", Map.of(), ADMIN)).status);
        assertEquals(404, assertThrows(ApiError.class, () -> api.get("/nothing", Map.of(), ADMIN)).status);
        assertEquals(0, api.get("/networks/5/topologies", Map.of("from", "2026-01-01T00:00:00Z", "limit", "3"), ADMIN).size());
    }

    @Test
    void openApiDocumentIsOpenApi3WithResolvableRefs() {
        JsonNode doc = api.get("/openapi.json", Map.of(), ADMIN);
        assertTrue(doc.get("openapi").asText().startsWith("3."));
        assertTrue(doc.get("info").has("title"));
        for (String p : List.of("/api/hosts", "/api/networks", "/api/networks/{vni}/topology", "/api/openapi.json")) {
            assertTrue(doc.get("paths").has(p), p);
        }
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            assertTrue(op.getValue().has("responses"), path.getKey() + " " + op.getKey() + ": no responses");
            assertTrue(op.getValue().get("responses").has("200"), path.getKey());
            if (path.getKey().contains("{")) {
                assertTrue(op.getValue().has("parameters"), path.getKey() + ": path parameter not declared");
            }
        }));
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertTrue(refs.size() > 5);
        for (String ref : refs) {
            assertTrue(ref.startsWith("#/"), ref);
            assertTrue(!doc.at(ref.substring(1)).isMissingNode(), "unresolved $ref " + ref);
        }
    }

    private static void collectRefs(JsonNode n, List<String> out) {
        if (n.isObject()) {
            if (n.has("$ref")) {
                out.add(n.get("$ref").asText());
            }
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                collectRefs(it.next(), out);
            }
        } else if (n.isArray()) {
            n.forEach(c -> collectRefs(c, out));
        }
    }
}
