package io.vnet.manager.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.manager.config.ManagerConfiguration;
import io.vnet.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The closed loop's fields of the manager's configuration file, {@code adaptation} and {@code
 * migration}; every field is optional:
 * <pre>
 *   "adaptation": {                         // VADAPT's closed loop
 *     "tickMs": 500,                        // how often the loop looks at every network
 *     "minIntervalMs": 5000,                // the least time between two decisions of a network
 *     "settleMs": 3000,                     // after applying, wait this long (default: VTTIF's window + 1 s) ...
 *     "measureMs": 3000,                    // ... then average the rate over this long for the realised gain
 *     "steadyMs": 5000,                     // a changed traffic matrix must hold this long to be planned for
 *                                           // (default: half VTTIF's window, at least 500)
 *     "rollbackTolerance": 0.1,             // automatic mode rolls back a decision whose realised gain is
 *                                           // below 1 minus this (1: never)
 *     "hostCapacity": 16,                   // the most VMs a host may run (placement)
 *     "linkMbps": 100,                      // a path's bandwidth where none was measured above it
 *     "uplinkMbps": 0,                      // each host's uplink (the proxy's too), shared by the overlay
 *                                           // links leaving it (0: unbounded, each link its own)
 *     "latencyMs": 0.5,                     // a path's one-way latency where none was measured
 *     "linkCostMs": 1,                      // the cost model: what an added link costs ...
 *     "migrationCostMs": 50,                // ... and a migration, in iteration time
 *     "minGain": 0.05                       // apply only from this predicted gain (hysteresis)
 *   },
 *   "migration": {                          // how VMs are moved (none: migrations cannot be enabled)
 *     "command": ["/usr/local/bin/move-vm", "{vni}", "{mac}", "{from}", "{to}"],
 *     "timeoutMs": 120000
 *   }
 * </pre>
 *
 * @param migration the configured migration command, or null
 */
public record AdaptationSettings(long tickMs, AdaptationLoop.Timing timing, Planner.Settings planner,
                                 CommandMigrations migration) {
    /** The top-level fields this package owns. */
    public static final Set<String> OWNED = Set.of("adaptation", "migration");
    static final Set<String> FIELDS = Set.of("tickMs", "minIntervalMs", "settleMs", "measureMs", "steadyMs",
            "rollbackTolerance", "hostCapacity", "linkMbps", "uplinkMbps", "latencyMs", "linkCostMs", "migrationCostMs",
            "minGain");

    /**
     * @param vttifWindowMs VTTIF's window: the settle time's default is a second more
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public static AdaptationSettings from(ManagerConfiguration cfg, long vttifWindowMs) {
        JsonNode a = section(cfg.field("adaptation"), "adaptation");
        Json.onlyFields(a, "adaptation", FIELDS);
        long tick = Json.integer(a, "adaptation", "tickMs", 50, 60_000, 500);
        long minInterval = Json.integer(a, "adaptation", "minIntervalMs", 0, 86_400_000, 5000);
        long settle = Json.integer(a, "adaptation", "settleMs", 0, 3_600_000, (int) Math.min(3_600_000, vttifWindowMs + 1000));
        long measure = Json.integer(a, "adaptation", "measureMs", 100, 3_600_000, 3000);
        long steady = Json.integer(a, "adaptation", "steadyMs", 0, 3_600_000, (int) Math.min(3_600_000,
                Math.max(500, vttifWindowMs / 2)));
        double tolerance = Json.number(a, "adaptation", "rollbackTolerance",
                AdaptationLoop.Timing.DEFAULT_ROLLBACK_TOLERANCE, 0, 1);
        Planner.Settings d = Planner.Settings.defaults();
        int capacity = Json.integer(a, "adaptation", "hostCapacity", 1, 100_000, d.hostCapacity());
        double mbps = Json.number(a, "adaptation", "linkMbps", d.linkBitsPerSecond() / 1e6, 0.001, 1e7);
        double latencyMs = Json.number(a, "adaptation", "latencyMs", d.latencySeconds() * 1e3, 0, 1e6);
        double uplinkMbps = Json.number(a, "adaptation", "uplinkMbps", 0, 0, 1e7);
        double linkCost = Json.number(a, "adaptation", "linkCostMs", d.cost().linkCostSeconds() * 1e3, 0, 1e9);
        double migrationCost = Json.number(a, "adaptation", "migrationCostMs", d.cost().migrationCostSeconds() * 1e3, 0, 1e9);
        double minGain = Json.number(a, "adaptation", "minGain", d.cost().minGain(), 0, 100);
        return new AdaptationSettings(tick, new AdaptationLoop.Timing(minInterval, settle, measure, steady, tolerance),
                new Planner.Settings(capacity, mbps * 1e6, latencyMs / 1e3,
                        new io.vnet.vadapt.CostModel(linkCost / 1e3, migrationCost / 1e3, minGain), uplinkMbps * 1e6),
                migration(cfg.field("migration")));
    }

    private static CommandMigrations migration(JsonNode field) {
        JsonNode m = section(field, "migration");
        if (m.isEmpty()) {
            return null;
        }
        Json.onlyFields(m, "migration", Set.of("command", "timeoutMs"));
        JsonNode cmd = m.path("command");
        if (!cmd.isArray() || cmd.isEmpty()) {
            throw new IllegalArgumentException("migration.command: expected a non-empty array of strings");
        }
        List<String> args = new ArrayList<>();
        for (int i = 0; i < cmd.size(); i++) {
            if (!cmd.get(i).isTextual()) {
                throw new IllegalArgumentException("migration.command[" + i + "]: expected a string, got " + cmd.get(i));
            }
            args.add(cmd.get(i).asText());
        }
        long timeout = Json.integer(m, "migration", "timeoutMs", 1, 3_600_000, 120_000);
        return new CommandMigrations(args, timeout);
    }

    private static JsonNode section(JsonNode v, String name) {
        if (v.isMissingNode() || v.isNull()) {
            return Json.object();
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException(name + ": expected an object, got " + v);
        }
        return v;
    }
}
