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
import java.util.function.Function;

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
 *
 * <p>Bounded per network, however many VMs (or forged addresses) a network shows: a report
 * keeps its {@link #MAX_REPORT_PAIRS} largest pairs, the window holds at most {@link
 * #MAX_WINDOW_PAIRS} pairs (its oldest reports leave early beyond that), and the matrix has at
 * most {@link #MAX_NODES} VMs, the largest talkers; what is left out is counted ({@link
 * #omitted}). The matrix is sparse, so nothing takes nodes x nodes memory. One network's
 * failure (an exception while adding its report or inferring its topology) empties that
 * network's window and is recorded ({@link #failure}); the other networks go on.
 */
public final class Vttif {
    /** The most VMs in a network's matrix: the largest talkers in the window. */
    public static final int MAX_NODES = 1_024;
    /**
     * The most pairs kept of one report of one network, its largest by bytes (the agents send at
     * most as many).
     */
    public static final int MAX_REPORT_PAIRS = 4_096;
    /**
     * The most pairs held in a network's window over all its reports: sixteen reports of {@link
     * #MAX_REPORT_PAIRS}, a 10 s window of one agent flooding at one report a second and room for
     * the others.
     */
    public static final int MAX_WINDOW_PAIRS = 65_536;

    private final VttifConfig config;
    private final Function<TrafficMatrix, TopologyGraph> classifier;
    private final Map<NetworkId, State> networks = new TreeMap<>();
    private long lastEvaluation;
    private boolean evaluated;

    private static final class State {
        final TrafficWindow window;
        final TopologyTracker tracker;
        TrafficMatrix matrix = TrafficMatrix.empty();
        TopologyGraph inferred = TopologyGraph.empty();
        long failures;
        String failure;
        long evaluations;
        long evaluationNanos;
        long lastEvaluationNanos;

        State(NetworkId network, VttifConfig config) {
            window = new TrafficWindow(config.windowMillis(), MAX_NODES, MAX_REPORT_PAIRS, MAX_WINDOW_PAIRS);
            tracker = new TopologyTracker(network, config.mode() == VttifConfig.Mode.DAMPED, config.stableMillis());
        }

        /** Records a failure and empties the window, whose state the failure may have left inconsistent. */
        void failed(RuntimeException e) {
            failures++;
            failure = e.toString();
            window.clear();
            matrix = TrafficMatrix.empty();
            inferred = TopologyGraph.empty();
        }
    }

    public Vttif(VttifConfig config) {
        this(config, config == null ? null : new TopologyClassifier(config.pruneThreshold(), config.noiseBudget(),
                config.dominantShare())::classify);
    }

    /** With {@code classifier} in place of the configured one (tests: a classifier that fails). */
    Vttif(VttifConfig config, Function<TrafficMatrix, TopologyGraph> classifier) {
        if (config == null) {
            throw new IllegalArgumentException("invalid VTTIF configuration: null");
        }
        this.config = config;
        this.classifier = classifier;
    }

    public VttifConfig config() {
        return config;
    }

    /**
     * Adds one agent's report. Returns false, and ignores it, if it ended before the window of
     * the last evaluation began: it came too late to count; or if it failed (a byte count that
     * overflows), which empties the network's window and is recorded as its {@link #failure}.
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
        try {
            return state.window.add(sample);
        } catch (RuntimeException e) {
            state.failed(e);
            return false;
        }
    }

    /**
     * Moves every network's window to end at {@code nowMillis}, infers each topology and returns
     * the changes to report, ordered by network. A network whose inference fails is left out
     * (its window emptied, the failure recorded); the others are evaluated as usual.
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
            long start = System.nanoTime();
            try {
                s.matrix = s.window.advance(nowMillis, config.minPairRate());
                s.inferred = classifier.apply(s.matrix);
                s.tracker.observe(s.inferred, nowMillis).ifPresent(changes::add);
            } catch (RuntimeException e) {
                s.failed(e);
            }
            s.lastEvaluationNanos = System.nanoTime() - start;
            s.evaluations++;
            s.evaluationNanos += s.lastEvaluationNanos;
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

    /** What was left out of a network's inference to stay within the bounds, and its failures. */
    /**
     * How long the evaluations of a network took: their number, their total and the last one, in
     * nanoseconds (all zero for a network it does not hold).
     */
    public record EvaluationTime(long evaluations, long totalNanos, long lastNanos) {
    }

    /** The evaluations of {@code network} so far ({@link EvaluationTime}). */
    public EvaluationTime evaluationTime(NetworkId network) {
        State s = networks.get(network);
        return s == null ? new EvaluationTime(0, 0, 0) : new EvaluationTime(s.evaluations, s.evaluationNanos,
                s.lastEvaluationNanos);
    }

    public Omitted omitted(NetworkId network) {
        State s = networks.get(network);
        return s == null ? Omitted.NONE : s.window.omitted(s.failures);
    }

    /**
     * Why the network's evaluation or one of its reports last failed (the exception, as text),
     * empty if none ever did; {@link Omitted#failedEvaluations()} counts the failures.
     */
    public Optional<String> failure(NetworkId network) {
        State s = networks.get(network);
        return s == null ? Optional.empty() : Optional.ofNullable(s.failure);
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
        return classifier.apply(matrix);
    }
}
