package io.vnet.manager.impl;

import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.manager.TopologyService;
import io.vnet.manager.TrafficListener;
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
 */
final class VttifService implements TrafficListener, TopologyService, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VttifService.class.getName());

    private final Vttif vttif;
    private final Records records;
    private final long matrixEveryMs;
    private long lastMatrix;
    private final Map<NetworkId, List<TopologyChange>> history = new ConcurrentHashMap<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vnet-vttif");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param matrixEveryMs how often each network's smoothed traffic matrix is recorded
     */
    VttifService(VttifConfig config, long evaluateEveryMs, long matrixEveryMs, Records records) {
        this.vttif = new Vttif(config);
        this.records = records;
        this.matrixEveryMs = matrixEveryMs;
        clock.scheduleAtFixedRate(this::evaluate, evaluateEveryMs, evaluateEveryMs, TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "VTTIF " + config.mode() + ": window " + config.windowMillis() + " ms, stable "
                + config.stableMillis() + " ms, prune " + config.pruneThreshold() + ", evaluated every " + evaluateEveryMs + " ms");
    }

    @Override
    public void onReport(String hostId, long timeMillis, long intervalMs, List<PairCount> pairs) {
        Map<NetworkId, TrafficSample.Builder> perNetwork = new TreeMap<>();
        for (PairCount p : pairs) {
            if (p.dst().isGroup()) {
                continue; // broadcast and multicast chatter is not the application's topology
            }
            perNetwork.computeIfAbsent(p.network(), n -> TrafficSample.builder(n, timeMillis - intervalMs, timeMillis))
                    .add(p.src(), p.dst(), p.bytes(), p.frames());
        }
        synchronized (vttif) {
            perNetwork.values().forEach(b -> vttif.add(b.build()));
        }
    }

    private void evaluate() {
        try {
            List<TopologyChange> changes;
            long now = System.currentTimeMillis();
            Map<NetworkId, TrafficMatrix> matrices = new TreeMap<>();
            synchronized (vttif) {
                changes = vttif.evaluate(now);
                if (now - lastMatrix >= matrixEveryMs) {
                    lastMatrix = now;
                    for (NetworkId n : vttif.networks()) {
                        if (!vttif.matrix(n).isEmpty()) {
                            matrices.put(n, vttif.matrix(n));
                        }
                    }
                }
            }
            matrices.forEach(records::matrix);
            for (TopologyChange c : changes) {
                records.topology(c);
                history.computeIfAbsent(c.network(), n -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(c);
                LOG.log(Level.INFO, "network " + c.network() + ": topology " + describe(c.newTopology()) + " (was "
                        + c.oldTopology().map(VttifService::describe).orElse("none") + ")");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "VTTIF evaluation failed: " + e);
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
    public List<TopologyChange> history(NetworkId network) {
        return List.copyOf(history.getOrDefault(network, List.of()));
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }
}
