package io.vnet.manager.impl;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.Endpoint;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import io.vnet.vttif.VttifConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The manager's configuration file (JSON); every field is optional:
 * <pre>
 * {
 *   "agentListen": "0.0.0.0:5900",          // where agents dial the manager
 *   "tls": {"ca": "ca.pem", "cert": "manager.pem", "key": "manager.key",  // mutual TLS with the agents
 *           "revoked": "revoked.txt"},      // optional: the deny list, re-read every second
 *   "tenants": {"alice": [100, 101]},       // each tenant's networks: all a proxy of that tenant may carry
 *   "insecure": false,                      // true: agents without TLS (refused unless said so) ...
 *   "agentTokensFile": "agent-tokens",      // ... each known by its enrolment token: "HOST TOKEN" per line
 *   "vttif": {
 *     "mode": "damped",                     // or "reactive": report a new topology at once
 *     "windowMs": 10000,                    // low-pass filter window
 *     "stableMs": 30000,                    // damped: how long a topology must hold
 *     "pruneThreshold": 0.1,                // edges under this share of the heaviest are pruned
 *     "minPairRate": 100,                   // bytes/s under which a pair is chatter
 *     "evaluateMs": 1000,                   // how often the topology is inferred
 *     "matrixEveryMs": 10000                // how often each traffic matrix is recorded
 *   },
 *   "adaptation": {                         // VADAPT's closed loop
 *     "tickMs": 500,                        // how often the loop looks at every network
 *     "minIntervalMs": 5000,                // the least time between two decisions of a network
 *     "settleMs": 3000,                     // after applying, wait this long (default: VTTIF's window + 1 s) ...
 *     "measureMs": 3000,                    // ... then average the rate over this long for the realised gain
 *     "hostCapacity": 16,                   // the most VMs a host may run (placement)
 *     "linkMbps": 100,                      // a path's bandwidth where none was measured above it
 *     "latencyMs": 0.5,                     // a path's one-way latency where none was measured
 *     "linkCostMs": 1,                      // the cost model: what an added link costs ...
 *     "migrationCostMs": 50,                // ... and a migration, in iteration time
 *     "minGain": 0.05                       // apply only from this predicted gain (hysteresis)
 *   },
 *   "migration": {                          // how VMs are moved (none: migrations cannot be enabled)
 *     "command": ["/usr/local/bin/move-vm", "{vni}", "{mac}", "{from}", "{to}"],
 *     "timeoutMs": 120000
 *   }
 * }
 * </pre>
 */
record ManagerConfig(Path file, Endpoint agentListen, VttifConfig vttif, long evaluateMs, long matrixEveryMs,
                     io.vnet.protocol.Tls.Files tls, Adaptation adaptation, CommandMigrations migration,
                     boolean insecure, java.util.Map<String, String> agentTokens, TenantNetworks tenants) {
    static final Set<String> FIELDS = Set.of("agentListen", "vttif", "tls", "adaptation", "migration", "cloudstack", "libvirt",
            "auth", "insecure", "agentTokensFile", "tenants");

    /**
     * Refuses a manager whose agents would not prove who they are: without TLS it needs
     * {@code "insecure": true} and a table of enrolment tokens.
     */
    void requireAuthentication() {
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
    static final Set<String> ADAPTATION_FIELDS = Set.of("tickMs", "minIntervalMs", "settleMs", "measureMs", "hostCapacity",
            "linkMbps", "latencyMs", "linkCostMs", "migrationCostMs", "minGain");

    /** The closed loop's clock and the planner's assumptions. */
    record Adaptation(long tickMs, AdaptationLoop.Timing timing, Planner.Settings planner) {
    }
    static final Set<String> VTTIF_FIELDS = Set.of("mode", "windowMs", "stableMs", "pruneThreshold", "minPairRate",
            "evaluateMs", "matrixEveryMs");

    static ManagerConfig load(Path file) throws IOException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IOException("config " + file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return parse(file, root == null ? Json.object() : root);
        } catch (IllegalArgumentException e) {
            throw new IOException("config " + file + ": " + e.getMessage(), e);
        }
    }

    static ManagerConfig parse(Path file, JsonNode root) {
        Json.onlyFields(root, "", FIELDS);
        String listen = Json.optText(root, "", "agentListen", "0.0.0.0:" + ManagerProtocol.DEFAULT_PORT);
        Endpoint agentListen = Json.field("", "agentListen", () -> Endpoint.parse(listen));
        JsonNode v = root.path("vttif");
        if (v.isMissingNode() || v.isNull()) {
            v = Json.object();
        }
        Json.onlyFields(v, "vttif", VTTIF_FIELDS);
        VttifConfig d = VttifConfig.defaults();
        String mode = Json.optText(v, "vttif", "mode", d.mode().name()).toUpperCase();
        if (!mode.equals("REACTIVE") && !mode.equals("DAMPED")) {
            throw new IllegalArgumentException("vttif.mode: expected reactive or damped, got '" + mode.toLowerCase() + "'");
        }
        long window = Json.integer(v, "vttif", "windowMs", 100, 3_600_000, (int) d.windowMillis());
        long stable = Json.integer(v, "vttif", "stableMs", 0, 3_600_000, (int) d.stableMillis());
        double prune = number(v, "pruneThreshold", d.pruneThreshold(), 0, 1);
        double minRate = number(v, "minPairRate", d.minPairRate(), 0, 1e12);
        long evaluate = Json.integer(v, "vttif", "evaluateMs", 100, 600_000, 1000);
        long matrixEvery = Json.integer(v, "vttif", "matrixEveryMs", 100, 86_400_000, 10_000);
        VttifConfig vttif = new VttifConfig(window, VttifConfig.Mode.valueOf(mode), stable, prune, d.noiseBudget(), minRate);
        io.vnet.protocol.Tls.Files tls = io.vnet.protocol.Tls.Files.parse(root, file);
        String tokensFile = Json.optText(root, "", "agentTokensFile", null);
        java.util.Map<String, String> tokens = tokensFile == null ? java.util.Map.of() : Json.field("", "agentTokensFile",
                () -> io.vnet.protocol.Secrets.tokens(file == null || file.toAbsolutePath().getParent() == null
                        ? Path.of(tokensFile) : file.toAbsolutePath().getParent().resolve(tokensFile)));
        return new ManagerConfig(file, agentListen, vttif, evaluate, matrixEvery, tls, adaptation(root, window),
                migration(root), Json.bool(root, "", "insecure", false), tokens, TenantNetworks.parse(root.get("tenants")));
    }

    private static Adaptation adaptation(JsonNode root, long vttifWindowMs) {
        JsonNode a = section(root, "adaptation");
        Json.onlyFields(a, "adaptation", ADAPTATION_FIELDS);
        long tick = Json.integer(a, "adaptation", "tickMs", 50, 60_000, 500);
        long minInterval = Json.integer(a, "adaptation", "minIntervalMs", 0, 86_400_000, 5000);
        long settle = Json.integer(a, "adaptation", "settleMs", 0, 3_600_000, (int) Math.min(3_600_000, vttifWindowMs + 1000));
        long measure = Json.integer(a, "adaptation", "measureMs", 100, 3_600_000, 3000);
        Planner.Settings d = Planner.Settings.defaults();
        int capacity = Json.integer(a, "adaptation", "hostCapacity", 1, 100_000, d.hostCapacity());
        double mbps = number(a, "adaptation", "linkMbps", d.linkBitsPerSecond() / 1e6, 0.001, 1e7);
        double latencyMs = number(a, "adaptation", "latencyMs", d.latencySeconds() * 1e3, 0, 1e6);
        double linkCost = number(a, "adaptation", "linkCostMs", d.cost().linkCostSeconds() * 1e3, 0, 1e9);
        double migrationCost = number(a, "adaptation", "migrationCostMs", d.cost().migrationCostSeconds() * 1e3, 0, 1e9);
        double minGain = number(a, "adaptation", "minGain", d.cost().minGain(), 0, 100);
        return new Adaptation(tick, new AdaptationLoop.Timing(minInterval, settle, measure),
                new Planner.Settings(capacity, mbps * 1e6, latencyMs / 1e3,
                        new io.vnet.vadapt.CostModel(linkCost / 1e3, migrationCost / 1e3, minGain)));
    }

    private static CommandMigrations migration(JsonNode root) {
        JsonNode m = section(root, "migration");
        if (m.isEmpty()) {
            return null;
        }
        Json.onlyFields(m, "migration", Set.of("command", "timeoutMs"));
        JsonNode cmd = m.path("command");
        if (!cmd.isArray() || cmd.isEmpty()) {
            throw new IllegalArgumentException("migration.command: expected a non-empty array of strings");
        }
        java.util.List<String> args = new java.util.ArrayList<>();
        for (int i = 0; i < cmd.size(); i++) {
            if (!cmd.get(i).isTextual()) {
                throw new IllegalArgumentException("migration.command[" + i + "]: expected a string, got " + cmd.get(i));
            }
            args.add(cmd.get(i).asText());
        }
        long timeout = Json.integer(m, "migration", "timeoutMs", 1, 3_600_000, 120_000);
        return new CommandMigrations(args, timeout);
    }

    private static JsonNode section(JsonNode root, String name) {
        JsonNode v = root.path(name);
        if (v.isMissingNode() || v.isNull()) {
            return Json.object();
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException(name + ": expected an object, got " + v);
        }
        return v;
    }

    private static double number(JsonNode v, String field, double dflt, double min, double max) {
        return number(v, "vttif", field, dflt, min, max);
    }

    private static double number(JsonNode v, String path, String field, double dflt, double min, double max) {
        JsonNode n = v.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) {
            throw new IllegalArgumentException(path + "." + field + ": expected a number " + min + ".." + max + ", got " + n);
        }
        return n.asDouble();
    }
}
