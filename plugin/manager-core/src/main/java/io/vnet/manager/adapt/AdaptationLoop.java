package io.vnet.manager.adapt;

import io.vnet.api.NetworkId;
import io.vnet.manager.AdaptationService;
import io.vnet.manager.AuditLog;
import io.vnet.manager.MigrationExecutor;
import io.vnet.manager.TopologyService;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * VADAPT's closed loop, as a service: settings, decisions, manual apply and rollback, and on
 * each {@link #tick()} (the manager calls it every half second), for every network whose mode is
 * not OFF, these jobs, each in a class of its own:
 * <ol>
 *   <li>({@link Decider}, {@link TrafficShift}, {@link Applier}) when the network's traffic changed
 *       since the last plan and the change held (the smoothed matrix, normalised, at least 0.3 away
 *       in total variation distance from the last plan's, and within 0.1 of itself for the steady
 *       time), whatever VTTIF calls it, and the minimum interval since the last decision has
 *       passed, the network's algorithm plans from the live view and the loop records a decision
 *       with the predicted gain, named by VTTIF's class. In AUTOMATIC mode a plan worth applying is
 *       applied: the VMs it moves are migrated first (if the network allows it, within the hourly
 *       cap), then its links and rules are pushed ({@link Rollout});</li>
 *   <li>({@link GainMeter}) an applied decision is marked acknowledged once every agent applied its generation, and
 *       its realised gain (rate after / rate before, from the agents' raw reports, {@link RateMeter}) is
 *       measured once the overlay settled;</li>
 *   <li>({@link Undo}) in AUTOMATIC mode, a decision the loop applied whose realised gain is below
 *       1 minus the rollback tolerance is rolled back, and its plan is not applied again to the same
 *       traffic;</li>
 *   <li>({@link MoveFollower}) in AUTOMATIC mode, a VM that the agents report on another host than the installed rules
 *       assume (it moved, by the loop or anyone else) gets its rules rewritten on the same
 *       overlay;</li>
 *   <li>({@link LinkWatch}) in either mode, while a plan of the loop is in force, a link of its overlay that is
 *       reported down for a second gets the rules routed around it (the link kept, to come back), and
 *       routed back onto it when it is up again; neither is a decision.</li>
 * </ol>
 * Hysteresis: one decision per steady traffic pattern (a drift of less than 0.3 never makes one,
 * and traffic that keeps changing for longer than the steady time makes none); a network whose
 * traffic stopped for VTTIF's window is IDLE, and traffic after that is a new phase; at most one
 * decision per minimum interval; and the cost model's minimum gain before anything is applied.
 */
public final class AdaptationLoop implements AdaptationService {
    private static final System.Logger LOG = System.getLogger(AdaptationLoop.class.getName());
    static final int KEEP = 100;
    static final long HOUR_MS = 3_600_000;
    /**
     * After a restart, how long the agents have to reconnect and report (their liveness, 10 s)
     * before traffic of another class than the restored decision's counts as a change: until then
     * the matrix is made of the reports of the agents back so far.
     */
    static final long RESTART_SETTLE_MS = 10_000;

    /**
     * @param minIntervalMillis the least time between two decisions of a network
     * @param settleMillis      how long after applying before the realised gain is measured
     * @param measureMillis     over how long the rate is averaged, before and after
     * @param steadyMillis      how long a changed traffic matrix must hold before it is planned for
     *                          ({@link TrafficShift})
     * @param rollbackTolerance a decision applied by the loop whose realised gain is below 1 minus
     *                          this is rolled back by the loop (1: never)
     */
    public record Timing(long minIntervalMillis, long settleMillis, long measureMillis, long steadyMillis,
                         double rollbackTolerance) {
        /** The default steady time: half VTTIF's default window. */
        public static final long DEFAULT_STEADY_MS = 5000;
        /** The default tolerance: a realised gain below 0.9 is rolled back. */
        public static final double DEFAULT_ROLLBACK_TOLERANCE = 0.1;

        public Timing {
            if (steadyMillis < 0 || !(rollbackTolerance >= 0 && rollbackTolerance <= 1)) {
                throw new IllegalArgumentException("steadyMillis >= 0 and a rollback tolerance in [0, 1] expected: "
                        + steadyMillis + ", " + rollbackTolerance);
            }
        }

        /** With the default steady time and rollback tolerance. */
        public Timing(long minIntervalMillis, long settleMillis, long measureMillis) {
            this(minIntervalMillis, settleMillis, measureMillis, DEFAULT_STEADY_MS, DEFAULT_ROLLBACK_TOLERANCE);
        }
    }

    /** The rate before a decision is taken over this long (VTTIF recognises a pattern within a few seconds of its start). */
    static final long BEFORE_MS = 1500;
    /** The least time a network's traffic must have flowed before a decision for its rate to count as "before". */
    static final long MIN_ACTIVE_MS = 4000;
    /** The class decided on while a network had no traffic. */
    static final String IDLE = "IDLE";

    private final Recommender recommender;
    private final RateMeter rates;
    private final Rollout rollout;
    private final AuditLog audit;
    private final LoopRecords records;
    private final Supplier<MigrationExecutor> executor;
    private final Clock clock;
    private final DecisionLog log;
    private final GainMeter gains;
    private final Applier applier;
    private final Decider decider;
    private final Undo undo;
    private final MoveFollower moves;
    private final LinkWatch links;
    private final Timing timing;
    private final Map<NetworkId, NetworkState> states = new ConcurrentHashMap<>();
    /**
     * Guards the loop's state. A migration runs without it ({@link #outside}): settings, the API and the
     * live event stream are answered while a VM moves, for as long as that takes.
     */
    private final ReentrantLock lock = new ReentrantLock();

    public AdaptationLoop(Recommender recommender, TopologyService topology, RateMeter rates, Rollout rollout,
                          AuditLog audit, LoopRecords records, Supplier<MigrationExecutor> executor, Timing timing,
                          Clock clock) {
        this(recommender, topology, rates, rollout, audit, records, executor, timing, clock, null);
    }

    /**
     * @param owns in a cluster, whether this manager owns a network now (null: a manager alone, which owns every
     *             network): the loop restores nothing at start, runs only for networks it owns, restores a network
     *             when it gets it ({@link #acquire}) and forgets it when it loses it ({@link #release})
     */
    public AdaptationLoop(Recommender recommender, TopologyService topology, RateMeter rates, Rollout rollout,
                          AuditLog audit, LoopRecords records, Supplier<MigrationExecutor> executor, Timing timing,
                          Clock clock, java.util.function.Predicate<NetworkId> owns) {
        this.owns = owns == null ? n -> true : owns;
        this.recommender = recommender;
        this.rates = rates;
        // the meter keeps samples of the networks the loop manages only (a thousand networks off cost nothing)
        rates.only(n -> {
            NetworkState st = states.get(n);
            return st != null && st.settings.mode() != Mode.OFF;
        });
        this.rollout = rollout;
        this.audit = audit;
        this.records = records;
        this.executor = executor;
        this.clock = clock;
        this.log = new DecisionLog(records);
        this.gains = new GainMeter(rates, rollout, log, timing, clock);
        this.applier = new Applier(recommender, rollout, audit, executor, clock, this::outside,
                (network, s) -> states.get(network) == s);
        this.decider = new Decider(recommender, topology, rollout, applier, gains, log, executor, timing);
        this.undo = new Undo(rollout, audit, log, clock, timing.rollbackTolerance());
        this.timing = timing;
        this.moves = new MoveFollower(recommender, rollout);
        this.links = new LinkWatch(recommender, rollout);
        if (owns == null) {
            restore();
        }
    }

    /** Whether this manager owns each network now (all, for a manager alone). */
    private final java.util.function.Predicate<NetworkId> owns;

    /**
     * In a cluster: this manager now owns {@code network}: its settings and decisions come from the database, as
     * after a restart (what the last owner installed is in force; the traffic it was made for is not a new pattern).
     */
    public void acquire(NetworkId network) {
        lock.lock();
        try {
            Settings settings;
            try {
                settings = records.loadSettings(network).orElse(null);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "network " + network + ": cannot read its adaptation settings: " + e.getMessage());
                return;
            }
            states.remove(network);
            restoreNetwork(network, settings == null ? Settings.defaults() : settings);
        } finally {
            lock.unlock();
        }
    }

    /**
     * In a cluster: this manager no longer owns {@code network}: what it held of it in memory goes (nothing is
     * pushed; the next owner goes on from the database).
     */
    public void release(NetworkId network) {
        lock.lock();
        try {
            states.remove(network);
            rates.forget(network);
            log.forget(network);
            rollout.release(network);
        } finally {
            lock.unlock();
        }
        LOG.log(Level.INFO, "network " + network + ": the adaptation let it go (another manager owns it)");
    }

    private void restore() {
        Map<NetworkId, AdaptationService.Settings> saved;
        try {
            saved = records.loadSettings();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "cannot read the adaptation settings: " + e.getMessage());
            return;
        }
        saved.forEach(this::restoreNetwork);
    }

    private void restoreNetwork(NetworkId network, Settings settings) {
        {
            NetworkState s = state(network);
            s.settings = settings;
            List<LoopRecords.Stored> ds = records.loadDecisions(network, KEEP);
            for (LoopRecords.Stored d : ds) {
                s.decisions.put(d.decision().id(), d);
                s.nextId = Math.max(s.nextId, d.decision().id() + 1);
            }
            // the newest applied one says what is installed; more than KEEP decisions not applied may follow it
            java.util.Optional<LoopRecords.Stored> newestApplied = ds.stream().filter(d -> d.decision().applied()).findFirst();
            if (newestApplied.isEmpty() && ds.size() >= KEEP) {
                newestApplied = records.latestApplied(network);
                newestApplied.ifPresent(d -> s.decisions.put(d.decision().id(), d)); // kept beside the newest
            }
            if (newestApplied.isPresent() && newestApplied.get().decision().applied()) {
                LoopRecords.Stored d = newestApplied.get();
                rollout.restore(network, d.decision().rolledBackAt() == null ? d.after() : d.before());
                if (d.decision().rolledBackAt() == null) {
                    // the traffic it was made for, once steady again, is not a new pattern
                    s.restoredClass = madeFor(d.decision().trigger());
                    s.decidedClass = s.restoredClass;
                    s.restoredAt = clock.millis();
                }
            }
            LOG.log(Level.INFO, "network " + network + ": adaptation " + settings.mode().name().toLowerCase(Locale.ROOT)
                    + " (" + settings.algorithm() + "), " + ds.size() + " decision(s) restored");
        }
    }

    /** The class a decision was made for, from its trigger ("RING -> ALL_TO_ALL (...)": ALL_TO_ALL), or null. */
    static String madeFor(String trigger) {
        int arrow = trigger == null ? -1 : trigger.lastIndexOf("-> ");
        if (arrow < 0) {
            return null;
        }
        String rest = trigger.substring(arrow + 3);
        int end = rest.indexOf(' ');
        String cls = end < 0 ? rest : rest.substring(0, end);
        return cls.isEmpty() ? null : cls;
    }

    @Override
    public void forget(NetworkId network) {
        lock.lock();
        try {
            states.remove(network);
            rates.forget(network);
            log.forget(network);
        } finally {
            lock.unlock();
        }
        LOG.log(Level.INFO, "network " + network + ": the adaptation forgot its settings and decisions");
    }

    /**
     * Runs {@code migration} with the loop's lock released (all of its holds), and takes the lock
     * again after, whatever happened.
     */
    private void outside(Applier.Migration migration) throws Exception {
        int holds = lock.getHoldCount();
        for (int i = 0; i < holds; i++) {
            lock.unlock();
        }
        try {
            migration.run();
        } finally {
            for (int i = 0; i < holds; i++) {
                lock.lock();
            }
        }
    }

    private <T> T locked(java.util.function.Supplier<T> body) {
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses to change a network while one of its decisions migrates VMs (the lock is not held then). */
    private static void notMigrating(NetworkId network, NetworkState s) {
        if (s != null && s.migrating) {
            throw new IllegalStateException("network " + network + ": a decision is migrating VMs; try again when it"
                    + " is done");
        }
    }

    /** The loop's metrics: each network's mode and decisions ({@link LoopMetrics}). */
    io.vnet.manager.MetricsSource metrics() {
        return new LoopMetrics(states, log);
    }

    private NetworkState state(NetworkId network) {
        return states.computeIfAbsent(network, n -> new NetworkState(timing.steadyMillis()));
    }

    @Override
    public Recommendation recommend(NetworkId network, String algorithm, boolean allowMigration) {
        return recommender.recommend(network, algorithm, allowMigration);
    }

    @Override
    public Settings settings(NetworkId network) {
        return locked(() -> {
            NetworkState s = states.get(network);
            return s == null ? Settings.defaults() : s.settings;
        });
    }

    @Override
    public Settings configure(NetworkId network, Settings settings, String actor) {
        return locked(() -> configureLocked(network, settings, actor));
    }

    /** Refuses to act on a network another manager of the cluster owns. */
    private void owned(NetworkId network) {
        if (!owns.test(network)) {
            throw new IllegalStateException("network " + network + " is owned by another manager of the cluster; ask it");
        }
    }

    private Settings configureLocked(NetworkId network, Settings settings, String actor) {
        owned(network);
        Recommender.adapter(settings.algorithm()); // an unknown algorithm is refused now, with its name
        if (settings.migrate() && executor.get() == null) {
            throw new IllegalArgumentException("migrate: no migration executor is configured (set migration.command"
                    + " in the manager's configuration)");
        }
        NetworkState s = state(network);
        if (s.settings.mode() != settings.mode()) {
            s.decidedClass = null; // the traffic now gets a decision once it is steady
            s.shift.forgetPlan();
        }
        s.settings = settings;
        records.settings(network, settings);
        audit.record(actor, "adaptation-settings", "network " + network.vni(),
                io.vnet.manager.AdaptationJson.settings(settings).toString());
        return settings;
    }

    @Override
    public List<Decision> decisions(NetworkId network) {
        return locked(() -> decisionsLocked(network));
    }

    private List<Decision> decisionsLocked(NetworkId network) {
        NetworkState s = states.get(network);
        if (s == null) {
            return List.of();
        }
        List<Decision> out = new ArrayList<>();
        s.decisions.descendingMap().values().forEach(d -> out.add(d.decision()));
        return out;
    }

    @Override
    public Decision rollback(NetworkId network, String actor) {
        return locked(() -> rollbackLocked(network, actor));
    }

    private Decision rollbackLocked(NetworkId network, String actor) {
        owned(network);
        NetworkState s = states.get(network);
        notMigrating(network, s);
        LoopRecords.Stored target = null;
        if (s != null) {
            target = Undo.inForce(s).orElse(null);
        }
        if (target == null) {
            throw new IllegalStateException("network " + network + " has no applied decision to roll back");
        }
        return undo.rollBack(network, s, target, actor, "");
    }

    @Override
    public Decision apply(NetworkId network, String actor) {
        return locked(() -> applyLocked(network, actor));
    }

    private Decision applyLocked(NetworkId network, String actor) {
        owned(network);
        NetworkState s = state(network);
        notMigrating(network, s);
        long now = clock.millis();
        Recommender.Planned planned = decider.plan(network, s, now, true);
        Recommendation r = planned.recommendation();
        if (r.migrations().isEmpty() && (r.added().isEmpty()
                || rollout.render(network, planned.result().plan()).equals(rollout.installed(network)))) {
            throw new IllegalStateException("network " + network + ": the recommendation (" + r.algorithm()
                    + ") adds no link and moves no VM: the overlay already is what it recommends");
        }
        long id = s.nextId++;
        String trigger = "applied by " + actor;
        Decision d = Decision.recorded(id, Instant.ofEpochMilli(now), trigger, r, gains.rateBefore(network, now));
        Rollout.Installed was = rollout.installed(network);
        audit.record(actor, "apply", "network " + network.vni(), "decision " + id + " (" + r.algorithm() + ", adds "
                + r.added() + (r.migrations().isEmpty() ? "" : ", moves " + r.migrations()) + ")");
        LoopRecords.Stored stored = applier.apply(network, s, new LoopRecords.Stored(d, was, was), planned);
        log.put(network, s, stored);
        // the loop does not decide again on this traffic
        s.decidedClass = decider.currentClass(network).orElse(s.decidedClass);
        s.shift.planned();
        s.lastDecisionMillis = now;
        LOG.log(Level.INFO, "network " + network + " decision " + id + " (" + trigger + "): " + r.algorithm() + " adds "
                + r.added() + "; " + (stored.decision().applied() ? "applied" : stored.decision().note()));
        return stored.decision();
    }

    /**
     * One round of the loop over every network whose mode is not OFF (a network whose decision is
     * migrating VMs, on another thread, is left for the next round).
     */
    public void tick() {
        locked(() -> {
            tickLocked();
            return null;
        });
    }

    private void tickLocked() {
        long now = clock.millis();
        try {
            rollout.advance();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "moving the overlays on failed: " + e, e);
        }
        states.forEach((network, s) -> {
            if (s.settings.mode() == Mode.OFF || s.migrating || !owns.test(network)) {
                return;
            }
            try {
                gains.followAcks(network, s);
                for (LoopRecords.Stored measured : gains.measure(network, s, now)) {
                    long from = measured.decision().appliedAt().toEpochMilli() + timing.settleMillis();
                    undo.judge(network, s, measured, rates.flowedThrough(network, from, from + timing.measureMillis()));
                }
                links.follow(network, s, now);
                if (s.settings.mode() == Mode.AUTOMATIC) {
                    moves.follow(network, s);
                }
                decider.decide(network, s, now);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "network " + network + ": adaptation round failed: " + e, e);
            }
        });
    }
}
