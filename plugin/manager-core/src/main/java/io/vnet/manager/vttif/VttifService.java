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
 * <p><b>Per network, spread over threads</b>: each network has an engine of its own ({@link Shard})
 * behind a lock of its own, and an inbox: a report's samples are built and queued on the agent
 * channel's thread without waiting for any evaluation (a full inbox, {@value #MAX_INBOX} samples,
 * refuses the sample and counts it). Each evaluation period, a pool of {@code threads} drains each
 * network's inbox into its engine and evaluates it; a network is evaluated by one thread at a
 * time and its cost is bounded by the engine's bounds, so a thousand networks share the pool and
 * no network waits for another's lock. A round that takes longer than the period delays the next
 * (fixed delay), and its time is a metric.
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

    /** The most samples waiting for a network's next evaluation (a few periods of every host's reports). */
    static final int MAX_INBOX = 4096;

    /** One network's engine, inbox and what was logged of it. */
    private static final class Shard {
        final Vttif vttif;
        final java.util.concurrent.ConcurrentLinkedQueue<TrafficSample> inbox = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
        /** What was logged of its bounds and failures last (its evaluating thread only). */
        Omitted logged = Omitted.NONE;

        Shard(VttifConfig config) {
            this.vttif = new Vttif(config);
        }
    }

    private final VttifConfig config;
    private final long windowMillis;
    private final Recorder records;
    private final long matrixEveryMs;
    private volatile long lastMatrix;
    /** How long the recorded history is kept, and when it was last pruned (evaluation thread only). */
    private final long historyMs;
    private long lastPrune;
    /** How often the recorded history is pruned. */
    static final long PRUNE_EVERY_MS = 60_000;
    private final Map<NetworkId, Shard> shards = new ConcurrentHashMap<>();
    /** The latest changes of each network's topology, at most {@link #HISTORY} (the store keeps them for historyMs). */
    private final Map<NetworkId, java.util.ArrayDeque<TopologyChange>> history = new ConcurrentHashMap<>();
    /** How many changes of a network's history are kept in memory. */
    static final int HISTORY = 16;
    /** How many older changes left the memory's history (in the store until pruned). */
    private final java.util.concurrent.atomic.AtomicLong historyTrimmed = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.LongAdder inboxRefused = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder rounds = new java.util.concurrent.atomic.LongAdder();
    private volatile long lastRoundNanos;
    private final java.util.concurrent.atomic.LongAdder roundNanos = new java.util.concurrent.atomic.LongAdder();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vnet-vttif");
        t.setDaemon(true);
        return t;
    });
    /** The threads that evaluate the networks. */
    private final java.util.concurrent.ExecutorService pool;
    private final int threads;

    /**
     * @param matrixEveryMs how often each network's smoothed traffic matrix is recorded
     * @param historyMs     how long the recorded history is kept (pruned every {@link #PRUNE_EVERY_MS})
     */
    VttifService(VttifConfig config, long evaluateEveryMs, long matrixEveryMs, long historyMs, Recorder records) {
        this(config, evaluateEveryMs, matrixEveryMs, historyMs, records, Runtime.getRuntime().availableProcessors());
    }

    /** As above, evaluating on {@code threads} threads. */
    VttifService(VttifConfig config, long evaluateEveryMs, long matrixEveryMs, long historyMs, Recorder records,
                 int threads) {
        if (historyMs < 1) {
            throw new IllegalArgumentException("historyMs: " + historyMs + " is not positive");
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads: " + threads + " is not in 1..256");
        }
        new Vttif(config); // checks the configuration now
        this.config = config;
        this.windowMillis = config.windowMillis();
        this.records = records;
        this.matrixEveryMs = matrixEveryMs;
        this.historyMs = historyMs;
        this.threads = threads;
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "vnet-vttif-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        clock.scheduleWithFixedDelay(this::evaluate, evaluateEveryMs, evaluateEveryMs, TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "VTTIF " + config.mode() + ": window " + config.windowMillis() + " ms, stable "
                + config.stableMillis() + " ms, prune " + config.pruneThreshold() + ", evaluated every " + evaluateEveryMs
                + " ms on " + threads + " thread(s), each network on its own");
    }

    @Override
    public long windowMillis() {
        return windowMillis;
    }

    private Shard shard(NetworkId n) {
        return shards.computeIfAbsent(n, k -> new Shard(config));
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
        for (TrafficSample.Builder b : perNetwork.values()) {
            TrafficSample sample;
            try {
                sample = b.build();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "VTTIF could not take a report of agent " + hostId + ": " + e);
                continue;
            }
            Shard s = shard(sample.network());
            if (s.queued.incrementAndGet() > MAX_INBOX) {
                s.queued.decrementAndGet();
                inboxRefused.increment();
                continue;
            }
            s.inbox.add(sample);
        }
    }

    private void evaluate() {
        evaluate(System.currentTimeMillis());
    }

    /** One evaluation of every network at {@code now} (the clock's, every evaluation period), on the pool's threads. */
    void evaluate(long now) {
        long start = System.nanoTime();
        boolean recordMatrices = now - lastMatrix >= matrixEveryMs;
        if (recordMatrices) {
            lastMatrix = now;
        }
        List<java.util.concurrent.Callable<List<TopologyChange>>> jobs = new java.util.ArrayList<>();
        shards.forEach((n, s) -> jobs.add(() -> evaluate(n, s, now, recordMatrices)));
        List<TopologyChange> changes = new java.util.ArrayList<>();
        try {
            for (java.util.concurrent.Future<List<TopologyChange>> f : pool.invokeAll(jobs)) {
                try {
                    changes.addAll(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    LOG.log(Level.WARNING, "VTTIF evaluation failed: " + e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return; // closing
        }
        try {
            if (now - lastPrune >= PRUNE_EVERY_MS) {
                lastPrune = now;
                records.pruneHistory(java.time.Instant.ofEpochMilli(now - historyMs));
            }
            changes.sort(java.util.Comparator.comparing(TopologyChange::network));
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
        long took = System.nanoTime() - start;
        lastRoundNanos = took;
        roundNanos.add(took);
        rounds.increment();
    }

    /** One network: its inbox into its engine, then its evaluation (a pool thread; the network's lock held). */
    private List<TopologyChange> evaluate(NetworkId n, Shard s, long now, boolean recordMatrix) {
        List<TopologyChange> changes;
        Omitted omitted;
        String failure;
        TrafficMatrix matrix = null;
        synchronized (s) {
            TrafficSample sample;
            while ((sample = s.inbox.poll()) != null) {
                s.queued.decrementAndGet();
                try {
                    s.vttif.add(sample);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "VTTIF could not take a sample of network " + n + ": " + e);
                }
            }
            changes = s.vttif.evaluate(now);
            omitted = s.vttif.omitted(n);
            failure = s.vttif.failure(n).orElse(null);
            if (recordMatrix && !s.vttif.matrix(n).isEmpty()) {
                matrix = s.vttif.matrix(n);
            }
        }
        logBounds(n, s, omitted, failure);
        if (matrix != null) {
            records.matrix(n, matrix);
        }
        return changes;
    }

    /**
     * Logs a network's failures as they happen, and its bounds when it starts or stops being
     * capped (not at every evaluation in between).
     */
    private void logBounds(NetworkId network, Shard s, Omitted now, String failure) {
        Omitted before = s.logged;
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
        s.logged = now;
    }

    /**
     * Per network: how long its evaluations took, its reported topology class, its failures and what
     * VTTIF leaves out of it; the rounds over every network; samples refused by a full inbox; the
     * memory history's trims.
     */
    @Override
    public void write(io.vnet.protocol.metrics.Exposition e) {
        Map<NetworkId, Vttif.EvaluationTime> times = new TreeMap<>();
        Map<NetworkId, Omitted> omitted = new TreeMap<>();
        Map<NetworkId, String> classes = new TreeMap<>();
        shards.forEach((n, s) -> {
            synchronized (s) {
                times.put(n, s.vttif.evaluationTime(n));
                omitted.put(n, s.vttif.omitted(n));
                classes.put(n, s.vttif.topology(n).map(g -> g.topologyClass().name()).orElse("NONE"));
            }
        });
        e.gauge("vnet_vttif_networks", "Networks VTTIF holds traffic of.").sample(times.size());
        e.gauge("vnet_vttif_threads", "Threads that evaluate the networks.").sample(threads);
        e.counter("vnet_vttif_rounds_total", "Rounds of evaluation over every network.").sample(rounds.sum());
        e.counter("vnet_vttif_round_seconds_total", "Time the rounds took, summed (each round evaluates every network).")
                .sample(roundNanos.sum() / 1e9);
        e.gauge("vnet_vttif_last_round_seconds", "How long the last round over every network took.")
                .sample(lastRoundNanos / 1e9);
        e.counter("vnet_vttif_inbox_refused_total", "Report samples refused: their network's inbox was full (" + MAX_INBOX
                + ").").sample(inboxRefused.sum());
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
        Shard s = shards.get(network);
        if (s == null) {
            return Omitted.NONE;
        }
        synchronized (s) {
            return s.vttif.omitted(network);
        }
    }

    static String describe(TopologyGraph g) {
        return g.describe();
    }

    @Override
    public Set<NetworkId> networks() {
        Set<NetworkId> out = new java.util.TreeSet<>();
        shards.forEach((n, s) -> {
            synchronized (s) {
                if (!s.vttif.networks().isEmpty()) {
                    out.add(n);
                }
            }
        });
        return out;
    }

    @Override
    public Optional<TopologyGraph> topology(NetworkId network) {
        Shard s = shards.get(network);
        if (s == null) {
            return Optional.empty();
        }
        synchronized (s) {
            return s.vttif.topology(network);
        }
    }

    @Override
    public TopologyGraph inferred(NetworkId network) {
        Shard s = shards.get(network);
        if (s == null) {
            return TopologyGraph.empty();
        }
        synchronized (s) {
            return s.vttif.inferred(network);
        }
    }

    @Override
    public TrafficMatrix matrix(NetworkId network) {
        Shard s = shards.get(network);
        if (s == null) {
            return TrafficMatrix.empty();
        }
        synchronized (s) {
            return s.vttif.matrix(network);
        }
    }

    @Override
    public boolean forget(NetworkId network) {
        Shard s = shards.remove(network);
        boolean had = s != null;
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
        pool.shutdownNow();
    }
}
