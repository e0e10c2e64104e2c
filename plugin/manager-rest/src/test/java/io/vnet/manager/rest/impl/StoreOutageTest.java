package io.vnet.manager.rest.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.DesiredState;
import io.vnet.manager.DesiredStateService;
import io.vnet.manager.TopologyService;
import io.vnet.manager.store.ManagerStore;
import io.vnet.manager.store.StoreUnavailableException;
import io.vnet.vttif.TopologyChange;
import io.vnet.vttif.TopologyClass;
import io.vnet.vttif.TopologyGraph;
import io.vnet.vttif.TrafficMatrix;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The API while the database is away: writes refused with 503 before they change anything, reads
 * the manager can answer from memory answered, and {@code /readyz}'s reason; the store's check is
 * bounded and shared.
 */
class StoreOutageTest {
    private static final String NAME = "jdbc:postgresql://db.example:5432/vnet";
    private static final MacAddress A = MacAddress.parse("52:54:00:00:00:0a");
    private static final MacAddress B = MacAddress.parse("52:54:00:00:00:0b");

    /** A store that is down (every call but describe fails as unreachable) or up (ping answers). */
    static final class Db {
        volatile boolean down;
        volatile CountDownLatch hang;
        final AtomicInteger pings = new AtomicInteger();

        ManagerStore store() {
            return (ManagerStore) Proxy.newProxyInstance(StoreOutageTest.class.getClassLoader(),
                    new Class<?>[] {ManagerStore.class}, (proxy, m, args) -> {
                        if (m.getName().equals("describe")) {
                            return NAME;
                        }
                        if (m.getName().equals("ping")) {
                            pings.incrementAndGet();
                            CountDownLatch h = hang;
                            if (h != null) {
                                h.await(10, TimeUnit.SECONDS);
                            }
                        }
                        if (down) {
                            throw new StoreUnavailableException(m.getName() + " on " + NAME + ": the database is"
                                    + " unreachable: Connection to db.example:5432 refused", null);
                        }
                        return switch (m.getName()) {
                            case "ping" -> null;
                            case "latestTopology", "desiredState" -> Optional.empty();
                            case "networks", "hosts" -> List.of();
                            default -> throw new UnsupportedOperationException(m.getName());
                        };
                    });
        }
    }

    /** The desired states in memory, counting the calls that set one. */
    static final class Desired implements DesiredStateService {
        final AtomicInteger sets = new AtomicInteger();
        DesiredState d = new DesiredState("h1", 7, List.of(), List.of());

        @Override
        public DesiredState set(String hostId, List<LinkSpec> links, List<ForwardingRule> rules) {
            sets.incrementAndGet();
            d = new DesiredState(hostId, d.generation() + 1, links, rules);
            return d;
        }

        @Override
        public Optional<DesiredState> get(String hostId) {
            return hostId.equals(d.hostId()) ? Optional.of(d) : Optional.empty();
        }
    }

    /** VTTIF holding one network's topology: A and B exchanging. */
    static final class Vttif implements TopologyService {
        final TopologyGraph g = TopologyGraph.of(TopologyClass.ALL_TO_ALL, 0, 0, null,
                List.of(new TopologyGraph.Edge(A, B, 1.0)));

        @Override
        public Set<NetworkId> networks() {
            return Set.of(NetworkId.of(300));
        }

        @Override
        public Optional<TopologyGraph> topology(NetworkId network) {
            return network.vni() == 300 ? Optional.of(g) : Optional.empty();
        }

        @Override
        public TopologyGraph inferred(NetworkId network) {
            return g;
        }

        @Override
        public TrafficMatrix matrix(NetworkId network) {
            return TrafficMatrix.empty();
        }

        @Override
        public List<TopologyChange> history(NetworkId network) {
            return List.of();
        }
    }

    private final Db db = new Db();
    private final Desired desired = new Desired();
    private final Api api = new Api(db.store(), null, desired, null, null, new Vttif());
    private final StoreHealth health = new StoreHealth(db.store(), Clock.systemUTC(), 1000, 500);

    {
        api.storeHealth(health);
    }

    @Test
    void aWriteWhileTheDatabaseIsAwayIsRefusedBeforeItChangesAnythingAndSaysWhy() throws Exception {
        db.down = true;
        String body = "{\"links\": [], \"rules\": []}";
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> api.put("/hosts/h1/desired-state",
                Api.JSON.readTree(body), ApiTest.ADMIN));
        assertEquals(0, desired.sets.get(), "the desired state was not changed");
        assertTrue(e.getMessage().startsWith("the manager's database (" + NAME + ") is unreachable since "), e.getMessage());
        assertTrue(e.getMessage().contains("PUT /api/hosts/h1/desired-state was not done"), e.getMessage());
        assertTrue(e.getMessage().contains("refused"), "the database's own error: " + e.getMessage());
        assertTrue(e.getMessage().contains("try again"), e.getMessage());
        db.down = false;
        health.close();
        StoreHealth fresh = new StoreHealth(db.store(), Clock.systemUTC(), 1000, 500);
        api.storeHealth(fresh);
        JsonNode ok = api.put("/hosts/h1/desired-state", Api.JSON.readTree(body), ApiTest.ADMIN);
        assertEquals(1, desired.sets.get());
        assertEquals(8, ok.path("generation").asLong());
        fresh.close();
    }

    @Test
    void readsTheManagerHoldsInMemoryAreAnsweredWhileTheDatabaseIsAway() {
        db.down = true;
        JsonNode t = api.get("/networks/300/topology", Map.of(), ApiTest.ADMIN);
        assertEquals("ALL_TO_ALL", t.path("class").asText());
        assertEquals("memory", t.path("source").asText());
        assertEquals(1, t.path("graph").path("edges").size());
        JsonNode d = api.get("/hosts/h1/desired-state", Map.of(), ApiTest.ADMIN);
        assertEquals(7, d.path("generation").asLong());
        assertEquals("memory", d.path("source").asText());
        JsonNode nets = api.get("/networks", Map.of(), ApiTest.ADMIN);
        assertEquals(300, nets.get(0).path("vni").asInt(), nets.toString());
        ApiError none = assertThrows(ApiError.class, () -> api.get("/networks/301/topology", Map.of(), ApiTest.ADMIN));
        assertEquals(404, none.status, "what memory does not hold either is not found");
        // a read only the database can answer still says the database is away
        assertThrows(StoreUnavailableException.class, () -> api.get("/networks/300/topologies", Map.of(), ApiTest.ADMIN));
        db.down = false;
        assertEquals(404, assertThrows(ApiError.class, () -> api.get("/networks/300/topology", Map.of(), ApiTest.ADMIN))
                .status, "with the database back, its (empty) answer again, not memory's");
    }

    @Test
    void theStoreCheckIsSharedCachedAndBounded() throws Exception {
        for (int i = 0; i < 50; i++) {
            assertTrue(health.status().up());
        }
        assertEquals(1, db.pings.get(), "50 answers within a second: one check");
        StoreHealth slow = new StoreHealth(db.store(), Clock.systemUTC(), 0, 300);
        db.hang = new CountDownLatch(1);
        long t0 = System.nanoTime();
        StoreHealth.Status s = slow.status();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(s.up());
        assertTrue(s.error().contains("no answer within 300 ms"), s.error());
        assertTrue(ms < 2000, "bounded: " + ms + " ms");
        int pings = db.pings.get();
        assertFalse(slow.status().up(), "the same check still hangs");
        assertEquals(pings, db.pings.get(), "no second check while the first hangs");
        db.hang.countDown();
        db.hang = null;
        Thread.sleep(100);
        assertTrue(slow.status().up());
        slow.close();
    }

    @Test
    void downSinceIsTheFirstFailedCheckAndReadyzSaysWhy() {
        Clock t1 = Clock.fixed(Instant.parse("2026-12-06T08:00:00Z"), ZoneOffset.UTC);
        db.down = true;
        StoreHealth h = new StoreHealth(db.store(), t1, 0, 1000);
        StoreHealth.Status first = h.status();
        assertFalse(first.up());
        Readiness.Answer a = Readiness.of(first, NAME, true, null);
        assertEquals(503, a.status());
        String reason = a.body().path("reason").asText();
        assertTrue(reason.startsWith("database unreachable since 2026-12-06T08:00:00Z: "), reason);
        assertTrue(reason.contains("refused"), reason);
        assertEquals(NAME, a.body().path("store").path("name").asText());
        assertTrue(a.body().path("agentChannel").path("listening").asBoolean());
        h.close();

        StoreHealth.Status up = new StoreHealth.Status(true, Instant.now(), null, null);
        Readiness.Answer ok = Readiness.of(up, NAME, true, null);
        assertEquals(200, ok.status());
        assertTrue(ok.body().path("ready").asBoolean());
        assertNull(ok.body().get("reason"));
        Readiness.Answer noChannel = Readiness.of(up, NAME, false, null);
        assertEquals(503, noChannel.status());
        assertEquals("the agent channel is not listening", noChannel.body().path("reason").asText());
    }

    @Test
    void anUnavailableStoreAnswers503WithRetryAfterAndAJsonBody() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Map<String, String> headers = new java.util.HashMap<>();
        int[] status = {0};
        jakarta.servlet.ServletOutputStream sos = new jakarta.servlet.ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(jakarta.servlet.WriteListener l) {
            }

            @Override
            public void write(int b) {
                out.write(b);
            }
        };
        jakarta.servlet.http.HttpServletResponse resp = (jakarta.servlet.http.HttpServletResponse) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {jakarta.servlet.http.HttpServletResponse.class},
                (p, m, args) -> switch (m.getName()) {
                    case "isCommitted" -> false;
                    case "setStatus" -> {
                        status[0] = (Integer) args[0];
                        yield null;
                    }
                    case "setHeader" -> {
                        headers.put((String) args[0], (String) args[1]);
                        yield null;
                    }
                    case "getOutputStream" -> sos;
                    case "setContentType" -> null;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        ApiServlet.unavailable(resp, NAME, "GET /api/audit", new StoreUnavailableException(
                "query on " + NAME + ": the database is unreachable: Connection refused", null));
        assertEquals(503, status[0]);
        assertEquals(Integer.toString(StoreHealth.RETRY_AFTER_S), headers.get("Retry-After"));
        JsonNode body = Api.JSON.readTree(out.toByteArray());
        assertTrue(body.path("error").asText().startsWith("the manager's database (" + NAME + ") is unreachable: GET"
                + " /api/audit failed"), body.toString());
        assertEquals(NAME, body.path("store").asText());
        assertEquals(StoreHealth.RETRY_AFTER_S, body.path("retryAfterSeconds").asInt());
    }
}
