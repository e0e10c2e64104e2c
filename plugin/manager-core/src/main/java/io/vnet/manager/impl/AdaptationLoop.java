package io.vnet.manager.impl;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.AdaptationService;
import io.vnet.manager.AuditLog;
import io.vnet.manager.MigrationExecutor;
import io.vnet.manager.TopologyService;
import io.vnet.vadapt.Plan;
import io.vnet.vttif.TopologyClass;
import io.vnet.vttif.TopologyGraph;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * VADAPT's closed loop. On each {@link #tick()} (the manager calls it every half second), for
 * every network whose mode is not OFF:
 * <ol>
 *   <li>when VTTIF reports a recognised topology class (OTHER, the mix between two patterns,
 *       does not count) other than the one last decided on, and the minimum interval since the
 *       last decision has passed, the network's algorithm plans from the live view and the loop
 *       records a decision with the predicted gain. In AUTOMATIC mode a plan worth applying is
 *       applied: the VMs it moves are migrated first (if the network allows it, within the
 *       hourly cap), then its links and rules are pushed ({@link Rollout});</li>
 *   <li>an applied decision is marked acknowledged once every agent applied its generation, and
 *       its realised gain (rate after / rate before, from the agents' raw reports, {@link RateMeter}) is
 *       measured once the overlay settled;</li>
 *   <li>in AUTOMATIC mode, a VM that the agents report on another host than the installed rules
 *       assume (it moved, by the loop or anyone else) gets its rules rewritten on the same
 *       overlay.</li>
 * </ol>
 * Hysteresis: one decision per recognised class (a steady pattern sees one, or two when the first,
 * taken while VTTIF's matrix still held the previous pattern, applied nothing: it gets one second
 * look after the settle time; a network whose
 * traffic stopped for VTTIF's window is IDLE, and traffic after that is a new phase), at most one
 * per minimum interval, and the cost model's minimum gain before anything is applied.
 */
public final class AdaptationLoop implements AdaptationService {
    private static final System.Logger LOG = System.getLogger(AdaptationLoop.class.getName());
    static final int KEEP = 100;
    static final long HOUR_MS = 3_600_000;

    /**
     * @param minIntervalMillis the least time between two decisions of a network
     * @param settleMillis      how long after applying before the realised gain is measured
     * @param measureMillis     over how long the rate is averaged, before and after
     */
    public record Timing(long minIntervalMillis, long settleMillis, long measureMillis) {
    }

    private static final class State {
        AdaptationService.Settings settings = AdaptationService.Settings.defaults();
        String decidedClass;
        long lastDecisionMillis = Long.MIN_VALUE / 2;
        /** When a decision that applied nothing gets its second look (-1: none due). */
        long recheckAt = -1;
        long nextId = 1;
        final NavigableMap<Long, LoopRecords.Stored> decisions = new TreeMap<>();
        final Map<Long, Map<String, Long>> awaitingAck = new HashMap<>();
        /** The placement the installed rules assume, null when the loop does not follow moves. */
        Map<MacAddress, String> rendered;
        /** The traffic the installed plan was made for: its routes are kept for it when VMs move. */
        io.vnet.vadapt.Demand renderedDemand;
        /** ... and its overlay. */
        io.vnet.vadapt.Overlay renderedOverlay;
        final Deque<Long> migrations = new ArrayDeque<>();
        /** When a migration of this network last failed or was refused (-1: never): none is tried for an hour after. */
        long migrationFailedAt = -1;
    }

    /** The rate before a decision is taken over this long (VTTIF recognises a pattern within a few seconds of its start). */
    static final long BEFORE_MS = 1500;
    /** The least time a network's traffic must have flowed before a decision for its rate to count as "before". */
    static final long MIN_ACTIVE_MS = 4000;
    /** The class decided on while a network had no traffic. */
    static final String IDLE = "IDLE";

    private final Recommender recommender;
    private final TopologyService topology;
    private final RateMeter rates;
    private final Rollout rollout;
    private final AuditLog audit;
    private final LoopRecords records;
    private final Supplier<MigrationExecutor> executor;
    private final Timing timing;
    private final Clock clock;
    private final Map<NetworkId, State> states = new ConcurrentHashMap<>();

    public AdaptationLoop(Recommender recommender, TopologyService topology, RateMeter rates, Rollout rollout,
                          AuditLog audit, LoopRecords records, Supplier<MigrationExecutor> executor, Timing timing,
                          Clock clock) {
        this.recommender = recommender;
        this.topology = topology;
        this.rates = rates;
        this.rollout = rollout;
        this.audit = audit;
        this.records = records;
        this.executor = executor;
        this.timing = timing;
        this.clock = clock;
        restore();
    }

    private void restore() {
        Map<NetworkId, AdaptationService.Settings> saved;
        try {
            saved = records.loadSettings();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "cannot read the adaptation settings: " + e.getMessage());
            return;
        }
        saved.forEach((network, settings) -> {
            State s = state(network);
            s.settings = settings;
            List<LoopRecords.Stored> ds = records.loadDecisions(network, KEEP);
            for (LoopRecords.Stored d : ds) {
                s.decisions.put(d.decision().id(), d);
                s.nextId = Math.max(s.nextId, d.decision().id() + 1);
            }
            for (LoopRecords.Stored d : ds) { // newest first: the newest applied one says what is installed
                if (d.decision().applied()) {
                    rollout.restore(network, d.decision().rolledBackAt() == null ? d.after() : d.before());
                    break;
                }
            }
            LOG.log(Level.INFO, "network " + network + ": adaptation " + settings.mode().name().toLowerCase(Locale.ROOT)
                    + " (" + settings.algorithm() + "), " + ds.size() + " decision(s) restored");
        });
    }

    @Override
    public synchronized void forget(NetworkId network) {
        states.remove(network);
        rates.forget(network);
        LOG.log(Level.INFO, "network " + network + ": the adaptation forgot its settings and decisions");
    }

    private State state(NetworkId network) {
        return states.computeIfAbsent(network, n -> new State());
    }

    @Override
    public Recommendation recommend(NetworkId network, String algorithm, boolean allowMigration) {
        return recommender.recommend(network, algorithm, allowMigration);
    }

    @Override
    public synchronized Settings settings(NetworkId network) {
        State s = states.get(network);
        return s == null ? Settings.defaults() : s.settings;
    }

    @Override
    public synchronized Settings configure(NetworkId network, Settings settings, String actor) {
        Recommender.adapter(settings.algorithm()); // an unknown algorithm is refused now, with its name
        if (settings.migrate() && executor.get() == null) {
            throw new IllegalArgumentException("migrate: no migration executor is configured (set migration.command"
                    + " in the manager's configuration)");
        }
        State s = state(network);
        if (s.settings.mode() != settings.mode()) {
            s.decidedClass = null; // the next tick decides on the current class
        }
        s.settings = settings;
        records.settings(network, settings);
        audit.record(actor, "adaptation-settings", "network " + network.vni(),
                io.vnet.manager.AdaptationJson.settings(settings).toString());
        return settings;
    }

    @Override
    public synchronized List<Decision> decisions(NetworkId network) {
        State s = states.get(network);
        if (s == null) {
            return List.of();
        }
        List<Decision> out = new ArrayList<>();
        s.decisions.descendingMap().values().forEach(d -> out.add(d.decision()));
        return out;
    }

    @Override
    public synchronized Decision rollback(NetworkId network, String actor) {
        State s = states.get(network);
        LoopRecords.Stored target = null;
        if (s != null) {
            for (LoopRecords.Stored d : s.decisions.descendingMap().values()) {
                if (d.decision().applied() && d.decision().rolledBackAt() == null) {
                    target = d;
                    break;
                }
            }
        }
        if (target == null) {
            throw new IllegalStateException("network " + network + " has no applied decision to roll back");
        }
        Decision d = target.decision();
        audit.record(actor, "rollback", "network " + network.vni(), "decision " + d.id() + " (" + d.trigger() + ")");
        rollout.install(network, target.before(), actor, "rollback of decision " + d.id());
        Decision rolled = new Decision(d.id(), d.time(), d.trigger(), d.recommendation(), true, d.note(), d.appliedAt(),
                d.ackedAt(), d.migrated(), d.rateBefore(), d.rateAfter(), d.realisedGain(), clock.instant());
        put(network, s, new LoopRecords.Stored(rolled, target.before(), target.after()));
        s.awaitingAck.remove(d.id());
        s.rendered = null; // the overlay restored is not one this loop follows moves on
        LOG.log(Level.INFO, "network " + network + ": decision " + d.id() + " rolled back by " + actor);
        return rolled;
    }

    @Override
    public synchronized Decision apply(NetworkId network, String actor) {
        State s = state(network);
        long now = clock.millis();
        Recommender.Planned planned = plan(network, s, now, true);
        Recommendation r = planned.recommendation();
        if (r.migrations().isEmpty() && (r.added().isEmpty()
                || rollout.render(network, planned.result().plan()).equals(rollout.installed(network)))) {
            throw new IllegalStateException("network " + network + ": the recommendation (" + r.algorithm()
                    + ") adds no link and moves no VM: the overlay already is what it recommends");
        }
        long id = s.nextId++;
        String trigger = "applied by " + actor;
        Decision d = new Decision(id, Instant.ofEpochMilli(now), trigger, r, false, "", null, null, List.of(),
                rateBefore(network, now), Double.NaN, Double.NaN, null);
        Rollout.Installed was = rollout.installed(network);
        audit.record(actor, "apply", "network " + network.vni(), "decision " + id + " (" + r.algorithm() + ", adds "
                + r.added() + (r.migrations().isEmpty() ? "" : ", moves " + r.migrations()) + ")");
        LoopRecords.Stored stored = apply(network, s, new LoopRecords.Stored(d, was, was), planned);
        put(network, s, stored);
        currentClass(network).ifPresent(cls -> s.decidedClass = cls); // the loop does not decide again on this class
        s.lastDecisionMillis = now;
        LOG.log(Level.INFO, "network " + network + " decision " + id + " (" + trigger + "): " + r.algorithm() + " adds "
                + r.added() + "; " + (stored.decision().applied() ? "applied" : stored.decision().note()));
        return stored.decision();
    }

    /**
     * The network's plan now with its settings' algorithm. It may move VMs only when {@code applying}, the
     * settings allow migrations, an executor is configured, the hourly cap has room and no migration of the
     * network failed within the hour; a plan that would move more VMs than the cap leaves is made again
     * with links only.
     */
    private Recommender.Planned plan(NetworkId network, State s, long now, boolean applying) {
        Settings set = s.settings;
        int migrationsLeft = migrationsLeft(s, now);
        boolean mayMigrate = applying && set.migrate() && executor.get() != null && migrationsLeft > 0
                && (s.migrationFailedAt < 0 || now - s.migrationFailedAt >= HOUR_MS);
        Recommender.Planned planned = recommender.plan(network, set.algorithm(), mayMigrate);
        if (planned.result().plan().migrations().size() > migrationsLeft) {
            planned = recommender.plan(network, set.algorithm(), false); // over the hourly cap: links only
        }
        return planned;
    }

    /**
     * The network's rate just before a decision, only once its traffic has flowed for a while (a pattern
     * that just started is still warming up, and its early rate would inflate the realised gain); NaN before.
     */
    private double rateBefore(NetworkId network, long now) {
        long active = rates.activeSince(network, now);
        return active >= 0 && now - active >= MIN_ACTIVE_MS ? rates.rate(network, now - BEFORE_MS, now) : Double.NaN;
    }

    /** The class VTTIF reports for a network now, when it recognises one. */
    private Optional<String> currentClass(NetworkId network) {
        return topology.topology(network).filter(g -> !g.isEmpty() && g.topologyClass() != TopologyClass.OTHER)
                .map(g -> g.topologyClass().name());
    }

    /** One round of the loop over every network whose mode is not OFF. */
    public synchronized void tick() {
        long now = clock.millis();
        states.forEach((network, s) -> {
            if (s.settings.mode() == Mode.OFF) {
                return;
            }
            try {
                followAcks(network, s);
                measure(network, s, now);
                if (s.settings.mode() == Mode.AUTOMATIC) {
                    followMoves(network, s);
                }
                decide(network, s, now);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "network " + network + ": adaptation round failed: " + e, e);
            }
        });
    }

    private void decide(NetworkId network, State s, long now) {
        if (topology.inferred(network).isEmpty()) {
            // no traffic now: the class reported last is history, not a pattern to adapt to; when traffic
            // comes back it is a new phase, even of the same class
            if (s.decidedClass != null) {
                s.decidedClass = IDLE;
            }
            return;
        }
        Optional<TopologyGraph> g = topology.topology(network);
        if (g.isEmpty() || g.get().isEmpty() || g.get().topologyClass() == TopologyClass.OTHER) {
            return; // between two patterns VTTIF sees a mix: wait for the next recognised class
        }
        String cls = g.get().topologyClass().name();
        String trigger;
        boolean again = cls.equals(s.decidedClass) && s.recheckAt >= 0 && now >= s.recheckAt;
        if (again) {
            // the first decision of this phase applied nothing, maybe because VTTIF's matrix still held the previous
            // pattern's traffic: one second look once the window has passed (it applies nothing else in between)
            trigger = cls + " (again, on the settled matrix)";
        } else if (cls.equals(s.decidedClass) || now - s.lastDecisionMillis < timing.minIntervalMillis()) {
            return;
        } else {
            trigger = (s.decidedClass == null ? "mode set" : s.decidedClass) + " -> " + cls;
        }
        s.recheckAt = -1;
        s.decidedClass = cls;
        s.lastDecisionMillis = now;
        boolean automatic = s.settings.mode() == Mode.AUTOMATIC;
        Recommender.Planned planned;
        try {
            planned = plan(network, s, now, automatic);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "network " + network + " (" + trigger + "): no plan: " + e.getMessage());
            return;
        }
        long id = s.nextId++;
        Instant at = Instant.ofEpochMilli(now);
        Decision d = new Decision(id, at, trigger, planned.recommendation(), false, "", null, null, List.of(),
                rateBefore(network, now), Double.NaN, Double.NaN, null);
        Rollout.Installed was = rollout.installed(network);
        LoopRecords.Stored stored = new LoopRecords.Stored(d, was, was);
        if (!automatic) {
            stored = withNote(stored, "recommend mode: recorded, not applied");
        } else if (!planned.result().plan().apply()) {
            stored = withNote(stored, "predicted gain below the minimum after change costs: not applied");
            if (!again) {
                s.recheckAt = now + timing.settleMillis();
            }
        } else {
            stored = apply(network, s, stored, planned);
        }
        put(network, s, stored);
        Recommendation r = stored.decision().recommendation();
        LOG.log(Level.INFO, "network " + network + " decision " + id + " (" + trigger + "): " + r.algorithm()
                + " adds " + r.added() + (r.migrations().isEmpty() ? "" : ", moves " + r.migrations())
                + ", predicted gain " + String.format(Locale.ROOT, "%.2f", r.predictedGain()) + "; "
                + (stored.decision().applied() ? "applied" : stored.decision().note()));
    }

    private LoopRecords.Stored apply(NetworkId network, State s, LoopRecords.Stored stored, Recommender.Planned planned) {
        Decision d = stored.decision();
        Plan plan = planned.result().plan();
        List<String> migrated = new ArrayList<>();
        String note = "";
        for (MacAddress vm : plan.migrations()) {
            String from = planned.result().problem().placement().hostOf(vm);
            String to = plan.placement().hostOf(vm);
            audit.record("adaptation", "migrate", "vm " + vm, from + " -> " + to + " (decision " + d.id() + ")");
            try {
                executor.get().migrate(network, vm, from, to);
                migrated.add(vm + "->" + to);
                s.migrations.addLast(clock.millis());
            } catch (Exception e) {
                // nothing was changed for it: the desired state is still the one before this decision; the plan is
                // redone without migrations, and none is tried on this network for an hour (no retry loop)
                s.migrationFailedAt = clock.millis();
                note = "migration of " + vm + " to " + to + " failed, planned again without migrations"
                        + " (none tried on this network for an hour): " + e.getMessage();
                audit.record("adaptation", "migrate-failed", "vm " + vm, from + " -> " + to + " (decision " + d.id()
                        + "): " + e.getMessage());
                LOG.log(Level.WARNING, "network " + network + " decision " + d.id() + ": " + note);
                break;
            }
        }
        if (!note.isEmpty()) {
            try {
                planned = recommender.plan(network, s.settings.algorithm(), false);
                plan = planned.result().plan();
            } catch (RuntimeException e) {
                return withNote(new LoopRecords.Stored(copy(d, migrated), stored.before(), stored.after()),
                        note + "; no plan: " + e.getMessage());
            }
            if (!plan.apply()) {
                return withNote(new LoopRecords.Stored(copy(d, migrated), stored.before(), stored.after()),
                        note + "; not worth applying");
            }
        }
        Rollout.Installed next;
        try {
            next = rollout.render(network, plan);
        } catch (IllegalArgumentException e) {
            return withNote(new LoopRecords.Stored(copy(d, migrated), stored.before(), stored.after()),
                    "cannot apply: " + e.getMessage());
        }
        Map<String, Long> gens = rollout.install(network, next, "adaptation", "decision " + d.id() + " (" + d.trigger() + ")");
        s.awaitingAck.put(d.id(), gens);
        s.rendered = new HashMap<>(plan.placement().hosts());
        s.renderedDemand = planned.result().problem().demand();
        s.renderedOverlay = plan.overlay();
        Instant at = clock.instant();
        Decision applied = new Decision(d.id(), d.time(), d.trigger(), planned.recommendation(), true, note, at,
                gens.isEmpty() ? at : null, migrated, d.rateBefore(), Double.NaN, Double.NaN, null);
        return new LoopRecords.Stored(applied, stored.before(), next);
    }

    private static Decision copy(Decision d, List<String> migrated) {
        return new Decision(d.id(), d.time(), d.trigger(), d.recommendation(), false, d.note(), null, null, migrated,
                d.rateBefore(), Double.NaN, Double.NaN, null);
    }

    private static LoopRecords.Stored withNote(LoopRecords.Stored s, String note) {
        Decision d = s.decision();
        return new LoopRecords.Stored(new Decision(d.id(), d.time(), d.trigger(), d.recommendation(), d.applied(), note,
                d.appliedAt(), d.ackedAt(), d.migrated(), d.rateBefore(), d.rateAfter(), d.realisedGain(),
                d.rolledBackAt()), s.before(), s.after());
    }

    private void followAcks(NetworkId network, State s) {
        for (Map.Entry<Long, Map<String, Long>> e : List.copyOf(s.awaitingAck.entrySet())) {
            if (rollout.acknowledged(e.getValue())) {
                s.awaitingAck.remove(e.getKey());
                LoopRecords.Stored st = s.decisions.get(e.getKey());
                if (st != null) {
                    Decision d = st.decision();
                    put(network, s, new LoopRecords.Stored(new Decision(d.id(), d.time(), d.trigger(), d.recommendation(),
                            d.applied(), d.note(), d.appliedAt(), clock.instant(), d.migrated(), d.rateBefore(),
                            d.rateAfter(), d.realisedGain(), d.rolledBackAt()), st.before(), st.after()));
                }
            }
        }
    }

    private void measure(NetworkId network, State s, long now) {
        for (LoopRecords.Stored st : List.copyOf(s.decisions.values())) {
            Decision d = st.decision();
            if (!d.applied() || d.appliedAt() == null || !Double.isNaN(d.rateAfter()) || d.rolledBackAt() != null) {
                continue;
            }
            long from = d.appliedAt().toEpochMilli() + timing.settleMillis();
            if (now < from + timing.measureMillis()) {
                continue;
            }
            double measured = rates.rate(network, from, from + timing.measureMillis());
            double after = Double.isNaN(measured) ? 0 : measured; // no report at all: nothing flowed
            double gain = d.rateBefore() > 0 ? after / d.rateBefore() : Double.NaN;
            String note = d.note();
            if (Double.isNaN(d.rateBefore())) {
                note = (note.isEmpty() ? "" : note + "; ") + "realised gain not measured: the traffic had flowed less than "
                        + MIN_ACTIVE_MS + " ms before the decision, too little to measure the rate before it";
            }
            put(network, s, new LoopRecords.Stored(new Decision(d.id(), d.time(), d.trigger(), d.recommendation(), true,
                    note, d.appliedAt(), d.ackedAt(), d.migrated(), d.rateBefore(), after, gain, null), st.before(),
                    st.after()));
            LOG.log(Level.INFO, String.format(Locale.ROOT, "network %s decision %d: realised gain %.2f (rate %.0f -> %.0f"
                    + " B/s), predicted %.2f", network, d.id(), gain, d.rateBefore(), after,
                    d.recommendation().predictedGain()));
        }
    }

    private void followMoves(NetworkId network, State s) {
        if (s.rendered == null) {
            return;
        }
        Map<MacAddress, java.util.Set<String>> now = recommender.reported(network);
        List<String> moved = new ArrayList<>();
        Map<MacAddress, String> movedTo = new HashMap<>();
        now.forEach((vm, hosts) -> {
            String was = s.rendered.get(vm);
            // a VM still reported by two hosts (the old one has not forgotten it yet) has not settled
            if (was != null && hosts.size() == 1 && !hosts.contains(was)) {
                moved.add(vm + " " + was + "->" + hosts.iterator().next());
                movedTo.put(vm, hosts.iterator().next());
            }
        });
        if (moved.isEmpty()) {
            return;
        }
        // the same overlay, and the traffic the plan was made for routed for the new placement
        Recommender.Planned same = recommender.reroute(network, s.renderedDemand, s.renderedOverlay, s.rendered,
                movedTo);
        Rollout.Installed next = rollout.render(network, same.result().plan());
        rollout.install(network, next, "adaptation", "VM moved: " + String.join(", ", moved));
        s.rendered = new HashMap<>(same.result().plan().placement().hosts());
        LOG.log(Level.INFO, "network " + network + ": rules rewritten for " + moved);
    }

    private int migrationsLeft(State s, long now) {
        while (!s.migrations.isEmpty() && s.migrations.peekFirst() < now - HOUR_MS) {
            s.migrations.removeFirst();
        }
        return Math.max(0, s.settings.maxMigrationsPerHour() - s.migrations.size());
    }

    private void put(NetworkId network, State s, LoopRecords.Stored d) {
        s.decisions.put(d.decision().id(), d);
        while (s.decisions.size() > KEEP) {
            s.decisions.pollFirstEntry();
        }
        records.decision(network, d);
    }
}
