package io.vnet.manager.rest.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.manager.rest.Identity;
import io.vnet.manager.rest.TenantDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Sign-in with the local admin credential and with CloudStack keys (through a hand-written
 * directory), tokens, expiry, sign-out, the refusal of repeated failures, and a tenant's
 * networks followed while signed in.
 */
class AuthTest {
    /** A clock the test moves. */
    static final class Manual extends Clock {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** CloudStack as a directory: one tenant key pair, a switch for "unreachable", and the tenant's networks. */
    static final class Directory implements TenantDirectory {
        boolean down;
        Set<Integer> aliceNetworks = new HashSet<>(Set.of(100));
        int lookups;

        @Override
        public Identity signIn(String apiKey, String secretKey) throws SignInException {
            if (down) {
                throw new SignInException("connection refused", false);
            }
            if (!apiKey.equals("alice-key") || !secretKey.equals("alice-secret")) {
                throw new SignInException("CloudStack refused the keys (401)", true);
            }
            return new Identity("alice", false, "acct-a", "dom-1", aliceNetworks, "cloudstack");
        }

        @Override
        public Set<Integer> networks(Identity tenant) throws SignInException {
            lookups++;
            if (down) {
                throw new SignInException("connection refused", false);
            }
            return Set.copyOf(aliceNetworks);
        }
    }

    private final Manual clock = new Manual();
    private final Directory directory = new Directory();
    private TenantDirectory offered = directory;
    private final Auth auth = new Auth("admin", "s3cret-password", Duration.ofMinutes(60), () -> offered, true, clock);

    private static JsonNode json(String s) throws Exception {
        return Api.JSON.readTree(s);
    }

    @Test
    void theLocalAdminSignsInAndGetsATokenThatIdentifiesThemUntilItExpires() throws Exception {
        Auth.SignedIn s = auth.signIn(json("{\"user\":\"admin\",\"password\":\"s3cret-password\"}"), "127.0.0.1");
        assertTrue(s.identity().admin());
        assertEquals("local", s.identity().source());
        assertEquals(clock.now.plus(Duration.ofMinutes(60)), s.expiresAt());
        assertTrue(s.token().length() >= 40, "32 random bytes, base64url: " + s.token());
        assertEquals(Optional.of(s.identity()), auth.identify("Bearer " + s.token()));
        assertEquals(Optional.of(s.identity()), auth.identify("bearer  " + s.token() + " "), "scheme in any case");
        Auth.SignedIn again = auth.signIn(json("{\"user\":\"admin\",\"password\":\"s3cret-password\"}"), "127.0.0.1");
        assertNotEquals(s.token(), again.token(), "a new token per sign-in");
        clock.now = clock.now.plus(Duration.ofMinutes(60));
        assertEquals(Optional.empty(), auth.identify("Bearer " + s.token()), "expired");
        ApiError e = assertThrows(ApiError.class, () -> auth.require("Bearer " + s.token()));
        assertEquals(401, e.status);
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }

    @Test
    void wrongOrMissingCredentialsAreRefusedWithTheReason() {
        ApiError e = assertThrows(ApiError.class,
                () -> auth.signIn(json("{\"user\":\"admin\",\"password\":\"wrong-password\"}"), "10.1.1.1"));
        assertEquals(401, e.status);
        e = assertThrows(ApiError.class, () -> auth.signIn(json("{\"user\":\"root\",\"password\":\"s3cret-password\"}"), "10.1.1.1"));
        assertEquals(401, e.status);
        e = assertThrows(ApiError.class, () -> auth.signIn(json("{\"user\":\"admin\"}"), "10.1.1.1"));
        assertEquals(400, e.status);
        assertTrue(e.getMessage().startsWith("password:"), e.getMessage());
        e = assertThrows(ApiError.class, () -> auth.signIn(json("{\"user\":\"admin\",\"password\":\"x\",\"role\":\"admin\"}"),
                "10.1.1.1"));
        assertEquals(400, e.status, "unknown fields are refused: " + e.getMessage());
        e = assertThrows(ApiError.class, () -> auth.signIn(json("[1]"), "10.1.1.1"));
        assertEquals(400, e.status);
        assertEquals(401, assertThrows(ApiError.class, () -> auth.require(null)).status);
        assertEquals(401, assertThrows(ApiError.class, () -> auth.require("Basic YWRtaW46eA==")).status);
        assertEquals(401, assertThrows(ApiError.class, () -> auth.require("Bearer not-a-token")).status);
    }

    @Test
    void signingOutEndsTheSession() throws Exception {
        Auth.SignedIn s = auth.signIn(json("{\"user\":\"admin\",\"password\":\"s3cret-password\"}"), "127.0.0.1");
        assertTrue(auth.signOut("Bearer " + s.token()));
        assertFalse(auth.signOut("Bearer " + s.token()), "once");
        assertEquals(Optional.empty(), auth.identify("Bearer " + s.token()));
    }

    @Test
    void repeatedFailuresFromOneAddressAreRefusedForAMinuteOthersAreNot() throws Exception {
        for (int i = 0; i < Auth.MAX_FAILURES; i++) {
            assertEquals(401, assertThrows(ApiError.class,
                    () -> auth.signIn(json("{\"user\":\"admin\",\"password\":\"guess-guess\"}"), "10.9.9.9")).status);
        }
        ApiError e = assertThrows(ApiError.class,
                () -> auth.signIn(json("{\"user\":\"admin\",\"password\":\"s3cret-password\"}"), "10.9.9.9"));
        assertEquals(429, e.status, "even the right password, while refused");
        assertTrue(auth.signIn(json("{\"user\":\"admin\",\"password\":\"s3cret-password\"}"), "10.8.8.8").identity().admin(),
                "another address is not refused");
        clock.now = clock.now.plus(Auth.FAILURE_WINDOW).plusSeconds(1);
        assertTrue(auth.signIn(json("{\"user\":\"admin\",\"password\":\"s3cret-password\"}"), "10.9.9.9").identity().admin());
    }

    @Test
    void guessingOneUsersPasswordFromManyAddressesIsRefusedToo() throws Exception {
        for (int i = 0; i < Auth.MAX_FAILURES_PER_USER; i++) {
            String from = "10.7.0." + i; // a new address each time: the per-address limit never trips
            assertEquals(401, assertThrows(ApiError.class,
                    () -> auth.signIn(json("{\"user\":\"admin\",\"password\":\"guess-guess\"}"), from)).status);
        }
        ApiError e = assertThrows(ApiError.class,
                () -> auth.signIn(json("{\"user\":\"admin\",\"password\":\"s3cret-password\"}"), "10.7.1.1"));
        assertEquals(429, e.status, "the user is refused from any address for a while");
        assertTrue(e.getMessage().contains("as user admin"), e.getMessage());
        clock.now = clock.now.plus(Auth.FAILURE_WINDOW).plusSeconds(1);
        assertTrue(auth.signIn(json("{\"user\":\"admin\",\"password\":\"s3cret-password\"}"), "10.7.1.1").identity().admin());
    }

    @Test
    void theThrottleTracksABoundedNumberOfAddressesAndCountsWhatItForgets() {
        for (int i = 0; i < Auth.MAX_TRACKED; i++) {
            String from = "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255);
            String user = "u" + i; // a new user too, else that user is refused (429) before anything is tracked
            assertEquals(401, assertThrows(ApiError.class, () -> auth.signIn(
                    json("{\"user\":\"" + user + "\",\"password\":\"guess-guess\"}"), from)).status);
        }
        assertTrue(auth.forgottenFailures() > 0, "tracked at most " + Auth.MAX_TRACKED + " addresses and users");
    }

    @Test
    void aTrustedProxysForwardedForNamesTheCallerNobodyElsesDoes() {
        java.util.Set<String> proxies = java.util.Set.of("127.0.0.1", "10.0.0.2");
        Auth behind = new Auth("admin", "s3cret-password", Duration.ofMinutes(60), () -> offered, true, proxies, clock);
        assertEquals("203.0.113.7", behind.caller("127.0.0.1", "203.0.113.7"));
        assertEquals("203.0.113.7", behind.caller("127.0.0.1", "198.51.100.1, 203.0.113.7, 10.0.0.2"),
                "the rightmost address that is not a trusted proxy: what the caller wrote further left is not believed");
        assertEquals("192.0.2.9", behind.caller("192.0.2.9", "203.0.113.7"), "from anyone else the header is ignored");
        assertEquals("127.0.0.1", behind.caller("127.0.0.1", "not-an-address"), "a malformed entry is not believed");
        assertEquals("127.0.0.1", behind.caller("127.0.0.1", "example.com"), "names are never looked up");
        assertEquals("2001:db8:0:0:0:0:0:1", behind.caller("127.0.0.1", "[2001:db8::1]"));
        assertEquals("127.0.0.1", auth.caller("127.0.0.1", "203.0.113.7"), "no trusted proxy configured: ignored");
    }

    @Test
    void aTenantSignsInWithCloudStackKeysAndIsScopedToItsNetworks() throws Exception {
        Auth.SignedIn s = auth.signIn(json("{\"apiKey\":\"alice-key\",\"secretKey\":\"alice-secret\"}"), "127.0.0.1");
        Identity alice = s.identity();
        assertFalse(alice.admin());
        assertEquals(Set.of(100), alice.networks());
        assertTrue(alice.maySee(100));
        assertFalse(alice.maySee(101));
        ApiError e = assertThrows(ApiError.class,
                () -> auth.signIn(json("{\"apiKey\":\"alice-key\",\"secretKey\":\"nope\"}"), "127.0.0.1"));
        assertEquals(401, e.status);
        directory.down = true;
        e = assertThrows(ApiError.class,
                () -> auth.signIn(json("{\"apiKey\":\"alice-key\",\"secretKey\":\"alice-secret\"}"), "127.0.0.1"));
        assertEquals(503, e.status, "CloudStack unreachable is not a wrong key");
        offered = null;
        e = assertThrows(ApiError.class,
                () -> auth.signIn(json("{\"apiKey\":\"alice-key\",\"secretKey\":\"alice-secret\"}"), "127.0.0.1"));
        assertEquals(503, e.status);
        assertTrue(e.getMessage().contains("not running"), "configured, not started: " + e.getMessage());
        Auth noCloudStack = new Auth("admin", "s3cret-password", Duration.ofMinutes(60), () -> null, false, clock);
        e = assertThrows(ApiError.class, () -> noCloudStack.signIn(
                json("{\"apiKey\":\"alice-key\",\"secretKey\":\"alice-secret\"}"), "127.0.0.1"));
        assertEquals(503, e.status);
        assertTrue(e.getMessage().contains("not configured"), e.getMessage());
    }

    @Test
    void aTenantsNetworksAreLookedUpAgainAtMostOnceAMinute() throws Exception {
        String bearer = "Bearer " + auth.signIn(json("{\"apiKey\":\"alice-key\",\"secretKey\":\"alice-secret\"}"),
                "127.0.0.1").token();
        directory.aliceNetworks.add(101);
        assertEquals(Set.of(100), auth.identify(bearer).orElseThrow().networks(), "not yet");
        assertEquals(0, directory.lookups);
        clock.now = clock.now.plus(Auth.REFRESH);
        assertEquals(Set.of(100, 101), auth.identify(bearer).orElseThrow().networks(), "a network made since sign-in");
        assertEquals(Set.of(100, 101), auth.identify(bearer).orElseThrow().networks());
        assertEquals(1, directory.lookups, "once per minute");
        directory.down = true;
        clock.now = clock.now.plus(Auth.REFRESH);
        assertEquals(Set.of(100, 101), auth.identify(bearer).orElseThrow().networks(), "kept while CloudStack is down");
    }
}
