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
    /** The most plans kept that the loop rolled back (the oldest is forgotten first, and counted). */
    static final int MAX_REFUSED = 16;

    AdaptationService.Settings settings = AdaptationService.Settings.defaults();
    /** The class VTTIF named at the last decision (what people read in a trigger; the loop decides on {@link #shift}). */
    String decidedClass;
    /**
     * After a restart, the class the decision in force was made for (null: none, or already
     * matched): steady traffic of that class is taken as planned for, not decided on again.
     */
    String restoredClass;
    /** When the loop restored this network's decisions (a restart), -1 if it did not. */
    long restoredAt = -1;
    long lastDecisionMillis = Long.MIN_VALUE / 2;
    long nextId = 1;
    /** Whether the traffic changed since the last plan, and held. */
    final TrafficShift shift;
    /** The traffic each decision applied by the loop was planned for, by id, until its gain is judged. */
    final Map<Long, TrafficShift.Shares> plannedFor = new HashMap<>();
    /** Plans the loop rolled back because they did not pay, with the traffic they were made for: not applied again to it. */
    final Deque<Undo.Refused> refused = new ArrayDeque<>();
    /** Refused plans forgotten to keep {@link #refused} within {@link #MAX_REFUSED}. */
    long refusedForgotten;
    /** The newest decisions, by id (at most {@link AdaptationLoop#KEEP}, and the newest applied one however old). */
    final NavigableMap<Long, LoopRecords.Stored> decisions = new TreeMap<>();
    /** Applied decisions not acknowledged yet: the network's move is not over, or not every host applied it. */
    final java.util.Set<Long> awaitingAck = new java.util.HashSet<>();
    /** The placement the installed rules assume, null when the loop does not follow moves. */
    Map<MacAddress, String> rendered;
    /** The traffic the installed plan was made for: its routes are kept for it when VMs move. */
    io.vnet.vadapt.Demand renderedDemand;
    /** ... and its overlay. */
    io.vnet.vadapt.Overlay renderedOverlay;
    /** The routes of the plan in force over its whole overlay, as rendered (what returns when no link is down). */
    Rollout.Installed renderedRoutes;
    /** ... each VM pair's route in it (a reroute keeps the ones nothing cut), null if not known. */
    Map<io.vnet.vadapt.VmPair, java.util.List<String>> renderedPairRoutes;
    /** Links of {@link #renderedOverlay} the installed rules are routed around: down ({@link LinkWatch}). */
    java.util.Set<io.vnet.vadapt.HostLink> routedAround = java.util.Set.of();
    /** Since when each link of {@link #renderedOverlay} reported down has been so. */
    final Map<io.vnet.vadapt.HostLink, Long> downSince = new java.util.HashMap<>();
    /** Whether one of this network's decisions is migrating VMs now (without the loop's lock). */
    volatile boolean migrating;
    /** When this network's recent migrations ran (the hourly cap). */
    final Deque<Long> migrations = new ArrayDeque<>();
    /** Since when a decision waits for the agents to report where every VM of VTTIF's topology is (-1: not waiting). */
    long placementWaitSince = -1;
    /** When a migration of this network last failed or was refused (-1: never): none is tried for an hour after. */
    long migrationFailedAt = -1;

    NetworkState(long steadyMillis) {
        shift = new TrafficShift(steadyMillis);
    }

    /** How many migrations the hourly cap leaves at {@code now}. */
    int migrationsLeft(long now) {
        while (!migrations.isEmpty() && migrations.peekFirst() < now - AdaptationLoop.HOUR_MS) {
            migrations.removeFirst();
        }
        return Math.max(0, settings.maxMigrationsPerHour() - migrations.size());
    }
}
