package io.vnet.manager.cloudstack.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/cloudstack/... against the recorded 4.20 answers. */
class RoutesTest {
    static final Map<String, String> AS_ADMIN = Map.of("authorization", FakeSessions.bearer(FakeSessions.ADMIN_TOKEN));
    static final Map<String, String> AS_ALICE = Map.of("authorization", FakeSessions.bearer(FakeSessions.ALICE_TOKEN));

    @TempDir
    java.nio.file.Path dir;
    TestBed bed;

    @BeforeEach
    void start() throws Exception {
        bed = new TestBed(dir);
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    /** The contract with the KVM host hook: exactly these keys, vni only on Home Networks. */
    @Test
    void theNicsOfAVmTheInventoryDoesNotKnowAreAskedFromCloudStack() throws Exception {
        Answer a = bed.get("/vms/" + TestBed.VM1.toUpperCase() + "/nics");
        assertEquals(200, a.status(), a.body().toString());
        JsonNode expected = CloudStackClient.JSON.readTree("{\"vm\":\"" + TestBed.VM1 + "\",\"nics\":["
                + "{\"mac\":\"02:00:4c:5f:00:01\",\"networkId\":\"" + TestBed.HOME + "\",\"networkName\":\"alice-home\","
                + "\"vni\":100000},"
                + "{\"mac\":\"02:00:3a:7e:00:02\",\"networkId\":\"" + TestBed.ISOLATED + "\",\"networkName\":\"alice-isolated\","
                + "\"vni\":null}]}");
        assertEquals(expected, a.body());
        assertEquals(TestBed.VM1, bed.cs.calls("listVirtualMachines").get(0).get("id"));
        assertEquals(expected, bed.get("/vms/" + TestBed.VM1 + "/nics").body(), "asked again: the same VNI");
    }

    @Test
    void unknownVmsAre404AndBadUuids400() {
        Answer a = bed.get("/vms/00000000-0000-4000-8000-000000000000/nics");
        assertEquals(404, a.status());
        assertEquals("listVirtualMachines: CloudStack error 404 (HTTP 404): CloudStack has no VM"
                + " 00000000-0000-4000-8000-000000000000", a.body().path("error").asText());
        Answer bad = bed.get("/vms/not-a-uuid/nics");
        assertEquals(400, bad.status());
        assertTrue(bad.body().path("error").asText().startsWith("uuid: "));
        assertEquals(404, bed.get("/nothing").status());
        assertEquals(405, bed.call("DELETE", "/vms", AS_ADMIN, new byte[0], true).status());
    }

    @Test
    void cloudStackUnreachableIs503() throws Exception {
        bed.cs.close();
        Answer a = bed.get("/vms/" + TestBed.VM1 + "/nics");
        assertEquals(503, a.status());
        assertTrue(a.body().path("error").asText().contains("unreachable"), a.body().toString());
    }

    @Test
    void notConfiguredIs503() {
        CloudStackApi off = new CloudStackApi("CloudStack is not configured", false);
        for (String path : List.of("/vms", "/vms/" + TestBed.VM1 + "/nics", "/networks")) {
            Answer a = off.handle("GET", path, Map.of(), new byte[0], true, Optional.empty());
            assertEquals(503, a.status());
            assertEquals("CloudStack is not configured", a.body().path("error").asText());
            assertEquals(503, off.handle("GET", path, AS_ADMIN, new byte[0], true, Optional.of(FakeSessions.ADMIN))
                    .status());
        }
        assertEquals(503, off.handle("POST", "/webhook", Map.of(), new byte[0], false, Optional.empty()).status());
    }

    @Test
    void readsAreLoopbackOnlyUnlessAllowed() {
        Answer a = bed.call("GET", "/vms", AS_ADMIN, new byte[0], false);
        assertEquals(403, a.status());
        assertTrue(a.body().path("error").asText().contains("vnet.manager.rest.allowRemote"), a.body().toString());
        Answer ext = bed.call("POST", "/extension/shutdown-network", Map.of(),
                Fixtures.text("4.23/extension-shutdown-network.json").getBytes(), false);
        assertEquals(403, ext.status());
    }

    /** The KVM hosts' hook asks from the hosts, with the token the extension uses; nothing else opens up. */
    @Test
    void theHooksQuestionIsAnsweredRemotelyWithTheTokenOnly() throws Exception {
        bed.close();
        bed = new TestBed(dir, Map.of("extensionToken", "h0st-t0ken"));
        String nics = "/vms/" + TestBed.VM1 + "/nics";
        assertEquals(401, bed.call("GET", nics, Map.of(), new byte[0], false).status());
        assertEquals(401, bed.call("GET", nics, Map.of("authorization", "Bearer wrong"), new byte[0], false).status());
        Answer a = bed.call("GET", nics, Map.of("authorization", "Bearer h0st-t0ken"), new byte[0], false);
        assertEquals(200, a.status(), a.body().toString());
        assertEquals(100_000, a.body().path("nics").get(0).path("vni").asInt());
        assertEquals(403, bed.call("GET", "/vms", Map.of("authorization", "Bearer h0st-t0ken"), new byte[0], false)
                .status(), "the token opens the hook's question only");
        Answer local = bed.call("GET", "/vms", Map.of("authorization", "Bearer h0st-t0ken"), new byte[0], true);
        assertEquals(401, local.status(), "nor is it a session: " + local.body());
        assertEquals(200, bed.call("GET", nics, Map.of("authorization", "Bearer h0st-t0ken"), new byte[0], true).status(),
                "no session needed for the hook's question, from loopback either");
    }

    /** With a hook token of its own, the hosts' token reads NICs and cannot reach the Network Extension's commands. */
    @Test
    void theHooksOwnTokenCannotDestroyNetworks() throws Exception {
        bed.close();
        bed = new TestBed(dir, Map.of("extensionToken", "extension-t0ken", "hookToken", "h0st-t0ken"));
        String nics = "/vms/" + TestBed.VM1 + "/nics";
        Map<String, String> host = Map.of("authorization", "Bearer h0st-t0ken", "content-type", "application/json");
        assertEquals(200, bed.call("GET", nics, host, new byte[0], false).status());
        byte[] destroy = "{\"network\": {\"id\": \"x\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (String cmd : List.of("destroy-network", "implement-network", "shutdown-network")) {
            Answer a = bed.call("POST", "/extension/" + cmd, host, destroy, false);
            assertEquals(401, a.status(), cmd + ": " + a.body());
            assertTrue(a.body().path("error").asText().contains("cloudstack.extensionToken"), a.body().toString());
        }
        assertEquals(401, bed.call("GET", nics, Map.of("authorization", "Bearer extension-t0ken"), new byte[0], false)
                .status(), "the hook's route takes the hook's token only, once it has one");
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class, () -> CloudStackConfig.parse(
                io.vnet.protocol.Json.MAPPER.readTree("{\"url\": \"http://127.0.0.1:1/client/api\","
                        + " \"apiKey\": \"k\", \"secretKey\": \"s\", \"events\": \"poll\", \"extensionToken\": \"t0ken-t0ken\","
                        + " \"hookToken\": \"t0ken-t0ken\"}"), dir));
        assertTrue(same.getMessage().contains("cloudstack.hookToken"), same.getMessage());
    }

    /** Every read but the hook's token route needs a signed-in admin: 401 without a session, 403 for a tenant. */
    @Test
    void theReadsNeedASignedInAdmin() throws Exception {
        for (String path : List.of("/vms", "/vms/" + TestBed.VM1, "/vms/" + TestBed.VM1 + "/nics", "/networks",
                "/prepared-nics", "/status")) {
            Answer none = bed.call("GET", path, Map.of(), new byte[0], true);
            assertEquals(401, none.status(), path + ": " + none.body());
            assertTrue(none.body().path("error").asText().startsWith("sign in: "), path + ": " + none.body());
            Answer unknown = bed.call("GET", path, Map.of("authorization", "Bearer no-such-session"), new byte[0], true);
            assertEquals(401, unknown.status(), path + ": " + unknown.body());
            assertTrue(unknown.body().path("error").asText().startsWith("sign in: "), path + ": " + unknown.body());
            Answer tenant = bed.call("GET", path, AS_ALICE, new byte[0], true);
            assertEquals(403, tenant.status(), path + ": " + tenant.body());
            assertTrue(tenant.body().path("error").asText().contains("alice"), tenant.body().toString());
            Answer admin = bed.call("GET", path, AS_ADMIN, new byte[0], true);
            assertEquals(200, admin.status(), path + ": " + admin.body());
        }
        assertTrue(bed.cs.calls("listVirtualMachines").stream().allMatch(c -> FakeCloudStack.API_KEY.equals(c.get("apiKey"))));
        assertEquals(401, bed.call("DELETE", "/vms", Map.of(), new byte[0], true).status(), "no method probing either");
        bed.sessions.forget(FakeSessions.ADMIN_TOKEN);
        assertEquals(401, bed.call("GET", "/vms", AS_ADMIN, new byte[0], true).status(), "signed out");
    }

    /** Remote reads, once allowed, still need the admin's session; the webhook stays open to any address (it is signed). */
    @Test
    void remoteReadsNeedASessionToo() throws Exception {
        bed.close();
        bed = new TestBed(dir, Map.of(), true);
        Answer none = bed.call("GET", "/networks", Map.of(), new byte[0], false);
        assertEquals(401, none.status(), none.body().toString());
        assertEquals(403, bed.call("GET", "/networks", AS_ALICE, new byte[0], false).status());
        assertEquals(200, bed.call("GET", "/networks", AS_ADMIN, new byte[0], false).status());
        Fixtures.Delivery d = Fixtures.delivery("4.20/webhook-vm-start.json");
        assertEquals(200, bed.call("POST", "/webhook", d.headers(), d.body(), false).status());
    }

    /** The routes on an HTTP server, the caller found from the Authorization header as the servlet finds it. */
    @Test
    void overHttpTheAuthorizationHeaderNamesTheCaller() throws Exception {
        try (RoutesServer routes = new RoutesServer(bed.wiring.api, bed.sessions)) {
            HttpClient http = HttpClient.newHttpClient();
            URI status = URI.create(routes.url() + RoutesServer.PREFIX + "/status");
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(status).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            assertTrue(CloudStackClient.JSON.readTree(anonymous.body()).path("error").asText().startsWith("sign in: "));
            HttpResponse<String> admin = http.send(HttpRequest.newBuilder(status)
                    .header("Authorization", FakeSessions.bearer(FakeSessions.ADMIN_TOKEN)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, admin.statusCode(), admin.body());
            HttpResponse<String> tenant = http.send(HttpRequest.newBuilder(status)
                    .header("Authorization", FakeSessions.bearer(FakeSessions.ALICE_TOKEN)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, tenant.statusCode(), tenant.body());
        }
    }

    @Test
    void theInventoryAndTheVniMap() throws Exception {
        bed.agent("kvm-host-1", 100_000, TestBed.VM1_HOME_MAC);
        bed.wiring.inventory.fullSync();
        JsonNode vms = bed.get("/vms").body();
        assertEquals(2, vms.size());
        JsonNode vm1 = vms.get(0);
        assertEquals(TestBed.VM1, vm1.path("uuid").asText());
        assertEquals("alice", vm1.path("account").asText());
        assertEquals("kvm1.example.org", vm1.path("host").path("name").asText());
        assertEquals("kvm-host-1", vm1.path("nics").get(0).path("vnetHost").asText());
        assertEquals(100_000, vm1.path("nics").get(0).path("vni").asInt());
        assertTrue(vm1.path("nics").get(1).path("vni").isNull());
        assertEquals(TestBed.VM2, bed.get("/vms/" + TestBed.VM2).body().path("uuid").asText());
        JsonNode nets = bed.get("/networks").body();
        assertEquals(1, nets.size());
        assertEquals(TestBed.HOME, nets.get(0).path("networkId").asText());
        assertEquals(100_000, nets.get(0).path("vni").asInt());
        assertEquals(2, bed.get("/status").body().path("vms").asInt());
    }
}
