package io.vnet.manager.agents;

import io.vnet.api.Endpoint;
import io.vnet.manager.config.ManagerConfiguration;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import io.vnet.protocol.Tls;
import java.util.Map;

/**
 * The agent channel's fields of the manager's configuration file; every one is optional:
 * <pre>
 *   "agentListen": "0.0.0.0:5900",          // where agents dial the manager
 *   "tls": {"ca": "ca.pem", "cert": "manager.pem", "key": "manager.key",  // mutual TLS with the agents
 *           "revoked": "revoked.txt"},      // optional: the deny list, re-read every second
 *   "tenants": {"alice": [100, 101]},       // each tenant's networks: all a proxy of that tenant may carry
 *   "insecure": false,                      // true: agents without TLS (refused unless said so) ...
 *   "agentTokensFile": "agent-tokens",      // ... each known by its enrolment token: "HOST TOKEN" per line
 *   "enrolment": {"signCommand": "/usr/lib/vnet/manager/bin/vnet-certs",  // with tls: new hosts join with a
 *                 "caDir": "pki", "ttlMinutes": 1440}   // one-time token; the CA's ca.pem and ca.key in caDir
 *   "greetings": {"max": 128, "perAddress": 4, "seconds": 20}  // connections in their TLS handshake and
 *                                           // hello at once, from one address, and the time they have ({@link Greetings})
 * </pre>
 */
public record AgentsConfig(Endpoint agentListen, Tls.Files tls, boolean insecure, Map<String, String> agentTokens,
                           TenantNetworks tenants, Enrolling enrolment, Greetings.Limits greetings) {
    /** The fields this package owns (the bundle's manifest lists them too). */
    public static final java.util.Set<String> FIELDS = java.util.Set.of("agentListen", "tls", "tenants", "insecure",
            "agentTokensFile", "enrolment", "greetings");

    /**
     * Enrolment with one-time tokens (null: off): the command that signs a host's key ({@code
     * vnet-certs DIR sign ROLE [--tenant T] NAME PUBKEY}), the folder of the CA's {@code ca.pem} and
     * {@code ca.key}, and how long a token lasts unless its maker says otherwise.
     */
    public record Enrolling(java.nio.file.Path signCommand, java.nio.file.Path caDir, int ttlMinutes) {
        static final java.util.Set<String> FIELDS = java.util.Set.of("signCommand", "caDir", "ttlMinutes");
    }

    /** Without enrolment. */
    public AgentsConfig(Endpoint agentListen, Tls.Files tls, boolean insecure, Map<String, String> agentTokens,
                        TenantNetworks tenants) {
        this(agentListen, tls, insecure, agentTokens, tenants, null, Greetings.Limits.DEFAULTS);
    }

    /** @throws IllegalArgumentException naming the field that is wrong */
    public static AgentsConfig from(ManagerConfiguration cfg) {
        com.fasterxml.jackson.databind.node.ObjectNode root = Json.object();
        FIELDS.forEach(f -> {
            if (cfg.has(f)) {
                root.set(f, cfg.field(f));
            }
        });
        String listen = Json.optText(root, "", "agentListen", "0.0.0.0:" + ManagerProtocol.DEFAULT_PORT);
        Endpoint agentListen = Json.field("", "agentListen", () -> Endpoint.parse(listen));
        java.nio.file.Path file = cfg.file().orElse(null);
        Tls.Files tls = Tls.Files.parseSection(root.get("tls"), file);
        String tokensFile = Json.optText(root, "", "agentTokensFile", null);
        Map<String, String> tokens = tokensFile == null ? Map.of() : Json.field("", "agentTokensFile",
                () -> io.vnet.protocol.Secrets.tokens(cfg.resolve(tokensFile)));
        return new AgentsConfig(agentListen, tls, Json.bool(root, "", "insecure", false), tokens,
                TenantNetworks.parse(root.get("tenants")), enrolling(root.get("enrolment"), cfg, tls),
                greetings(root.get("greetings")));
    }

    private static Greetings.Limits greetings(com.fasterxml.jackson.databind.JsonNode g) {
        if (g == null || g.isNull()) {
            return Greetings.Limits.DEFAULTS;
        }
        if (!g.isObject()) {
            throw new IllegalArgumentException("greetings: expected an object {max, perAddress, seconds}");
        }
        Json.onlyFields(g, "greetings", Greetings.Limits.FIELDS);
        int max = Json.integer(g, "greetings", "max", 1, 100_000, Greetings.Limits.DEFAULT_MAX);
        return new Greetings.Limits(max, Json.integer(g, "greetings", "perAddress", 1, max,
                Math.min(max, Greetings.Limits.DEFAULT_PER_ADDRESS)), Json.integer(g, "greetings", "seconds", 1, 600,
                Greetings.Limits.DEFAULT_SECONDS));
    }

    private static Enrolling enrolling(com.fasterxml.jackson.databind.JsonNode e, ManagerConfiguration cfg, Tls.Files tls) {
        if (e == null || e.isNull()) {
            return null;
        }
        if (!e.isObject()) {
            throw new IllegalArgumentException("enrolment: expected an object {signCommand, caDir, ttlMinutes}");
        }
        Json.onlyFields(e, "enrolment", Enrolling.FIELDS);
        if (tls == null) {
            throw new IllegalArgumentException("enrolment: needs \"tls\" (a new host gets a certificate of the agents' CA)");
        }
        java.nio.file.Path sign = cfg.resolve(Json.text(e, "enrolment", "signCommand"));
        if (!java.nio.file.Files.isExecutable(sign)) {
            throw new IllegalArgumentException("enrolment.signCommand: " + sign + " is not an executable (vnet-certs)");
        }
        java.nio.file.Path ca = Json.optText(e, "enrolment", "caDir", null) == null ? tls.ca().getParent()
                : cfg.resolve(Json.text(e, "enrolment", "caDir"));
        for (String f : new String[] {"ca.pem", "ca.key"}) {
            if (!java.nio.file.Files.isReadable(ca.resolve(f))) {
                throw new IllegalArgumentException("enrolment.caDir: cannot read " + ca.resolve(f) + " (the manager signs"
                        + " new hosts' certificates with the CA)");
            }
        }
        return new Enrolling(sign, ca, Json.integer(e, "enrolment", "ttlMinutes", 1, 30 * 24 * 60, 24 * 60));
    }

    /**
     * Refuses a manager whose agents would not prove who they are: without TLS it needs
     * {@code "insecure": true} and a table of enrolment tokens.
     */
    public void requireAuthentication() {
        if (tls == null && !insecure) {
            throw new IllegalArgumentException("agents are authenticated with mutual TLS: set \"tls\": {\"ca\", \"cert\","
                    + " \"key\"} (scripts/vnet-certs.sh DIR manager makes them), or \"insecure\": true with an"
                    + " \"agentTokensFile\" to know agents by enrolment tokens only (anyone who sniffs one can pose as that host)");
        }
        if (tls != null && insecure) {
            throw new IllegalArgumentException("insecure: the file sets \"tls\" too; remove one of them");
        }
        if (insecure && agentTokens.isEmpty()) {
            throw new IllegalArgumentException("agentTokensFile: without TLS every agent needs an enrolment token"
                    + " (\"HOST TOKEN\" per line, e.g. a token from openssl rand -hex 32)");
        }
    }
}
