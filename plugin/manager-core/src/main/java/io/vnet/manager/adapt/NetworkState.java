package io.vnet.manager.adapt;

import io.vnet.api.MacAddress;
import io.vnet.manager.AdaptationService;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** What the closed loop holds of one network: its settings, its decisions, and what it installed. */
final class NetworkState {
    AdaptationService.Settings settings = AdaptationService.Settings.defaults();
    String decidedClass;
    long lastDecisionMillis = Long.MIN_VALUE / 2;
    /** When a decision that applied nothing gets its second look (-1: none due). */
    long recheckAt = -1;
    long nextId = 1;
    /** The newest decisions, by id (at most {@link AdaptationLoop#KEEP}). */
    final NavigableMap<Long, LoopRecords.Stored> decisions = new TreeMap<>();
    /** Applied decisions whose generations the agents have not all acknowledged yet: id -> host -> generation. */
    final Map<Long, Map<String, Long>> awaitingAck = new HashMap<>();
    /** The placement the installed rules assume, null when the loop does not follow moves. */
    Map<MacAddress, String> rendered;
    /** The traffic the installed plan was made for: its routes are kept for it when VMs move. */
    io.vnet.vadapt.Demand renderedDemand;
    /** ... and its overlay. */
    io.vnet.vadapt.Overlay renderedOverlay;
    /** When this network's recent migrations ran (the hourly cap). */
    final Deque<Long> migrations = new ArrayDeque<>();
    /** Since when a decision waits for the agents to report where every VM of VTTIF's topology is (-1: not waiting). */
    long placementWaitSince = -1;
    /** When a migration of this network last failed or was refused (-1: never): none is tried for an hour after. */
    long migrationFailedAt = -1;

    /** How many migrations the hourly cap leaves at {@code now}. */
    int migrationsLeft(long now) {
        while (!migrations.isEmpty() && migrations.peekFirst() < now - AdaptationLoop.HOUR_MS) {
            migrations.removeFirst();
        }
        return Math.max(0, settings.maxMigrationsPerHour() - migrations.size());
    }
}
