package io.vnet.manager.impl;

import io.vnet.api.NetworkId;
import io.vnet.manager.AdaptationService;
import io.vnet.manager.TopologyService;
import io.vnet.vttif.TopologyGraph;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The closed loop's bookkeeping: a mode per network, and on each {@link #tick()} (the manager
 * calls it every second), for every network in {@link Mode#RECOMMEND} whose reported topology
 * class (OTHER, the mix VTTIF sees between two patterns, does not count) differs from the one
 * last decided on, a recommendation recorded as a decision, with
 * hysteresis: at most one decision per network per minimum interval, and none while the class
 * stays the same, so a steady application sees one decision per pattern phase.
 */
public final class AdaptationLoop implements AdaptationService {
    private static final System.Logger LOG = System.getLogger(AdaptationLoop.class.getName());
    static final int KEEP = 100;

    private static final class State {
        volatile Mode mode = Mode.OFF;
        volatile String decidedClass;
        volatile long lastDecisionMillis = Long.MIN_VALUE / 2;
        final Deque<Decision> decisions = new ArrayDeque<>();
    }

    private final Recommender recommender;
    private final TopologyService topology;
    private final String algorithm;
    private final long minIntervalMillis;
    private final Clock clock;
    private final Map<NetworkId, State> states = new ConcurrentHashMap<>();

    public AdaptationLoop(Recommender recommender, TopologyService topology, String algorithm, long minIntervalMillis,
                          Clock clock) {
        this.recommender = recommender;
        this.topology = topology;
        this.algorithm = algorithm;
        this.minIntervalMillis = minIntervalMillis;
        this.clock = clock;
        Recommender.adapter(algorithm); // a bad algorithm is an error now, not at the first decision
    }

    @Override
    public Recommendation recommend(NetworkId network, String algorithm, boolean allowMigration) {
        return recommender.recommend(network, algorithm, allowMigration);
    }

    @Override
    public Mode mode(NetworkId network) {
        State s = states.get(network);
        return s == null ? Mode.OFF : s.mode;
    }

    @Override
    public void setMode(NetworkId network, Mode mode) {
        if (mode == Mode.AUTOMATIC) {
            throw new UnsupportedOperationException("mode automatic is not available yet: decisions can be recorded"
                    + " (recommend) but not applied");
        }
        State s = states.computeIfAbsent(network, n -> new State());
        if (s.mode != mode) {
            s.mode = mode;
            s.decidedClass = null; // the next tick decides on the current class
            LOG.log(Level.INFO, "network " + network + ": adaptation mode " + mode.name().toLowerCase());
        }
    }

    @Override
    public List<Decision> decisions(NetworkId network) {
        State s = states.get(network);
        if (s == null) {
            return List.of();
        }
        synchronized (s.decisions) {
            return List.copyOf(s.decisions);
        }
    }

    /** One round of the loop over every network whose mode is not OFF. */
    public void tick() {
        states.forEach((network, s) -> {
            if (s.mode == Mode.OFF) {
                return;
            }
            Optional<TopologyGraph> g = topology.topology(network);
            if (g.isEmpty() || g.get().isEmpty()) {
                return;
            }
            String cls = g.get().topologyClass().name();
            if (g.get().topologyClass() == io.vnet.vttif.TopologyClass.OTHER) {
                return; // between two patterns VTTIF sees a mix: wait for the next recognised class
            }
            long now = clock.millis();
            if (cls.equals(s.decidedClass) || now - s.lastDecisionMillis < minIntervalMillis) {
                return;
            }
            String trigger = (s.decidedClass == null ? "mode set" : s.decidedClass) + " -> " + cls;
            try {
                Recommendation r = recommender.recommend(network, algorithm, false);
                record(s, new Decision(clock.instant(), trigger, r, false));
                LOG.log(Level.INFO, "network " + network + " (" + trigger + "): " + r.algorithm() + " recommends "
                        + r.added() + ", predicted gain " + String.format(java.util.Locale.ROOT, "%.2f", r.predictedGain())
                        + (r.worthApplying() ? "" : " (not worth applying)") + "; recorded, not applied");
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "network " + network + " (" + trigger + "): no recommendation: " + e.getMessage());
            }
            s.decidedClass = cls;
            s.lastDecisionMillis = now;
        });
    }

    private static void record(State s, Decision d) {
        synchronized (s.decisions) {
            s.decisions.addFirst(d);
            while (s.decisions.size() > KEEP) {
                s.decisions.removeLast();
            }
        }
    }
}
