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
 *   "tls": {"ca": "ca.pem", "cert": "manager.pem", "key": "manager.key"},  // mutual TLS with the agents
 *   "vttif": {
 *     "mode": "damped",                     // or "reactive": report a new topology at once
 *     "windowMs": 10000,                    // low-pass filter window
 *     "stableMs": 30000,                    // damped: how long a topology must hold
 *     "pruneThreshold": 0.1,                // edges under this share of the heaviest are pruned
 *     "minPairRate": 100,                   // bytes/s under which a pair is chatter
 *     "evaluateMs": 1000,                   // how often the topology is inferred
 *     "matrixEveryMs": 10000                // how often each traffic matrix is recorded
 *   }
 * }
 * </pre>
 */
record ManagerConfig(Path file, Endpoint agentListen, VttifConfig vttif, long evaluateMs, long matrixEveryMs,
                     io.vnet.protocol.Tls.Files tls) {
    static final Set<String> FIELDS = Set.of("agentListen", "vttif", "tls");
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
        return new ManagerConfig(file, agentListen, vttif, evaluate, matrixEvery, tls);
    }

    private static double number(JsonNode v, String field, double dflt, double min, double max) {
        JsonNode n = v.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) {
            throw new IllegalArgumentException("vttif." + field + ": expected a number " + min + ".." + max + ", got " + n);
        }
        return n.asDouble();
    }
}
