package io.vnet.manager.vttif;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.manager.config.ManagerConfiguration;
import io.vnet.protocol.Json;
import io.vnet.vttif.VttifConfig;
import java.util.Set;

/**
 * The {@code vttif} field of the manager's configuration file; every field is optional:
 * <pre>
 *   "vttif": {
 *     "mode": "damped",                     // or "reactive": report a new topology at once
 *     "windowMs": 10000,                    // low-pass filter window
 *     "stableMs": 30000,                    // damped: how long a topology must hold
 *     "pruneThreshold": 0.1,                // edges under this share of the heaviest are pruned
 *     "minPairRate": 100,                   // bytes/s under which a pair is chatter
 *     "dominantShare": 0.8,                 // a mixture's dominant shape carries at least this (1: off)
 *     "evaluateMs": 1000,                   // how often the topology is inferred
 *     "matrixEveryMs": 10000,               // how often each traffic matrix is recorded
 *     "historyMinutes": 1440                // how long matrices, topologies and desired states are kept
 *   }
 * </pre>
 * The history is pruned every minute; each host's newest desired state is kept however old.
 */
public record VttifSettings(VttifConfig vttif, long evaluateMs, long matrixEveryMs, long historyMinutes) {
    /** The history kept by default: a day. */
    public static final int HISTORY_MINUTES = 1440;

    /** The top-level field this package owns. */
    public static final String FIELD = "vttif";
    static final Set<String> FIELDS = Set.of("mode", "windowMs", "stableMs", "pruneThreshold", "minPairRate",
            "dominantShare", "evaluateMs", "matrixEveryMs", "historyMinutes");

    /** @throws IllegalArgumentException naming the field that is wrong */
    public static VttifSettings from(ManagerConfiguration cfg) {
        return parse(cfg.field(FIELD));
    }

    static VttifSettings parse(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            v = Json.object();
        }
        Json.onlyFields(v, "vttif", FIELDS);
        VttifConfig d = VttifConfig.defaults();
        String mode = Json.optText(v, "vttif", "mode", d.mode().name()).toUpperCase();
        if (!mode.equals("REACTIVE") && !mode.equals("DAMPED")) {
            throw new IllegalArgumentException("vttif.mode: expected reactive or damped, got '" + mode.toLowerCase() + "'");
        }
        long window = Json.integer(v, "vttif", "windowMs", 100, 3_600_000, (int) d.windowMillis());
        long stable = Json.integer(v, "vttif", "stableMs", 0, 3_600_000, (int) d.stableMillis());
        double prune = Json.number(v, "vttif", "pruneThreshold", d.pruneThreshold(), 0, 1);
        double minRate = Json.number(v, "vttif", "minPairRate", d.minPairRate(), 0, 1e12);
        double dominant = Json.number(v, "vttif", "dominantShare", d.dominantShare(), 0.5, 1);
        long evaluate = Json.integer(v, "vttif", "evaluateMs", 100, 600_000, 1000);
        long matrixEvery = Json.integer(v, "vttif", "matrixEveryMs", 100, 86_400_000, 10_000);
        long history = Json.integer(v, "vttif", "historyMinutes", 1, 5_256_000, HISTORY_MINUTES); // up to 10 years
        return new VttifSettings(new VttifConfig(window, VttifConfig.Mode.valueOf(mode), stable, prune, d.noiseBudget(),
                minRate, dominant), evaluate, matrixEvery, history);
    }
}
