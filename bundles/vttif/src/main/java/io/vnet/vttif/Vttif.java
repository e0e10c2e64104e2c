package io.vnet.vttif;

import io.vnet.api.NetworkId;
import io.vnet.vttif.impl.TopologyClassifier;
import io.vnet.vttif.impl.TopologyTracker;
import io.vnet.vttif.impl.TrafficWindow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The VTTIF engine of a manager: it takes the agents' traffic reports, keeps a smoothed
 * traffic matrix per network, infers and classifies each network's topology and reports
 * changes. Typical use, once per reporting period: {@link #add} every report received, then
 * {@link #evaluate} with the current time ({@link #update} does both).
 *
 * <p>Pure: no I/O, no threads, no clock; all times are the caller's milliseconds and must not
 * go backwards between evaluations. Not thread-safe.
 *
 * <p>Reports of one network from several agents are summed. If two agents count the same
 * frames (sender's and receiver's host), every pair is doubled alike, which normalisation
 * cancels.
 */
public final class Vttif {
    private final VttifConfig config;
    private final TopologyClassifier classifier;
    private final Map<NetworkId, State> networks = new TreeMap<>();
    private long lastEvaluation;
    private boolean evaluated;

    private static final class State {
        final TrafficWindow window;
        final TopologyTracker tracker;
        TrafficMatrix matrix = TrafficMatrix.empty();
        TopologyGraph inferred = TopologyGraph.empty();

        State(NetworkId network, VttifConfig config) {
            window = new TrafficWindow(config.windowMillis());
            tracker = new TopologyTracker(network, config.mode() == VttifConfig.Mode.DAMPED, config.stableMillis());
        }
    }

    public Vttif(VttifConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("invalid VTTIF configuration: null");
        }
        this.config = config;
        this.classifier = new TopologyClassifier(config.pruneThreshold(), config.noiseBudget());
    }

    public VttifConfig config() {
        return config;
    }

    /**
     * Adds one agent's report. Returns false, and ignores it, if it ended before the window of
     * the last evaluation began: it came too late to count.
     */
    public boolean add(TrafficSample sample) {
        if (sample == null) {
            throw new IllegalArgumentException("invalid traffic sample: null");
        }
        State state = networks.get(sample.network());
        if (state == null) {
            state = new State(sample.network(), config);
            if (evaluated) {
                state.window.startAt(lastEvaluation);
            }
            networks.put(sample.network(), state);
        }
        return state.window.add(sample);
    }

    /**
     * Moves every network's window to end at {@code nowMillis}, infers each topology and returns
     * the changes to report, ordered by network.
     *
     * @throws IllegalArgumentException if {@code nowMillis} is before the previous evaluation
     */
    public List<TopologyChange> evaluate(long nowMillis) {
        if (evaluated && nowMillis < lastEvaluation) {
            throw new IllegalArgumentException("invalid evaluation time " + nowMillis + " ms: before the previous "
                    + "evaluation at " + lastEvaluation + " ms (time must not go backwards)");
        }
        evaluated = true;
        lastEvaluation = nowMillis;
        List<TopologyChange> changes = new ArrayList<>();
        for (State s : networks.values()) {
            s.matrix = s.window.advance(nowMillis, config.minPairRate());
            s.inferred = classifier.classify(s.matrix);
            s.tracker.observe(s.inferred, nowMillis).ifPresent(changes::add);
        }
        return changes;
    }

    /** Adds the reports, then evaluates at {@code nowMillis}. */
    public List<TopologyChange> update(long nowMillis, Collection<TrafficSample> samples) {
        if (samples == null) {
            throw new IllegalArgumentException("invalid traffic samples: null (use an empty collection)");
        }
        samples.forEach(this::add);
        return evaluate(nowMillis);
    }

    /** The reported topology of a network: the new topology of its last change. */
    public Optional<TopologyGraph> topology(NetworkId network) {
        State s = networks.get(network);
        return s == null ? Optional.empty() : s.tracker.reported();
    }

    /**
     * The topology inferred at the last evaluation, whether reported or not (in damped mode it
     * may still be waiting to be stable); empty if the network had no significant traffic.
     */
    public TopologyGraph inferred(NetworkId network) {
        State s = networks.get(network);
        return s == null ? TopologyGraph.empty() : s.inferred;
    }

    /** The smoothed traffic matrix of a network at the last evaluation, in bytes per second. */
    public TrafficMatrix matrix(NetworkId network) {
        State s = networks.get(network);
        return s == null ? TrafficMatrix.empty() : s.matrix;
    }

    /** The networks that have sent reports. */
    public Set<NetworkId> networks() {
        return Set.copyOf(networks.keySet());
    }

    /** Drops everything known about a network; true if there was something. */
    public boolean forget(NetworkId network) {
        return networks.remove(network) != null;
    }

    /**
     * Infers and classifies the topology of one matrix with this configuration's prune
     * threshold and noise budget (the minimum pair rate applies to reports only). Pure.
     */
    public TopologyGraph infer(TrafficMatrix matrix) {
        if (matrix == null) {
            throw new IllegalArgumentException("invalid traffic matrix: null");
        }
        return classifier.classify(matrix);
    }
}
