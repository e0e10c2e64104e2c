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
 * </pre>
 */
public record AgentsConfig(Endpoint agentListen, Tls.Files tls, boolean insecure, Map<String, String> agentTokens,
                           TenantNetworks tenants) {
    /** The fields this package owns (the bundle's manifest lists them too). */
    public static final java.util.Set<String> FIELDS = java.util.Set.of("agentListen", "tls", "tenants", "insecure",
            "agentTokensFile");

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
                TenantNetworks.parse(root.get("tenants")));
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
