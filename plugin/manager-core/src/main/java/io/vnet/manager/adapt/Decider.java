package io.vnet.manager.adapt;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.AdaptationService.Decision;
import io.vnet.manager.AdaptationService.Mode;
import io.vnet.manager.AdaptationService.Recommendation;
import io.vnet.manager.AdaptationService.Settings;
import io.vnet.manager.MigrationExecutor;
import io.vnet.manager.TopologyService;
import io.vnet.vttif.TopologyClass;
import io.vnet.vttif.TopologyGraph;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides when a network gets a decision, and plans it: when its traffic changed enough since the
 * last plan and the change held ({@link TrafficShift}), whatever VTTIF calls it, and the minimum
 * interval since the last decision has passed. In AUTOMATIC mode a plan worth applying is applied
 * ({@link Applier}) unless the loop rolled the same plan back for the same traffic ({@link Undo});
 * in RECOMMEND mode it is recorded. VTTIF's class names the decision's trigger.
 */
final class Decider {
    private static final System.Logger LOG = System.getLogger(Decider.class.getName());

    private final Recommender recommender;
    private final TopologyService topology;
    private final Rollout rollout;
    private final Applier applier;
    private final GainMeter gains;
    private final DecisionLog log;
    private final Supplier<MigrationExecutor> executor;
    private final AdaptationLoop.Timing timing;

    Decider(Recommender recommender, TopologyService topology, Rollout rollout, Applier applier, GainMeter gains,
            DecisionLog log, Supplier<MigrationExecutor> executor, AdaptationLoop.Timing timing) {
        this.recommender = recommender;
        this.topology = topology;
        this.rollout = rollout;
        this.applier = applier;
        this.gains = gains;
        this.log = log;
        this.executor = executor;
        this.timing = timing;
    }

    /**
     * The network's plan now with its settings' algorithm. It may move VMs only when {@code applying}, the
     * settings allow migrations, an executor is configured, the hourly cap has room and no migration of the
     * network failed within the hour; a plan that would move more VMs than the cap leaves is made again
     * with links only.
     */
    Recommender.Planned plan(NetworkId network, NetworkState s, long now, boolean applying) {
        Settings set = s.settings;
        int migrationsLeft = s.migrationsLeft(now);
        boolean mayMigrate = applying && set.migrate() && executor.get() != null && migrationsLeft > 0
                && (s.migrationFailedAt < 0 || now - s.migrationFailedAt >= AdaptationLoop.HOUR_MS);
        Recommender.Planned planned = recommender.plan(network, set.algorithm(), mayMigrate);
        if (planned.result().plan().migrations().size() > migrationsLeft) {
            planned = recommender.plan(network, set.algorithm(), false); // over the hourly cap: links only
        }
        return planned;
    }

    /** The VMs of {@code g} (group addresses aside) that no agent reports now. */
    private List<MacAddress> unplaced(NetworkId network, TopologyGraph g) {
        Map<MacAddress, Set<String>> reported = recommender.reported(network);
        List<MacAddress> out = new ArrayList<>();
        for (MacAddress vm : g.nodes()) {
            if (!vm.isGroup() && !reported.containsKey(vm)) {
                out.add(vm);
            }
        }
        return out;
    }

    /** The class VTTIF reports for a network now (OTHER included), if it reports one. */
    Optional<String> currentClass(NetworkId network) {
        return topology.topology(network).filter(g -> !g.isEmpty()).map(g -> g.topologyClass().name());
    }

    /**
     * Decides for the network when its traffic asks for it ({@link TrafficShift}): the smoothed
     * matrix moved at least {@link TrafficShift#CHANGED} from the last plan's (or none was made since
     * the mode was set or the traffic last stopped) and held for the steady time, and the minimum
     * interval since the last decision passed. Whatever VTTIF's class: it names the decision.
     */
    void decide(NetworkId network, NetworkState s, long now) {
        if (topology.inferred(network).isEmpty()) {
            // no traffic that counts now: what flowed before is history, not a pattern to adapt to; when traffic
            // comes back it is a new phase, even of the same pattern
            s.shift.idle();
            if (s.decidedClass != null) {
                s.decidedClass = AdaptationLoop.IDLE;
            }
            return;
        }
        boolean due = s.shift.due(topology.matrix(network), now);
        if (!due || now - s.lastDecisionMillis < timing.minIntervalMillis()) {
            return;
        }
        String cls = currentClass(network).orElse(TopologyClass.OTHER.name());
        if (s.restoredClass != null) {
            boolean same = s.restoredClass.equals(cls);
            if (!same && now - s.restoredAt < AdaptationLoop.RESTART_SETTLE_MS + timing.steadyMillis()) {
                return; // the agents are still coming back: the matrix is part of the traffic
            }
            s.restoredClass = null;
            if (same) {
                // a restarted manager: the decision in force (restored) was made for this traffic's class
                s.shift.planned();
                s.lastDecisionMillis = now;
                LOG.log(Level.INFO, "network " + network + ": the steady traffic is the " + cls + " the decision in"
                        + " force was made for (restored): no new decision");
                return;
            }
        }
        String trigger = (s.decidedClass == null ? "mode set" : s.decidedClass) + " -> " + cls;
        if (s.shift.hasPlan()) {
            trigger += String.format(Locale.ROOT, " (traffic moved %.2f from the last plan's)", s.shift.sincePlan());
        }
        Optional<TopologyGraph> g = topology.topology(network);
        List<MacAddress> unplaced = g.isPresent() ? unplaced(network, g.get()) : List.of();
        if (!unplaced.isEmpty()) {
            // VTTIF saw these VMs' traffic before their agents' reports said where they run: a plan now would be
            // made for part of the network (a VM of an agent that just connected, say); wait for the next reports,
            // at most the settle time
            if (s.placementWaitSince < 0) {
                s.placementWaitSince = now;
            }
            if (now - s.placementWaitSince < timing.settleMillis()) {
                return;
            }
            LOG.log(Level.WARNING, "network " + network + " (" + trigger + "): no agent reports " + unplaced.size()
                    + " VM(s) of the topology after " + (now - s.placementWaitSince) + " ms, e.g. " + unplaced.get(0)
                    + "; deciding without them");
        }
        s.placementWaitSince = -1;
        s.decidedClass = cls;
        s.lastDecisionMillis = now;
        s.shift.planned();
        TrafficShift.Shares traffic = s.shift.current();
        boolean automatic = s.settings.mode() == Mode.AUTOMATIC;
        Recommender.Planned planned;
        try {
            planned = plan(network, s, now, automatic);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "network " + network + " (" + trigger + "): no plan: " + e.getMessage());
            return;
        }
        long id = s.nextId++;
        Decision d = Decision.recorded(id, Instant.ofEpochMilli(now), trigger, planned.recommendation(),
                gains.rateBefore(network, now));
        Optional<Undo.Refused> refused = automatic ? Undo.refused(s, traffic, planned.recommendation()) : Optional.empty();
        // what was installed is kept with a decision that is applied (its rollback and a restart restore it); one
        // recorded and not applied keeps none: the loop records one at every change of the traffic, and with
        // the overlay of its time each would hold every host's rules until it is among the KEEP oldest
        LoopRecords.Stored stored = new LoopRecords.Stored(d, Rollout.Installed.NONE, Rollout.Installed.NONE);
        if (!automatic) {
            stored = DecisionLog.withNote(stored, "recommend mode: recorded, not applied");
        } else if (!planned.result().plan().apply()) {
            stored = DecisionLog.withNote(stored, "predicted gain below the minimum after change costs: not applied");
        } else if (refused.isPresent()) {
            Undo.Refused f = refused.get();
            stored = DecisionLog.withNote(stored, String.format(Locale.ROOT, "not applied: the same plan was rolled back"
                    + " for this traffic (decision %d: predicted gain %.2f, realised %.2f)", f.decision(),
                    f.predictedGain(), f.realisedGain()));
        } else {
            Rollout.Installed was = rollout.installed(network);
            stored = applier.apply(network, s, new LoopRecords.Stored(d, was, was), planned);
            if (stored.decision().applied()) {
                s.plannedFor.put(id, traffic);
            }
        }
        log.put(network, s, stored);
        s.plannedFor.keySet().retainAll(s.decisions.keySet());
        Recommendation r = stored.decision().recommendation();
        LOG.log(Level.INFO, "network " + network + " decision " + id + " (" + trigger + "): " + r.algorithm()
                + " adds " + r.added() + (r.migrations().isEmpty() ? "" : ", moves " + r.migrations())
                + ", predicted gain " + String.format(Locale.ROOT, "%.2f", r.predictedGain()) + "; "
                + (stored.decision().applied() ? "applied" : stored.decision().note()));
    }
}
