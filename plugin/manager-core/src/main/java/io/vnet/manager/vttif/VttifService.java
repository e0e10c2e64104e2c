package io.vnet.manager.vttif;

import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.manager.Recorder;
import io.vnet.manager.TopologyService;
import io.vnet.manager.TrafficListener;
import io.vnet.vttif.Omitted;
import io.vnet.vttif.TopologyChange;
import io.vnet.vttif.TopologyGraph;
import io.vnet.vttif.TrafficMatrix;
import io.vnet.vttif.TrafficSample;
import io.vnet.vttif.Vttif;
import io.vnet.vttif.VttifConfig;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Global VTTIF in the manager: every agent report becomes one traffic sample per network;
 * once per evaluation period the engine smooths, infers and classifies each network's
 * topology, and reported changes are logged and kept in the history.
 *
 * <p>Bounded per network by the engine ({@link Vttif#MAX_NODES} VMs, the largest talkers, and
 * {@link Vttif#MAX_WINDOW_PAIRS} pairs); what it leaves out is counted per network ({@link
 * #omitted}) and logged when a network starts or stops being capped. A report's rest (traffic it
 * names no pair for) is ignored here: it says nothing of the topology. One network never stops
 * the others: a bad pair is skipped, a network whose report or inference fails is logged and
 * emptied by the engine, and the other networks are evaluated as usual.
 */
final class VttifService implements TrafficListener, TopologyService, io.vnet.manager.MetricsSource, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VttifService.class.getName());

    private final Vttif vttif;
    private final long windowMillis;
    private final Recorder records;
    private final long matrixEveryMs;
    private long lastMatrix;
    /** How long the recorded history is kept, and when it was last pruned (evaluation thread only). */
    private final long historyMs;
    private long lastPrune;
    /** How often the recorded history is pruned. */
    static final long PRUNE_EVERY_MS = 60_000;
    /** The latest changes of each network's topology, at most {@link #HISTORY} (the store keeps them for historyMs). */
    private final Map<NetworkId, java.util.ArrayDeque<TopologyChange>> history = new ConcurrentHashMap<>();
    /** How many changes of a network's history are kept in memory. */
    static final int HISTORY = 16;
    /** How many older changes left the memory's history (in the store until pruned). */
    private final java.util.concurrent.atomic.AtomicLong historyTrimmed = new java.util.concurrent.atomic.AtomicLong();
    /** Per network, what was logged of its bounds and failures last (evaluation thread only). */
    private final Map<NetworkId, Omitted> logged = new java.util.HashMap<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vnet-vttif");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param matrixEveryMs how often each network's smoothed traffic matrix is recorded
     * @param historyMs     how long the recorded history is kept (pruned every {@link #PRUNE_EVERY_MS})
     */
    VttifService(VttifConfig config, long evaluateEveryMs, long matrixEveryMs, long historyMs, Recorder records) {
        if (historyMs < 1) {
            throw new IllegalArgumentException("historyMs: " + historyMs + " is not positive");
        }
        this.vttif = new Vttif(config);
        this.windowMillis = config.windowMillis();
        this.records = records;
        this.matrixEveryMs = matrixEveryMs;
        this.historyMs = historyMs;
        clock.scheduleAtFixedRate(this::evaluate, evaluateEveryMs, evaluateEveryMs, TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "VTTIF " + config.mode() + ": window " + config.windowMillis() + " ms, stable "
                + config.stableMillis() + " ms, prune " + config.pruneThreshold() + ", evaluated every " + evaluateEveryMs + " ms");
    }

    @Override
    public long windowMillis() {
        return windowMillis;
    }

    @Override
    public void onReport(String hostId, long timeMillis, long intervalMs, List<PairCount> pairs) {
        Map<NetworkId, TrafficSample.Builder> perNetwork = new TreeMap<>();
        int skipped = 0;
        for (PairCount p : pairs) {
            if (p.dst().isGroup()) {
                continue; // broadcast and multicast chatter is not the application's topology
            }
            try {
                perNetwork.computeIfAbsent(p.network(), n -> TrafficSample.builder(n, timeMillis - intervalMs, timeMillis))
                        .pair(p.src(), p.dst(), p.frames(), p.bytes());
            } catch (IllegalArgumentException e) {
                skipped++; // VTTIF's own checks (bytes below frames, a sum that overflows): this pair only
            }
        }
        if (skipped > 0) {
            LOG.log(Level.WARNING, "agent " + hostId + " reported " + skipped + " pair(s) VTTIF cannot count; skipped them");
        }
        synchronized (vttif) {
            for (TrafficSample.Builder b : perNetwork.values()) {
                try {
                    vttif.add(b.build());
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "VTTIF could not take a report of agent " + hostId + ": " + e);
                }
            }
        }
    }

    private void evaluate() {
        evaluate(System.currentTimeMillis());
    }

    /** One evaluation at {@code now} (the clock's, every evaluation period). */
    void evaluate(long now) {
        try {
            List<TopologyChange> changes;
            Map<NetworkId, TrafficMatrix> matrices = new TreeMap<>();
            Map<NetworkId, Omitted> omitted = new TreeMap<>();
            Map<NetworkId, String> failures = new TreeMap<>();
            synchronized (vttif) {
                changes = vttif.evaluate(now);
                for (NetworkId n : vttif.networks()) {
                    omitted.put(n, vttif.omitted(n));
                    vttif.failure(n).ifPresent(f -> failures.put(n, f));
                }
                if (now - lastMatrix >= matrixEveryMs) {
                    lastMatrix = now;
                    for (NetworkId n : vttif.networks()) {
                        if (!vttif.matrix(n).isEmpty()) {
                            matrices.put(n, vttif.matrix(n));
                        }
                    }
                }
            }
            omitted.forEach((n, o) -> logBounds(n, o, failures.get(n)));
            matrices.forEach(records::matrix);
            if (now - lastPrune >= PRUNE_EVERY_MS) {
                lastPrune = now;
                records.pruneHistory(java.time.Instant.ofEpochMilli(now - historyMs));
            }
            for (TopologyChange c : changes) {
                records.topology(c);
                java.util.ArrayDeque<TopologyChange> h = history.computeIfAbsent(c.network(), n -> new java.util.ArrayDeque<>());
                synchronized (h) {
                    h.addLast(c);
                    while (h.size() > HISTORY) {
                        h.removeFirst();
                        historyTrimmed.incrementAndGet();
                    }
                }
                LOG.log(Level.INFO, "network " + c.network() + ": topology " + describe(c.newTopology()) + " (was "
                        + c.oldTopology().map(VttifService::describe).orElse("none") + ")");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "VTTIF evaluation failed: " + e);
        }
    }

    /**
     * Logs a network's failures as they happen, and its bounds when it starts or stops being
     * capped (not at every evaluation in between).
     */
    private void logBounds(NetworkId network, Omitted now, String failure) {
        Omitted before = logged.getOrDefault(network, Omitted.NONE);
        if (now.failedEvaluations() > before.failedEvaluations()) {
            LOG.log(Level.WARNING, "VTTIF failed for network " + network + " (" + (now.failedEvaluations()
                    - before.failedEvaluations()) + " time(s)); its window was emptied, the other networks go on: "
                    + failure);
        }
        if (now.nodes() > 0 && before.nodes() == 0 || now.reportPairs() > before.reportPairs() && before.reportPairs() == 0
                || now.earlyReports() > before.earlyReports() && before.earlyReports() == 0) {
            LOG.log(Level.WARNING, "network " + network + " has more traffic than VTTIF keeps (" + Vttif.MAX_NODES
                    + " VMs, " + Vttif.MAX_WINDOW_PAIRS + " pairs): " + now);
        } else if (now.nodes() == 0 && before.nodes() > 0) {
            LOG.log(Level.INFO, "network " + network + " fits VTTIF's bounds again: " + now);
        }
        logged.put(network, now);
    }

    /**
     * Per network: how long its evaluations took, its reported topology class, its failures and what
     * VTTIF leaves out of it; and the memory history's trims.
     */
    @Override
    public void write(io.vnet.protocol.metrics.Exposition e) {
        Map<NetworkId, Vttif.EvaluationTime> times = new TreeMap<>();
        Map<NetworkId, Omitted> omitted = new TreeMap<>();
        Map<NetworkId, String> classes = new TreeMap<>();
        synchronized (vttif) {
            for (NetworkId n : vttif.networks()) {
                times.put(n, vttif.evaluationTime(n));
                omitted.put(n, vttif.omitted(n));
                classes.put(n, vttif.topology(n).map(g -> g.topologyClass().name()).orElse("NONE"));
            }
        }
        e.gauge("vnet_vttif_networks", "Networks VTTIF holds traffic of.").sample(times.size());
        e.counter("vnet_vttif_evaluations_total", "VTTIF's evaluations of a network (one per evaluation period).");
        times.forEach((n, t) -> e.sample(t.evaluations(), "network", Integer.toString(n.vni())));
        e.counter("vnet_vttif_evaluation_seconds_total", "Time VTTIF spent evaluating a network (smoothing, inference,"
                + " classification), summed.");
        times.forEach((n, t) -> e.sample(t.totalNanos() / 1e9, "network", Integer.toString(n.vni())));
        e.gauge("vnet_vttif_last_evaluation_seconds", "How long VTTIF's last evaluation of a network took.");
        times.forEach((n, t) -> e.sample(t.lastNanos() / 1e9, "network", Integer.toString(n.vni())));
        e.gauge("vnet_topology_class", "A network's reported topology class (1 for the class it has now).");
        classes.forEach((n, c) -> e.sample(1, "network", Integer.toString(n.vni()), "class", c));
        e.counter("vnet_vttif_failed_evaluations_total", "Evaluations of a network that failed (its window was emptied).");
        omitted.forEach((n, o) -> e.sample(o.failedEvaluations(), "network", Integer.toString(n.vni())));
        e.counter("vnet_vttif_capped_evaluations_total", "Evaluations of a network that left traffic out to stay within"
                + " VTTIF's bounds.");
        omitted.forEach((n, o) -> e.sample(o.cappedEvaluations(), "network", Integer.toString(n.vni())));
        e.counter("vnet_vttif_history_trimmed_total", "Topology changes that left the in-memory history (the store keeps"
                + " them until pruned).").sample(historyTrimmed.get());
    }

    /** What VTTIF left out of a network's inference to stay within its bounds, and its failures. */
    Omitted omitted(NetworkId network) {
        synchronized (vttif) {
            return vttif.omitted(network);
        }
    }

    static String describe(TopologyGraph g) {
        return g.describe();
    }

    @Override
    public Set<NetworkId> networks() {
        synchronized (vttif) {
            return vttif.networks();
        }
    }

    @Override
    public Optional<TopologyGraph> topology(NetworkId network) {
        synchronized (vttif) {
            return vttif.topology(network);
        }
    }

    @Override
    public TopologyGraph inferred(NetworkId network) {
        synchronized (vttif) {
            return vttif.inferred(network);
        }
    }

    @Override
    public TrafficMatrix matrix(NetworkId network) {
        synchronized (vttif) {
            return vttif.matrix(network);
        }
    }

    @Override
    public boolean forget(NetworkId network) {
        boolean had;
        synchronized (vttif) {
            had = vttif.forget(network);
        }
        had |= history.remove(network) != null;
        LOG.log(Level.INFO, "network " + network + ": VTTIF forgot its traffic and topologies");
        return had;
    }

    @Override
    public List<TopologyChange> history(NetworkId network) {
        java.util.ArrayDeque<TopologyChange> h = history.get(network);
        if (h == null) {
            return List.of();
        }
        synchronized (h) {
            return List.copyOf(h);
        }
    }

    /** How many changes left the in-memory history because it was full (they are in the store). */
    long historyTrimmed() {
        return historyTrimmed.get();
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }
}
