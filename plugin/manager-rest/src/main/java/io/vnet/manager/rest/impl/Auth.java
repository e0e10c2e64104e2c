package io.vnet.manager.rest.impl;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.manager.rest.Identity;
import io.vnet.manager.rest.Sessions;
import io.vnet.manager.rest.TenantDirectory;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Sign-in and the signed-in users. The local admin signs in with a name and password; a tenant with
 * CloudStack API keys, checked by the {@link TenantDirectory} when one is registered. Each sign-in
 * gets a random bearer token, kept in memory until it expires or the user signs out. A tenant's
 * networks are looked up again at most once a {@link #REFRESH} while the token is used.
 *
 * <p>With the manager's store bound, every session is also kept in the database (the SHA-256 of its
 * token, never the token), so that every manager of a cluster accepts a token any of them gave, and a
 * restart signs nobody out: a token unknown here is looked up there, and one known here is checked
 * there again at most once a {@link #RECHECK}, so that a sign-out on another manager ends it here
 * within that time. A session that could not be written there works on this manager only (logged).
 *
 * <p>A component of its own (the API servlet and the CloudStack bundle's routes reference it), so
 * that no service is registered while the HTTP whiteboard is activating a servlet: a servlet
 * registered from inside that activation is not picked up.
 */
@Component(service = {Sessions.class, Auth.class})
public final class Auth implements Sessions {
    private static final System.Logger LOG = System.getLogger(Auth.class.getName());
    /** How often a tenant's networks are looked up again. */
    static final Duration REFRESH = Duration.ofSeconds(60);
    /** Failed sign-ins from one address within {@link #FAILURE_WINDOW} before the next are refused at once. */
    static final int MAX_FAILURES = 10;
    /**
     * Failed sign-ins as one user (a user name, or an API key) within {@link #FAILURE_WINDOW}, from
     * any addresses, before the next as that user are refused: guessing from many addresses is slowed
     * too, and one address cannot lock a user out alone.
     */
    static final int MAX_FAILURES_PER_USER = 30;
    /** How many addresses and users the throttle tracks at most. */
    static final int MAX_TRACKED = 20_000;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);
    private static final String BEARER = "Bearer ";
    /** How long a session known here is taken without asking the database whether it was ended elsewhere. */
    static final Duration RECHECK = Duration.ofSeconds(10);
    /**
     * The most lookups a second of tokens this manager does not know (a burst of as many): each is a
     * database query that any caller, signed in or not, can cause with a made-up token. Beyond it the
     * token is not looked up (503 from {@link #require}, unknown to {@link #identify}), counted.
     */
    static final int LOOKUPS_PER_SECOND = 50;
    /** The most sessions held at once (expired ones are purged first); the next sign-in is refused (503). */
    static final int MAX_SESSIONS = 20_000;

    /** A sign-in's result. */
    record SignedIn(String token, Instant expiresAt, Identity identity) {
    }

    private static final class Session {
        volatile Identity identity;
        final Instant expiresAt;
        volatile Instant checkedAt;
        /** When the database last said the session still exists. */
        volatile Instant verifiedAt;

        Session(Identity identity, Instant expiresAt, Instant checkedAt) {
            this.identity = identity;
            this.expiresAt = expiresAt;
            this.checkedAt = checkedAt;
            this.verifiedAt = checkedAt;
        }
    }

    private final String adminUser;
    private final byte[] adminPassword;
    private final Duration lifetime;
    private final Supplier<TenantDirectory> directory;
    private final boolean cloudstackConfigured;
    private final Set<String> trustedProxies;
    private final TenantLimits tenantLimits;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Recent failed sign-ins by "from ADDRESS" and "as USER", oldest-tracked first; at most {@link #MAX_TRACKED}. */
    private final Map<String, Deque<Instant>> failures = new LinkedHashMap<>();
    /** How many tracked addresses or users were forgotten because {@link #MAX_TRACKED} were tracked. */
    private long forgotten;
    private Instant lastPrune = Instant.EPOCH;

    /** The sessions every manager shares, when the store runs. */
    private volatile io.vnet.manager.store.SessionStore shared;
    /** Sign-ins refused because {@link #MAX_SESSIONS} sessions were held. */
    private final java.util.concurrent.atomic.AtomicLong refusedSessions = new java.util.concurrent.atomic.AtomicLong();
    /** Sessions that could not be written to, read from or ended in the database. */
    private final java.util.concurrent.atomic.AtomicLong sharedFailures = new java.util.concurrent.atomic.AtomicLong();
    private volatile Instant lastSharedPrune = Instant.EPOCH;
    /** Lookups of unknown tokens that may run now, and when that was last topped up. Guarded by lookupLock. */
    private double lookupsLeft = LOOKUPS_PER_SECOND;
    private Instant lookupsAt = Instant.EPOCH;
    private final Object lookupLock = new Object();
    /** Lookups of unknown tokens refused beyond {@link #LOOKUPS_PER_SECOND}. */
    private final java.util.concurrent.atomic.AtomicLong refusedLookups = new java.util.concurrent.atomic.AtomicLong();

    /** A lookup of an unknown token refused: {@link #LOOKUPS_PER_SECOND} were made within the last second. */
    private static final class TooManyLookups extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooManyLookups() {
            super(null, null, false, false);
        }
    }

    /** Takes one of the lookups the bucket allows now, or throws {@link TooManyLookups}. */
    private void lookupAllowed(Instant now) {
        synchronized (lookupLock) {
            double elapsed = Math.max(0, Duration.between(lookupsAt, now).toNanos() / 1e9);
            lookupsLeft = Math.min(LOOKUPS_PER_SECOND, lookupsLeft + elapsed * LOOKUPS_PER_SECOND);
            lookupsAt = now;
            if (lookupsLeft < 1) {
                refusedLookups.incrementAndGet();
                throw new TooManyLookups();
            }
            lookupsLeft -= 1;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setStore(io.vnet.manager.store.ManagerStore store) {
        this.shared = store;
    }

    void unsetStore(io.vnet.manager.store.ManagerStore store) {
        if (this.shared == store) {
            this.shared = null;
        }
    }

    /** For tests: the shared session table (null: sessions in memory only). */
    void sharedSessions(io.vnet.manager.store.SessionStore store) {
        this.shared = store;
    }

    /** The CloudStack bundle's directory, when it runs. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile TenantDirectory bound;

    /** Reads the manager's configuration ({@code auth} section) and the local admin's password file. */
    @Activate
    public Auth(@Reference io.vnet.manager.config.ManagerConfiguration config) throws java.io.IOException {
        AuthConfig cfg = AuthConfig.from(config);
        AuthConfig.Password pw = cfg.adminPassword();
        if (pw.created()) {
            LOG.log(Level.WARNING, "the local admin '" + cfg.adminUser() + "' has a new random password in "
                    + cfg.adminPasswordFile() + " (readable by this user only)");
        }
        this.adminUser = cfg.adminUser();
        this.adminPassword = pw.value().getBytes(StandardCharsets.UTF_8);
        this.lifetime = cfg.session();
        this.directory = () -> bound;
        this.cloudstackConfigured = cfg.cloudstack();
        this.trustedProxies = Set.copyOf(cfg.trustedProxies());
        this.tenantLimits = cfg.tenantLimits();
        this.clock = Clock.systemUTC();
        LOG.log(Level.INFO, "users sign in at /api/auth/login: local admin '" + cfg.adminUser() + "' (password in "
                + cfg.adminPasswordFile() + ")" + (cfg.cloudstack() ? ", CloudStack users with their API keys" : ""));
    }

    /**
     * @param cloudstackConfigured whether the manager's configuration has CloudStack (then a missing directory is
     *                             one that has not started yet, or failed to)
     */
    Auth(String adminUser, String adminPassword, Duration lifetime, Supplier<TenantDirectory> directory,
         boolean cloudstackConfigured, Clock clock) {
        this(adminUser, adminPassword, lifetime, directory, cloudstackConfigured, Set.of(), clock);
    }

    Auth(String adminUser, String adminPassword, Duration lifetime, Supplier<TenantDirectory> directory,
         boolean cloudstackConfigured, Set<String> trustedProxies, Clock clock) {
        this.trustedProxies = Set.copyOf(trustedProxies);
        this.tenantLimits = TenantLimits.DEFAULT;
        this.adminUser = adminUser;
        this.cloudstackConfigured = cloudstackConfigured;
        this.adminPassword = adminPassword.getBytes(StandardCharsets.UTF_8);
        this.lifetime = lifetime;
        this.directory = directory;
        this.clock = clock;
    }

    /**
     * Signs a user in from the body of {@code POST /api/auth/login}: {@code {"user", "password"}} or
     * {@code {"apiKey", "secretKey"}}.
     *
     * @param from the caller's address, for refusing repeated failures
     * @throws ApiError 400 a bad body, 401 wrong credentials, 429 too many failures, 503 no directory to ask
     */
    SignedIn signIn(JsonNode body, String from) {
        if (body == null || !body.isObject()) {
            throw new ApiError(400, "body: expected {\"user\": ..., \"password\": ...} or {\"apiKey\": ..., \"secretKey\": ...}");
        }
        Identity who;
        if (body.has("apiKey") || body.has("secretKey")) {
            fields(body, Set.of("apiKey", "secretKey"));
            String apiKey = text(body, "apiKey");
            String as = "API key " + (apiKey.length() > 8 ? apiKey.substring(0, 8) + "..." : apiKey);
            throttle(from, as);
            who = tenant(apiKey, text(body, "secretKey"), from, as);
        } else {
            fields(body, Set.of("user", "password"));
            String user = text(body, "user");
            String password = text(body, "password");
            String as = "user " + (user.length() > 64 ? user.substring(0, 64) + "..." : user);
            throttle(from, as);
            boolean userOk = MessageDigest.isEqual(adminUser.getBytes(StandardCharsets.UTF_8),
                    user.getBytes(StandardCharsets.UTF_8));
            boolean passwordOk = MessageDigest.isEqual(adminPassword, password.getBytes(StandardCharsets.UTF_8));
            if (!userOk || !passwordOk) {
                failed(from, as);
                throw new ApiError(401, "sign in: wrong user name or password");
            }
            who = new Identity(adminUser, true, "", "", Set.of(), "local");
        }
        byte[] b = new byte[32];
        random.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
        purge(now);
        if (sessions.size() >= MAX_SESSIONS) {
            refusedSessions.incrementAndGet();
            throw new ApiError(503, "sign in: " + MAX_SESSIONS + " sessions are open on this manager, the most it holds;"
                    + " sign out of some (POST /api/auth/logout) or try again when some have expired");
        }
        sessions.put(token, new Session(who, expires, now));
        share(token, who, now, expires);
        LOG.log(Level.INFO, "signed in: " + describe(who) + " from " + from);
        return new SignedIn(token, expires, who);
    }

    /** Writes a new session to the shared table, if there is one; a failure leaves it on this manager only. */
    private void share(String token, Identity who, Instant now, Instant expires) {
        io.vnet.manager.store.SessionStore st = shared;
        if (st == null) {
            return;
        }
        try {
            st.addSession(new io.vnet.manager.store.SessionRecord(hash(token), SessionIdentity.write(who), now, expires));
            if (!now.isBefore(lastSharedPrune.plus(Duration.ofMinutes(1)))) {
                lastSharedPrune = now;
                st.pruneSessions(now);
            }
        } catch (RuntimeException e) { // StoreException, or an identity too long to keep
            sharedFailures.incrementAndGet();
            LOG.log(Level.WARNING, "the session of " + describe(who) + " is valid on this manager only: not written to"
                    + " the database (" + e.getMessage() + ")");
        }
    }

    /** The SHA-256 of a token, in lower-case hex: what the database keeps. */
    static String hash(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private Identity tenant(String apiKey, String secretKey, String from, String as) {
        TenantDirectory d = directory.get();
        if (d == null && cloudstackConfigured) {
            throw new ApiError(503, "sign in with CloudStack keys: the manager's CloudStack integration is not running"
                    + " (starting, or stopped by an error in its configuration: see the manager's log); try again");
        }
        if (d == null) {
            throw new ApiError(503, "sign in with CloudStack keys: CloudStack is not configured on this manager"
                    + " (sign in as the local admin, or add a \"cloudstack\" section to its configuration)");
        }
        try {
            return d.signIn(apiKey, secretKey);
        } catch (TenantDirectory.SignInException e) {
            if (e.refused()) {
                failed(from, as);
                throw new ApiError(401, "sign in: " + e.getMessage());
            }
            throw new ApiError(503, "sign in: CloudStack could not check the keys: " + e.getMessage());
        }
    }

    private static void fields(JsonNode body, Set<String> known) {
        try {
            io.vnet.protocol.Json.onlyFields(body, "", known);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            throw new ApiError(400, field + ": required, a non-empty string");
        }
        return n.asText();
    }

    /**
     * The address a sign-in is throttled as: the connection's, or what a configured reverse proxy
     * says in X-Forwarded-For (see {@link ClientAddress}).
     */
    String caller(String remoteAddr, String forwardedFor) {
        return ClientAddress.of(remoteAddr, forwardedFor, trustedProxies);
    }

    /** What tenants may set in their networks' adaptation settings. */
    TenantLimits tenantLimits() {
        return tenantLimits;
    }

    /** Ends the session of this Authorization header; false when there was none. */
    boolean signOut(String authorizationHeader) {
        String t = token(authorizationHeader);
        if (t == null) {
            return false;
        }
        boolean here = sessions.remove(t) != null;
        io.vnet.manager.store.SessionStore st = shared;
        boolean there = false;
        if (st != null) {
            try {
                there = st.deleteSession(hash(t));
            } catch (RuntimeException e) {
                sharedFailures.incrementAndGet();
                LOG.log(Level.WARNING, "sign-out: the session was not deleted from the database (" + e.getMessage()
                        + "); other managers accept it until it expires");
            }
        }
        return here || there;
    }

    @Override
    public Optional<Identity> identify(String authorizationHeader) {
        try {
            return lookUp(authorizationHeader);
        } catch (io.vnet.manager.store.StoreException | TooManyLookups e) {
            return Optional.empty();
        }
    }

    /**
     * The user of this header, asking the shared table when the token is not known here or was last
     * checked there more than a {@link #RECHECK} ago.
     *
     * @throws io.vnet.manager.store.StoreException when a token unknown here cannot be looked up there
     * @throws TooManyLookups when {@link #LOOKUPS_PER_SECOND} unknown tokens were looked up within the last second
     */
    private Optional<Identity> lookUp(String authorizationHeader) {
        String t = token(authorizationHeader);
        if (t == null) {
            return Optional.empty();
        }
        Session s = sessions.get(t);
        Instant now = clock.instant();
        io.vnet.manager.store.SessionStore st = shared;
        if (s == null) {
            if (st == null || t.length() > 128) {
                return Optional.empty();
            }
            lookupAllowed(now);
            Optional<io.vnet.manager.store.SessionRecord> r = st.session(hash(t), now);
            if (r.isEmpty()) {
                return Optional.empty();
            }
            Identity who;
            try {
                who = SessionIdentity.read(r.get().identity());
            } catch (IllegalArgumentException e) {
                sharedFailures.incrementAndGet();
                LOG.log(Level.WARNING, "a session in the database is unreadable, taken as unknown: " + e.getMessage());
                return Optional.empty();
            }
            s = new Session(who, r.get().expiresAt(), now);
            if (sessions.size() < MAX_SESSIONS) {
                sessions.put(t, s);
            }
        } else if (st != null && !now.isBefore(s.verifiedAt.plus(RECHECK))) {
            try {
                if (st.session(hash(t), now).isEmpty()) {
                    sessions.remove(t); // signed out on another manager
                    return Optional.empty();
                }
                s.verifiedAt = now;
            } catch (io.vnet.manager.store.StoreException e) {
                sharedFailures.incrementAndGet(); // the database is away: the session known here stays valid
            }
        }
        if (!now.isBefore(s.expiresAt)) {
            sessions.remove(t);
            return Optional.empty();
        }
        Identity who = s.identity;
        if (!who.admin() && "cloudstack".equals(who.source()) && !now.isBefore(s.checkedAt.plus(REFRESH))) {
            s.checkedAt = now;
            TenantDirectory d = directory.get();
            if (d != null) {
                try {
                    Set<Integer> vnis = d.networks(who);
                    if (!vnis.equals(who.networks())) {
                        LOG.log(Level.INFO, describe(who) + ": networks now " + vnis);
                        who = who.withNetworks(vnis);
                        s.identity = who;
                    }
                } catch (TenantDirectory.SignInException e) {
                    LOG.log(Level.WARNING, describe(who) + ": networks not looked up again (kept as they were): "
                            + e.getMessage());
                }
            }
        }
        return Optional.of(who);
    }

    /**
     * The user of a request.
     *
     * @throws ApiError 401 when the request carries no valid token
     */
    Identity require(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw new ApiError(401, "sign in: this route needs \"Authorization: Bearer <token>\" from POST /api/auth/login");
        }
        Optional<Identity> who;
        try {
            who = lookUp(authorizationHeader);
        } catch (io.vnet.manager.store.StoreException e) {
            throw new ApiError(503, "sign in: this manager does not know the token and cannot ask the database the"
                    + " managers share (" + e.getMessage() + "); try again in a few seconds");
        } catch (TooManyLookups e) {
            throw new ApiError(503, "sign in: this manager does not know the token, and " + LOOKUPS_PER_SECOND
                    + " unknown tokens were looked up in the database within the last second; try again in a second");
        }
        return who.orElseThrow(() -> new ApiError(401,
                "sign in: the token is unknown or has expired (sign in again with POST /api/auth/login)"));
    }

    /** When the session of this header ends, if it is valid. */
    Optional<Instant> expiresAt(String authorizationHeader) {
        String t = token(authorizationHeader);
        Session s = t == null ? null : sessions.get(t);
        return s == null ? Optional.empty() : Optional.of(s.expiresAt);
    }

    int size() {
        return sessions.size();
    }

    /** Sign-ins refused because {@link #MAX_SESSIONS} sessions were held. */
    long refusedSessions() {
        return refusedSessions.get();
    }

    /** Lookups of unknown tokens refused beyond {@link #LOOKUPS_PER_SECOND}. */
    long refusedLookups() {
        return refusedLookups.get();
    }

    /** Sessions not written to, read from or deleted in the database. */
    long sharedFailures() {
        return sharedFailures.get();
    }

    private static String token(String header) {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        if (h.length() <= BEARER.length() || !h.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return h.substring(BEARER.length()).strip();
    }

    private void purge(Instant now) {
        sessions.values().removeIf(s -> !now.isBefore(s.expiresAt));
    }

    /** Refuses a sign-in from {@code from} as {@code as} while either has had too many failures (429). */
    private synchronized void throttle(String from, String as) {
        throttle("from " + from, MAX_FAILURES);
        throttle("as " + as, MAX_FAILURES_PER_USER);
    }

    private void throttle(String key, int max) {
        Deque<Instant> f = failures.get(key);
        if (f == null) {
            return;
        }
        Instant now = clock.instant();
        while (!f.isEmpty() && f.peekFirst().isBefore(now.minus(FAILURE_WINDOW))) {
            f.removeFirst();
        }
        if (f.isEmpty()) {
            failures.remove(key);
        } else if (f.size() >= max) {
            long wait = Math.max(1, Duration.between(now, f.peekFirst().plus(FAILURE_WINDOW)).toSeconds());
            throw new ApiError(429, "sign in: " + f.size() + " failed sign-ins " + key + " within a minute: try again in "
                    + wait + " s");
        }
    }

    private synchronized void failed(String from, String as) {
        failed("from " + from);
        failed("as " + as);
    }

    private void failed(String key) {
        Instant now = clock.instant();
        failures.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(now);
        if (failures.size() > MAX_TRACKED / 2 && !now.isBefore(lastPrune.plusSeconds(1))) {
            lastPrune = now; // many addresses or users: forget the quiet ones (a scan at most once a second)
            Instant old = now.minus(FAILURE_WINDOW);
            for (Iterator<Deque<Instant>> it = failures.values().iterator(); it.hasNext(); ) {
                Deque<Instant> d = it.next();
                if (d.isEmpty() || d.peekLast().isBefore(old)) {
                    it.remove();
                }
            }
        }
        // still too many within a minute: forget the oldest-tracked, counted
        for (Iterator<String> it = failures.keySet().iterator(); failures.size() > MAX_TRACKED && it.hasNext(); ) {
            it.next();
            it.remove();
            forgotten++;
        }
    }

    /** How many throttled addresses or users were forgotten because too many were tracked at once. */
    synchronized long forgottenFailures() {
        return forgotten;
    }

    static String describe(Identity who) {
        return (who.admin() ? "admin " : "tenant ") + who.user() + (who.account().isEmpty() ? "" : " (account "
                + who.account() + ")") + " [" + who.source() + "]";
    }
}
