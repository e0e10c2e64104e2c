package io.vnet.manager.rest.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.manager.rest.Identity;
import io.vnet.manager.store.SessionRecord;
import io.vnet.manager.store.SessionStore;
import io.vnet.manager.store.StoreException;
import io.vnet.manager.store.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two managers' {@link Auth} on one session table (a hand-written one, with a switch for "the
 * database is away"): a token one gave is accepted by the other, a sign-out on one ends it on the
 * other within {@link Auth#RECHECK}, only the token's hash is kept, and the database's absence
 * neither signs anybody out nor lets an unknown token in.
 */
class SharedSessionsTest {
    /** The api_session table in memory. */
    static final class Table implements SessionStore {
        final Map<String, SessionRecord> rows = new HashMap<>();
        boolean down;
        int lookups;

        private void reachable() {
            if (down) {
                throw new StoreUnavailableException("the manager's database is unreachable (test)", null);
            }
        }

        @Override
        public synchronized void addSession(SessionRecord s) {
            reachable();
            if (rows.putIfAbsent(s.tokenHash(), s) != null) {
                throw new StoreException("duplicate token hash");
            }
        }

        @Override
        public synchronized Optional<SessionRecord> session(String tokenHash, Instant now) {
            lookups++;
            reachable();
            return Optional.ofNullable(rows.get(tokenHash)).filter(r -> now.isBefore(r.expiresAt()));
        }

        @Override
        public synchronized boolean deleteSession(String tokenHash) {
            reachable();
            return rows.remove(tokenHash) != null;
        }

        @Override
        public synchronized int sessionCount(Instant now) {
            reachable();
            return (int) rows.values().stream().filter(r -> now.isBefore(r.expiresAt())).count();
        }

        @Override
        public synchronized int pruneSessions(Instant before) {
            reachable();
            int n = rows.size();
            rows.values().removeIf(r -> r.expiresAt().isBefore(before));
            return n - rows.size();
        }
    }

    private final AuthTest.Manual clock = new AuthTest.Manual();
    private final Table table = new Table();
    private final Auth one = manager();
    private final Auth two = manager();

    private Auth manager() {
        Auth a = new Auth("admin", "s3cret-password", Duration.ofMinutes(60), () -> null, false, clock);
        a.sharedSessions(table);
        return a;
    }

    private Auth.SignedIn signIn(Auth a) throws Exception {
        return a.signIn(Api.JSON.readTree("{\"user\":\"admin\",\"password\":\"s3cret-password\"}"), "127.0.0.1");
    }

    @Test
    void aTokenOneManagerGaveIsAcceptedByTheOtherUntilItExpires() throws Exception {
        Auth.SignedIn s = signIn(one);
        assertEquals(Optional.of(s.identity()), two.identify("Bearer " + s.token()));
        assertEquals(1, table.rows.size());
        SessionRecord row = table.rows.values().iterator().next();
        assertEquals(Auth.hash(s.token()), row.tokenHash());
        assertFalse(row.identity().contains(s.token()), "the token itself is not kept");
        assertEquals(s.expiresAt(), row.expiresAt());
        assertEquals(Optional.of(s.expiresAt()), two.expiresAt("Bearer " + s.token()), "its expiry comes with it");
        clock.now = clock.now.plus(Duration.ofMinutes(60));
        assertEquals(Optional.empty(), two.identify("Bearer " + s.token()), "expired on both");
        assertEquals(Optional.empty(), one.identify("Bearer " + s.token()));
        assertEquals(401, assertThrows(ApiError.class, () -> two.require("Bearer unknown-token")).status);
    }

    @Test
    void aSignOutOnOneManagerEndsTheSessionOnTheOtherWithinTheRecheck() throws Exception {
        Auth.SignedIn s = signIn(one);
        assertTrue(two.identify("Bearer " + s.token()).isPresent());
        assertTrue(one.signOut("Bearer " + s.token()));
        assertEquals(Optional.empty(), one.identify("Bearer " + s.token()), "at once where it was ended");
        clock.now = clock.now.plus(Auth.RECHECK);
        assertEquals(Optional.empty(), two.identify("Bearer " + s.token()), "within the recheck elsewhere");
        assertFalse(two.signOut("Bearer " + s.token()), "nothing left to end");
    }

    @Test
    void aTenantKeepsItsNetworksAcrossManagers() throws Exception {
        Identity alice = new Identity("alice", false, "acct-a", "dom-1", Set.of(100, 200), "cloudstack");
        Identity read = SessionIdentity.read(SessionIdentity.write(alice));
        assertEquals(alice, read);
        assertFalse(read.maySee(300));
    }

    @Test
    void withTheDatabaseAwayKnownSessionsStayAndUnknownTokensAreNotLetIn() throws Exception {
        Auth.SignedIn s = signIn(one);
        Auth.SignedIn other = signIn(two);
        assertTrue(one.identify("Bearer " + s.token()).isPresent());
        table.down = true;
        clock.now = clock.now.plus(Auth.RECHECK.multipliedBy(2));
        assertTrue(one.identify("Bearer " + s.token()).isPresent(), "a session known here outlives the outage");
        assertEquals(Optional.empty(), one.identify("Bearer " + other.token()), "one never seen here cannot be checked");
        ApiError e = assertThrows(ApiError.class, () -> one.require("Bearer " + other.token()));
        assertEquals(503, e.status, "a 503 says the database, not the token, is the problem");
        Auth.SignedIn during = signIn(one);
        assertTrue(one.identify("Bearer " + during.token()).isPresent(), "signing in works on this manager alone");
        assertTrue(one.sharedFailures() >= 2);
        table.down = false;
        assertEquals(Optional.empty(), two.identify("Bearer " + during.token()), "it never reached the database");
        assertTrue(one.identify("Bearer " + other.token()).isPresent(), "back: the other's token is found");
    }

    @Test
    void madeUpTokensCauseAtMostTheBoundOfLookupsASecond() throws Exception {
        Auth.SignedIn s = signIn(one);
        int refused = 0;
        for (int i = 0; i < Auth.LOOKUPS_PER_SECOND + 30; i++) {
            ApiError e = assertThrows(ApiError.class, () -> two.require("Bearer made-up-" + Math.random()));
            refused += e.status == 503 ? 1 : 0;
            assertTrue(e.status == 401 || e.status == 503, "unknown or not looked up: " + e.status);
        }
        assertEquals(Auth.LOOKUPS_PER_SECOND, table.lookups, "the database was asked no more than the bound");
        assertEquals(30, refused);
        assertEquals(30, two.refusedLookups());
        assertEquals(Optional.empty(), two.identify("Bearer " + s.token()), "a real one waits too, unknown here");
        clock.now = clock.now.plusSeconds(1);
        assertEquals(Optional.of(s.identity()), two.identify("Bearer " + s.token()), "a second later it is looked up");
        assertTrue(one.identify("Bearer " + s.token()).isPresent(), "known where it was given: no lookup at all");
    }

    @Test
    void anUnreadableRowIsAnUnknownToken() throws Exception {
        table.addSession(new SessionRecord(Auth.hash("forged-token"), "{\"user\":\"x\",\"admin\":\"yes\"}", clock.now,
                clock.now.plusSeconds(60)));
        assertEquals(Optional.empty(), one.identify("Bearer forged-token"));
        for (String bad : new String[] {"[]", "{\"user\":\"\",\"admin\":true,\"account\":\"\",\"domainId\":\"\",\"source\":\"\","
                + "\"networks\":[]}", "{\"user\":\"x\",\"admin\":false,\"account\":\"\",\"domainId\":\"\",\"source\":\"\","
                + "\"networks\":[0]}", "{\"user\":\"x\",\"admin\":false,\"extra\":1}", "not json"}) {
            assertThrows(IllegalArgumentException.class, () -> SessionIdentity.read(bad), bad);
        }
    }
}
