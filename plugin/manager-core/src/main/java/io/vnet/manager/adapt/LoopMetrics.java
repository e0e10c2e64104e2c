package io.vnet.manager.adapt;

import io.vnet.api.NetworkId;
import io.vnet.manager.AdaptationService;
import io.vnet.manager.MetricsSource;
import io.vnet.protocol.metrics.Exposition;
import java.util.Map;
import java.util.TreeMap;

/**
 * The closed loop's metrics, per network: its mode, its decisions (recorded, applied, rolled back),
 * the VMs they moved, and the newest predicted and realised gains. Read without the loop's lock
 * (a network's settings are an immutable record, its counts volatile), so a scrape never waits for
 * a decision being applied.
 */
final class LoopMetrics implements MetricsSource {
    private final Map<NetworkId, NetworkState> states;
    private final DecisionLog log;

    LoopMetrics(Map<NetworkId, NetworkState> states, DecisionLog log) {
        this.states = states;
        this.log = log;
    }

    @Override
    public void write(Exposition e) {
        Map<NetworkId, AdaptationService.Settings> settings = new TreeMap<>();
        states.forEach((n, s) -> settings.put(n, s.settings));
        Map<NetworkId, DecisionLog.Counts> counts = new TreeMap<>(log.counts());
        e.gauge("vnet_adapt_mode", "A network's adaptation mode (1 for the mode it has now).");
        settings.forEach((n, s) -> e.sample(1, "network", vni(n), "mode", s.mode().name().toLowerCase(java.util.Locale.ROOT)));
        e.counter("vnet_adapt_decisions_total", "The closed loop's decisions for a network, by what happened to them.");
        counts.forEach((n, c) -> e.sample(c.recorded, "network", vni(n), "event", "recorded")
                .sample(c.applied, "network", vni(n), "event", "applied")
                .sample(c.rolledBack, "network", vni(n), "event", "rolled-back"));
        e.counter("vnet_adapt_migrations_total", "VMs the closed loop moved for a network.");
        counts.forEach((n, c) -> e.sample(c.migrations, "network", vni(n)));
        e.gauge("vnet_adapt_predicted_gain", "The gain VADAPT predicted for a network's newest decision (current over"
                + " planned iteration time; 2: twice as fast).");
        counts.forEach((n, c) -> {
            if (!Double.isNaN(c.predictedGain)) {
                e.sample(c.predictedGain, "network", vni(n));
            }
        });
        e.gauge("vnet_adapt_realised_gain", "The gain measured after a network's newest applied decision (rate after"
                + " over rate before).");
        counts.forEach((n, c) -> {
            if (!Double.isNaN(c.realisedGain)) {
                e.sample(c.realisedGain, "network", vni(n));
            }
        });
    }

    private static String vni(NetworkId n) {
        return Integer.toString(n.vni());
    }
}
