package io.vnet.manager.agents;

import io.vnet.manager.AuditLog;
import io.vnet.manager.EnrolmentService;
import io.vnet.manager.store.Enrolment;
import io.vnet.manager.store.EnrolmentStore;
import io.vnet.protocol.EnrolmentToken;
import io.vnet.protocol.messages.Enrol;
import io.vnet.protocol.messages.Enrolled;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Enrolment: tokens made by an admin ({@link #issue}) and spent by new hosts ({@link #enrol}). A
 * token's secret is shown once and kept only as its SHA-256; it enrols exactly one host, the one it
 * names, before it expires. The certificate is made by the configured sign command ({@code
 * vnet-certs DIR sign ROLE [--tenant T] NAME PUBKEY}, openssl) from the host's public key: the host's
 * private key never leaves it, and the subject (CN the host id, OU its role, O a proxy's tenant)
 * comes from the token, never from the host.
 */
final class Enrolments implements EnrolmentService {
    private static final System.Logger LOG = System.getLogger(Enrolments.class.getName());
    /** How long the sign command may run. */
    static final long SIGN_TIMEOUT_S = 30;
    /** The most tokens open at once (made, not spent, not expired): more are refused. */
    static final int MAX_OPEN = 1_000;
    /** How long a token stays listed after it expired, before {@link #prune} deletes it. */
    static final Duration KEEP_EXPIRED = Duration.ofDays(7);

    /** Why an enrolment was refused, in words for the new host. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private final EnrolmentStore store;
    private final AuditLog audit;
    private final AgentsConfig.Enrolling config;
    private final String pin;
    private final Clock clock;

    Enrolments(EnrolmentStore store, AuditLog audit, AgentsConfig.Enrolling config, Path managerCertificate, Clock clock)
            throws IOException {
        this.store = store;
        this.audit = audit;
        this.config = config;
        this.pin = io.vnet.protocol.Tls.certificatePin(managerCertificate);
        this.clock = clock;
    }

    @Override
    public Issued issue(String hostId, String role, String tenant, Duration ttl, String actor) {
        io.vnet.api.Ids.check("host id", hostId);
        if (!"host".equals(role) && !"proxy".equals(role)) {
            throw new IllegalArgumentException("role: expected host or proxy, got '" + role + "'");
        }
        if ("proxy".equals(role) != (tenant != null)) {
            throw new IllegalArgumentException("proxy".equals(role) ? "tenant: a proxy's certificate names its tenant"
                    : "tenant: only a proxy has one");
        }
        if (tenant != null && !tenant.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")) {
            throw new IllegalArgumentException("tenant: 1-64 letters, digits, '.', '_', '@' or '-', got '" + tenant + "'");
        }
        Duration life = ttl == null ? Duration.ofMinutes(config.ttlMinutes()) : ttl;
        if (life.toMinutes() < 1 || life.toDays() > 30) {
            throw new IllegalArgumentException("ttl: " + life.toMinutes() + " minutes, expected 1 minute to 30 days");
        }
        Instant now = clock.instant();
        long open = store.enrolments(MAX_OPEN + 1).stream().filter(e -> e.usedAt() == null && e.expiresAt().isAfter(now)).count();
        if (open >= MAX_OPEN) {
            throw new IllegalStateException(open + " enrolment tokens are open (made, not spent, not expired): at most "
                    + MAX_OPEN + "; wait for some to expire");
        }
        EnrolmentToken t = EnrolmentToken.create(pin);
        store.addEnrolment(new Enrolment(t.id(), hostId, role, tenant, t.secretHash(), actor, now, now.plus(life), null));
        if (audit != null) {
            audit.record(actor, "enrolment-issued", "host " + hostId, "role " + role + (tenant != null ? ", tenant " + tenant : "")
                    + ", token " + t.id() + ", expires " + now.plus(life));
        }
        return new Issued(t.toString(), t.id(), hostId, role, tenant, now.plus(life));
    }

    /** How long {@link #enrolledHosts} answers from what it read last. */
    static final long ENROLLED_FRESH_MS = 5_000;
    private volatile java.util.Set<String> enrolled = java.util.Set.of();
    private volatile long enrolledReadAt;

    /**
     * The hosts that spent a token (they joined by enrolment), among the newest tokens: read from the
     * store at most every {@value #ENROLLED_FRESH_MS} ms (the caller's thread, never an event loop); a
     * store that fails keeps the last answer, logged.
     */
    java.util.Set<String> enrolledHosts() {
        long now = System.currentTimeMillis();
        if (now - enrolledReadAt > ENROLLED_FRESH_MS) {
            try {
                java.util.Set<String> out = new java.util.HashSet<>();
                for (Enrolment e : store.enrolments(10_000)) {
                    if (e.usedAt() != null) {
                        out.add(e.hostId());
                    }
                }
                enrolled = java.util.Set.copyOf(out);
                enrolledReadAt = now;
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "membership links: cannot read the enrolled hosts: " + ex);
            }
        }
        return enrolled;
    }

    /** Deletes the tokens that expired more than {@link #KEEP_EXPIRED} ago; returns how many. */
    int prune() {
        return store.pruneEnrolments(clock.instant().minus(KEEP_EXPIRED));
    }

    @Override
    public List<Listed> list(int limit) {
        List<Listed> out = new ArrayList<>();
        for (Enrolment e : store.enrolments(limit)) {
            out.add(new Listed(e.id(), e.hostId(), e.role(), e.tenant(), e.createdBy(), e.createdAt(), e.expiresAt(), e.usedAt()));
        }
        return out;
    }

    /**
     * Spends the token of {@code msg} for a certificate of the host it names.
     *
     * @throws Refused a token that is unknown, spent, expired, for another host, a wrong secret, a key without its proof
     */
    Enrolled enrol(Enrol msg, String from) throws Refused {
        Enrolment e = store.enrolment(msg.tokenId()).orElseThrow(() -> new Refused("no such enrolment token"));
        String given = EnrolmentToken.sha256(msg.secret().getBytes(StandardCharsets.US_ASCII));
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.US_ASCII), e.secretHash().getBytes(StandardCharsets.US_ASCII))) {
            throw new Refused("the enrolment token's secret is wrong");
        }
        if (!e.hostId().equals(msg.hostId())) {
            throw new Refused("the enrolment token is for host " + e.hostId() + ", not " + msg.hostId());
        }
        PublicKey key;
        try {
            key = msg.verifiedKey();
        } catch (IllegalArgumentException ex) {
            throw new Refused(ex.getMessage());
        }
        Instant now = clock.instant();
        if (e.usedAt() != null || !now.isBefore(e.expiresAt()) || !store.useEnrolment(e.id(), now)) {
            throw new Refused("the enrolment token " + e.id() + " was " + (e.usedAt() != null ? "spent at " + e.usedAt()
                    : !now.isBefore(e.expiresAt()) ? "valid until " + e.expiresAt() : "spent just now") + "; ask for a new one");
        }
        String certificate = sign(e, key);
        String ca;
        try {
            ca = Files.readString(config.caDir().resolve("ca.pem"));
        } catch (IOException ex) {
            throw new Refused("the manager cannot read its CA: " + ex.getMessage());
        }
        if (audit != null) {
            audit.record("enrolment:" + e.id(), "enrolled", "host " + e.hostId(), "role " + e.role()
                    + (e.tenant() != null ? ", tenant " + e.tenant() : "") + ", from " + from);
        }
        LOG.log(Level.INFO, "enrolled " + e.role() + " " + e.hostId() + " from " + from + " with token " + e.id());
        return new Enrolled(e.hostId(), e.role(), certificate, ca);
    }

    /** The certificate of {@code key} for the token's host, from the sign command. */
    private String sign(Enrolment e, PublicKey key) throws Refused {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("vnet-enrol");
            Path pub = dir.resolve("key.pem");
            Files.writeString(pub, "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n");
            List<String> cmd = new ArrayList<>(List.of(config.signCommand().toString(), config.caDir().toString(), "sign", e.role()));
            if (e.tenant() != null) {
                cmd.addAll(List.of("--tenant", e.tenant()));
            }
            cmd.addAll(List.of(e.hostId(), pub.toString()));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readNBytes(Enrolled.MAX_PEM + 1);
            if (!p.waitFor(SIGN_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new Refused("the manager could not sign a certificate in " + SIGN_TIMEOUT_S + " s");
            }
            String pem = new String(out, StandardCharsets.US_ASCII);
            if (p.exitValue() != 0 || !pem.contains("-----BEGIN CERTIFICATE-----") || out.length > Enrolled.MAX_PEM) {
                LOG.log(Level.ERROR, "enrolment of " + e.hostId() + ": " + String.join(" ", cmd) + " exited " + p.exitValue());
                throw new Refused("the manager could not sign a certificate (its log says why)");
            }
            return pem;
        } catch (IOException ex) {
            LOG.log(Level.ERROR, "enrolment of " + e.hostId() + ": " + ex.getMessage());
            throw new Refused("the manager could not sign a certificate (its log says why)");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new Refused("the manager is stopping");
        } finally {
            if (dir != null) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a temporary folder left behind
                }
            }
        }
    }
}
