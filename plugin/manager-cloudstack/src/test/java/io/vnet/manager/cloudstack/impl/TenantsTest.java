package io.vnet.manager.cloudstack.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.manager.rest.Identity;
import io.vnet.manager.rest.TenantDirectory.SignInException;
import io.vnet.manager.store.CloudStackNetwork;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-in with CloudStack keys ({@link CloudStackTenants}) against the fake CloudStack, which checks
 * each request's signature against the key pair its API key names and answers the recorded 4.20
 * listAccounts shapes: alice's (a User-role account) and ops' (a user of the root admin account).
 */
class TenantsTest {
    /** alice's keys; listAccounts-user.json and listAccounts-admin.json list this API key. */
    static final String ALICE_API_KEY =
            "pT4wK9mZ2xQ7vB1nR6sD3fH8jL5cG0aE-yU_iO4pA7sD2fG9hJ1kL6zX3cV8bN5mQ0wE4rT7yU1iO9pA2sD6fG3hJ";
    static final String ALICE_SECRET_KEY =
            "hJ8kL2zX5cV9bN3mQ6wE1rT4yU7iO0pA3sD6fG9hJ2kL5zX8cV1bN4mQ7wE0rT3yU6iO9pA2sD5fG8hJ1kL4zX7c";
    /** ops' keys, a user of the root admin account (listAccounts-admin.json). */
    static final String OPS_API_KEY =
            "oP5sA8dF1gH4jK7lZ0xC3vB6nM9qW2eR-tY_uI5oP8aS1dF4gH7jK0lZ3xC6vB9nM2qW5eR8tY1uI4oP7aS0dF3gH6";
    static final String OPS_SECRET_KEY =
            "zM4xN7cB0vQ3wE6rT9yU2iO5pA8sD1fG4hJ7kL0zX3cV6bN9mQ2wE5rT8yU1iO4pA7sD0fG3hJ6kL9zX2cV5bN8mQ1";
    static final String ROOT_DOMAIN = "d0e1f2a3-b4c5-4d6e-9f0a-1b2c3d4e5f60";
    static final String BOB_HOME = "2e4f6a8c-0b1d-4f3e-9a5c-7e9b1d3f5a7c";

    @TempDir
    Path dir;
    TestBed bed;
    CloudStackTenants tenants;

    @BeforeEach
    void start() throws Exception {
        bed = new TestBed(dir);
        tenants = bed.wiring.tenants;
        bed.cs.addKeys(ALICE_API_KEY, ALICE_SECRET_KEY);
        bed.cs.addKeys(OPS_API_KEY, OPS_SECRET_KEY);
        bed.cs.on("listAccounts", p -> new FakeCloudStack.Reply(200, Fixtures.text(
                OPS_API_KEY.equals(p.get("apiKey")) ? "4.20/listAccounts-admin.json" : "4.20/listAccounts-user.json")));
        bed.cs.onList("listNetworks", "4.20/listNetworks-two-accounts.json", "network", Map.of());
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    @Test
    void goodUserKeysSignInATenantWithItsAccountsHomeNetworksOnly() throws Exception {
        // bob's Home Network already has a VNI (100000): alice must not get it
        assertEquals(100_000, bed.wiring.vnis.vni(BOB_HOME).orElseThrow());
        Identity alice = tenants.signIn(ALICE_API_KEY, ALICE_SECRET_KEY);
        assertEquals(new Identity("alice", false, "alice", ROOT_DOMAIN, Set.of(100_001), "cloudstack"), alice);
        assertTrue(alice.maySee(100_001));
        assertFalse(alice.maySee(100_000), "bob's network");
        assertEquals(0, bed.cs.refused(), "every request was signed right");

        Map<String, String> asked = bed.cs.calls("listAccounts").get(0);
        assertEquals(ALICE_API_KEY, asked.get("apiKey"), "listAccounts is asked with the tenant's own keys");
        List<Map<String, String>> nets = bed.cs.calls("listNetworks").stream().filter(c -> c.containsKey("account"))
                .toList();
        assertEquals(1, nets.size(), "one query for the account's networks: " + bed.cs.calls("listNetworks"));
        assertEquals(FakeCloudStack.API_KEY, nets.get(0).get("apiKey"), "with the manager's own keys");
        assertEquals("alice", nets.get(0).get("account"));
        assertEquals(ROOT_DOMAIN, nets.get(0).get("domainid"));
        assertEquals("true", nets.get(0).get("listall"));
        assertNull(nets.get(0).get("projectid"), "CloudStack refuses account together with projectid");

        CloudStackNetwork home = bed.wiring.vnis.byVni(100_001).orElseThrow();
        assertEquals(TestBed.HOME, home.networkUuid(), "alice-home got the next VNI; alice-isolated none");
        assertEquals(2, bed.wiring.vnis.networks().size());
        assertEquals(Set.of(100_001), tenants.networks(alice), "asked again: the same VNI, nothing new allocated");
        assertEquals(2, bed.wiring.vnis.networks().size());
    }

    @Test
    void aRootAdminAccountSignsInAsAnAdmin() throws Exception {
        bed.wiring.vnis.vni(TestBed.HOME);
        bed.wiring.vnis.vni(BOB_HOME);
        Identity ops = tenants.signIn(OPS_API_KEY, OPS_SECRET_KEY);
        assertEquals("ops", ops.user(), "the user of the API key, not the first user of the account");
        assertTrue(ops.admin());
        assertEquals("admin", ops.account());
        assertEquals(ROOT_DOMAIN, ops.domainId());
        assertEquals("cloudstack", ops.source());
        assertEquals(Set.of(100_000, 100_001), ops.networks(), "every Home Network with a VNI");
        assertTrue(ops.maySee(123_456));
        assertTrue(bed.cs.calls("listNetworks").stream().noneMatch(c -> c.containsKey("account")),
                "an admin's networks are not asked per account");
    }

    @Test
    void theOnlyAccountListedIsTheCallersWhenItsUsersAreNotShown() throws Exception {
        String noUsers = Fixtures.text("4.20/listAccounts-user.json").replaceAll("\"user\":\\[.*?\\],\"isdefault\"",
                "\"user\":[],\"isdefault\"");
        bed.cs.on("listAccounts", p -> new FakeCloudStack.Reply(200, noUsers));
        Identity alice = tenants.signIn(ALICE_API_KEY, ALICE_SECRET_KEY);
        assertEquals("alice", alice.user(), "the account's name");
        assertEquals("alice", alice.account());
        assertFalse(alice.admin());
    }

    @Test
    void aWrongSecretKeyIsRefusedWithoutEchoingIt() {
        String wrong = "Zz9-this-is-not-alices-secret-key-9zZ";
        SignInException e = assertThrows(SignInException.class, () -> tenants.signIn(ALICE_API_KEY, wrong));
        assertTrue(e.refused(), e.getMessage());
        assertTrue(e.getMessage().contains("401"), e.getMessage());
        assertTrue(e.getMessage().contains("unable to verify user credentials"), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), "the secret is not echoed: " + e.getMessage());
        assertFalse(e.getMessage().contains(ALICE_SECRET_KEY));
        assertEquals(1, bed.cs.refused());
        SignInException unknown = assertThrows(SignInException.class,
                () -> tenants.signIn("no-such-api-key", ALICE_SECRET_KEY));
        assertTrue(unknown.refused(), unknown.getMessage());
        assertTrue(bed.cs.calls("listNetworks").isEmpty(), "nothing else was asked");
    }

    @Test
    void missingKeysAreRefusedByName() {
        for (String blank : new String[] {null, "", "  "}) {
            SignInException noKey = assertThrows(SignInException.class, () -> tenants.signIn(blank, ALICE_SECRET_KEY));
            assertTrue(noKey.refused());
            assertTrue(noKey.getMessage().startsWith("apiKey: missing"), noKey.getMessage());
            SignInException noSecret = assertThrows(SignInException.class, () -> tenants.signIn(ALICE_API_KEY, blank));
            assertTrue(noSecret.refused());
            assertTrue(noSecret.getMessage().startsWith("secretKey: missing"), noSecret.getMessage());
        }
        assertTrue(bed.cs.calls("listAccounts").isEmpty(), "CloudStack was not asked");
    }

    @Test
    void aRoleWithoutListAccountsIsRefused() {
        bed.cs.on("listAccounts", p -> new FakeCloudStack.Reply(432, "{\"listaccountsresponse\":{\"uuidList\":[],"
                + "\"errorcode\":432,\"errortext\":\"The user is not allowed to request the API command or the API"
                + " command does not exist\"}}"));
        SignInException e = assertThrows(SignInException.class, () -> tenants.signIn(ALICE_API_KEY, ALICE_SECRET_KEY));
        assertTrue(e.refused(), e.getMessage());
        assertTrue(e.getMessage().contains("432"), e.getMessage());
    }

    /** CloudStack down, overloaded or answering nonsense: the keys were not judged, so not refused (503). */
    @Test
    void cloudStackDownIsNotARefusal() throws Exception {
        bed.cs.on("listAccounts", p -> new FakeCloudStack.Reply(503, "<html><body>Service Unavailable</body></html>"));
        SignInException busy = assertThrows(SignInException.class, () -> tenants.signIn(ALICE_API_KEY, ALICE_SECRET_KEY));
        assertFalse(busy.refused(), busy.getMessage());
        assertTrue(busy.getMessage().contains("503"), busy.getMessage());

        bed.cs.on("listAccounts", p -> new FakeCloudStack.Reply(530, "{\"listaccountsresponse\":{\"uuidList\":[],"
                + "\"errorcode\":530,\"errortext\":\"Internal error executing command\"}}"));
        SignInException internal = assertThrows(SignInException.class,
                () -> tenants.signIn(ALICE_API_KEY, ALICE_SECRET_KEY));
        assertFalse(internal.refused(), internal.getMessage());

        bed.cs.on("listAccounts", p -> new FakeCloudStack.Reply(200, Fixtures.text("4.20/listAccounts-admin.json")));
        String another = ALICE_API_KEY.replace('p', 'q');
        bed.cs.addKeys(another, ALICE_SECRET_KEY);
        SignInException unclear = assertThrows(SignInException.class, () -> tenants.signIn(another, ALICE_SECRET_KEY));
        assertFalse(unclear.refused(), "an answer that names no account of the key: " + unclear.getMessage());

        bed.cs.close();
        SignInException down = assertThrows(SignInException.class, () -> tenants.signIn(ALICE_API_KEY, ALICE_SECRET_KEY));
        assertFalse(down.refused(), down.getMessage());
        assertTrue(down.getMessage().contains("unreachable"), down.getMessage());
        assertFalse(down.getMessage().contains(ALICE_SECRET_KEY));
        Identity alice = new Identity("alice", false, "alice", ROOT_DOMAIN, Set.of(), "cloudstack");
        SignInException refresh = assertThrows(SignInException.class, () -> tenants.networks(alice));
        assertFalse(refresh.refused(), refresh.getMessage());
    }
}
