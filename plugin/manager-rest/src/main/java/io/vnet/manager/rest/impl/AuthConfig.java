package io.vnet.manager.rest.impl;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.manager.config.ManagerConfiguration;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The {@code auth} section of the manager's configuration file; every field is optional:
 * <pre>
 * "auth": {
 *   "adminUser": "admin",                    // the local admin's name
 *   "adminPasswordFile": "admin-password",   // its password (relative to the configuration file's folder);
 *                                            // made with a random password (mode 0600) when missing
 *   "sessionMinutes": 480,                   // how long a sign-in lasts
 *   "frameAncestors": ["https://cloud.example.com"], // origins that may frame the UI (CloudStack's console)
 *   "trustedProxies": ["127.0.0.1"],         // reverse proxies whose X-Forwarded-For names the caller
 *   "tenantMayMigrate": false,               // whether tenants may turn their networks' migrations on
 *   "tenantMaxMigrationsPerHour": 4,         // the highest hourly cap of migrations a tenant may set
 *   "metricsTokenFile": "metrics-token"      // the bearer token /metrics asks of Prometheus (made, mode 0600,
 *                                            // when missing)
 * }
 * </pre>
 *
 * @param frameAncestors origins (scheme://host[:port]) allowed to show /vnet/ui/ in a frame, besides the manager's own
 * @param trustedProxies addresses (IP literals) of reverse proxies in front of the manager: only from these is a
 *                       request's X-Forwarded-For believed, for the sign-in throttle
 * @param tenantLimits   what tenants may set in their networks' adaptation settings
 * @param cloudstack     whether the file has a cloudstack section (tenants then sign in with CloudStack keys)
 * @param metricsTokenFile the scrape token of {@code /metrics}: its first line
 */
record AuthConfig(String adminUser, Path adminPasswordFile, Duration session, List<String> frameAncestors,
                  List<String> trustedProxies, TenantLimits tenantLimits, boolean cloudstack, Path metricsTokenFile) {
    static final Set<String> FIELDS = Set.of("adminUser", "adminPasswordFile", "sessionMinutes", "frameAncestors",
            "trustedProxies", "tenantMayMigrate", "tenantMaxMigrationsPerHour", "metricsTokenFile");
    static final String DEFAULT_PASSWORD_FILE = "admin-password";
    static final String DEFAULT_METRICS_TOKEN_FILE = "metrics-token";

    /** Without a scrape token file of its own: the default one beside the password's. */
    AuthConfig(String adminUser, Path adminPasswordFile, Duration session, List<String> frameAncestors,
               List<String> trustedProxies, TenantLimits tenantLimits, boolean cloudstack) {
        this(adminUser, adminPasswordFile, session, frameAncestors, trustedProxies, tenantLimits, cloudstack,
                adminPasswordFile.toAbsolutePath().resolveSibling(DEFAULT_METRICS_TOKEN_FILE));
    }

    AuthConfig {
        frameAncestors = List.copyOf(frameAncestors);
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** The settings of the manager's configuration (defaults where it has no auth field). */
    static AuthConfig from(ManagerConfiguration config) {
        try {
            JsonNode auth = config.field("auth");
            AuthConfig c = parse(auth.isMissingNode() ? null : auth, config.folder());
            return new AuthConfig(c.adminUser(), c.adminPasswordFile(), c.session(), c.frameAncestors(), c.trustedProxies(),
                    c.tenantLimits(), config.has("cloudstack"), c.metricsTokenFile());
        } catch (IllegalArgumentException e) {
            throw config.error(e.getMessage(), e);
        }
    }

    static AuthConfig parse(JsonNode a, Path dir) {
        if (a == null || a.isNull()) {
            return new AuthConfig("admin", dir.resolve(DEFAULT_PASSWORD_FILE), Duration.ofMinutes(480), List.of(), List.of(),
                    TenantLimits.DEFAULT, false, dir.resolve(DEFAULT_METRICS_TOKEN_FILE));
        }
        if (!a.isObject()) {
            throw new IllegalArgumentException("auth: expected an object, got " + a);
        }
        Json.onlyFields(a, "auth", FIELDS);
        String user = Json.optText(a, "auth", "adminUser", "admin");
        if (user.isBlank() || !user.equals(user.strip())) {
            throw new IllegalArgumentException("auth.adminUser: expected a name without surrounding spaces, got '" + user + "'");
        }
        Path file = dir.resolve(Json.optText(a, "auth", "adminPasswordFile", DEFAULT_PASSWORD_FILE));
        int minutes = Json.integer(a, "auth", "sessionMinutes", 1, 7 * 24 * 60, 480);
        List<String> origins = list(a, "frameAncestors", "origins", AuthConfig::origin);
        List<String> proxies = list(a, "trustedProxies", "IP addresses", AuthConfig::proxy);
        TenantLimits limits = new TenantLimits(Json.bool(a, "auth", "tenantMayMigrate", TenantLimits.DEFAULT.mayMigrate()),
                Json.integer(a, "auth", "tenantMaxMigrationsPerHour", 0, 10_000,
                        TenantLimits.DEFAULT.maxMigrationsPerHour()));
        return new AuthConfig(user, file, Duration.ofMinutes(minutes), origins, proxies, limits, false,
                dir.resolve(Json.optText(a, "auth", "metricsTokenFile", DEFAULT_METRICS_TOKEN_FILE)));
    }

    /** The array {@code auth.FIELD} (absent: empty), each element checked by {@code item}. */
    private static List<String> list(JsonNode a, String field, String what,
                                     java.util.function.BiFunction<JsonNode, String, String> item) {
        List<String> out = new ArrayList<>();
        JsonNode arr = a.get(field);
        if (arr != null && !arr.isNull()) {
            if (!arr.isArray()) {
                throw new IllegalArgumentException("auth." + field + ": expected an array of " + what + ", got " + arr);
            }
            for (int i = 0; i < arr.size(); i++) {
                out.add(item.apply(arr.get(i), "auth." + field + "[" + i + "]"));
            }
        }
        return out;
    }

    /** A reverse proxy's address: an IP literal, never a name (which would be looked up). */
    static String proxy(JsonNode n, String at) {
        String ip = n != null && n.isTextual() ? ClientAddress.literal(n.asText()) : null;
        if (ip == null) {
            throw new IllegalArgumentException(at + ": expected an IP address like \"127.0.0.1\" or \"::1\" (no names),"
                    + " got " + n);
        }
        return ip;
    }

    /** An origin as CSP's frame-ancestors takes it: http(s)://host[:port], nothing else. */
    static String origin(JsonNode n, String at) {
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException(at + ": expected an origin like \"https://cloud.example.com:8443\", got " + n);
        }
        String s = n.asText();
        try {
            URI u = new URI(s);
            boolean plain = u.getScheme() != null && (u.getScheme().equals("https") || u.getScheme().equals("http"))
                    && u.getHost() != null && u.getUserInfo() == null && u.getQuery() == null && u.getFragment() == null
                    && (u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"));
            if (plain) {
                return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException(at + ": expected an origin like \"https://cloud.example.com:8443\""
                + " (scheme, host and port only), got '" + s + "'");
    }

    /**
     * The local admin's password: the first line of {@link #adminPasswordFile}. When the file does not
     * exist it is made, readable by the manager's user only, with a random password.
     *
     * @return the password, and whether it was made now
     */
    Password adminPassword() throws IOException {
        return secret(adminPasswordFile, "auth.adminPasswordFile", "password");
    }

    /**
     * The scrape token of {@code /metrics}: the first line of {@link #metricsTokenFile}, made (mode
     * 0600, random) when the file does not exist.
     */
    Password metricsToken() throws IOException {
        return secret(metricsTokenFile, "auth.metricsTokenFile", "token");
    }

    /** The first line of {@code file} (at least 8 characters), or a random one written there (mode 0600) if it does not exist. */
    private static Password secret(Path file, String field, String what) throws IOException {
        if (!Files.exists(file)) {
            byte[] b = new byte[18];
            new SecureRandom().nextBytes(b);
            String pw = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".secret", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, pw + "\n");
            try {
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            return new Password(pw, true);
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        String pw = (nl < 0 ? text : text.substring(0, nl)).strip();
        if (pw.length() < 8) {
            throw new IllegalArgumentException(field + " " + file + ": the " + what
                    + " on its first line must have at least 8 characters");
        }
        return new Password(pw, false);
    }

    record Password(String value, boolean created) {
        @Override
        public String toString() {
            return "Password[hidden]";
        }
    }
}
