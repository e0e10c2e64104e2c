package io.vnet.manager.cloudstack.impl;

import io.vnet.manager.rest.Identity;
import io.vnet.manager.rest.Sessions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The REST API's sessions as the CloudStack routes see them: bearer tokens handed out by the test,
 * each naming an identity. Anything else (no header, another scheme, an unknown token) is nobody.
 */
final class FakeSessions implements Sessions {
    /** A local admin of the manager. */
    static final Identity ADMIN = new Identity("admin", true, "", "", java.util.Set.of(), "local");
    /** A CloudStack tenant: account alice, seeing VNI 100000 only. */
    static final Identity ALICE = new Identity("alice", false, "alice", "d0e1f2a3-b4c5-4d6e-9f0a-1b2c3d4e5f60",
            java.util.Set.of(100_000), CloudStackTenants.SOURCE);
    static final String ADMIN_TOKEN = "admin-session-token";
    static final String ALICE_TOKEN = "alice-session-token";

    private final Map<String, Identity> byToken = new ConcurrentHashMap<>();

    /** Knows {@link #ADMIN_TOKEN} and {@link #ALICE_TOKEN}. */
    static FakeSessions standard() {
        return new FakeSessions().with(ADMIN_TOKEN, ADMIN).with(ALICE_TOKEN, ALICE);
    }

    FakeSessions with(String token, Identity who) {
        byToken.put(token, who);
        return this;
    }

    /** Signs a token out. */
    void forget(String token) {
        byToken.remove(token);
    }

    /** The Authorization header of a token. */
    static String bearer(String token) {
        return "Bearer " + token;
    }

    @Override
    public Optional<Identity> identify(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.startsWith("Bearer ")) {
            return Optional.empty();
        }
        return Optional.ofNullable(byToken.get(authorizationHeader.substring("Bearer ".length()).strip()));
    }
}
