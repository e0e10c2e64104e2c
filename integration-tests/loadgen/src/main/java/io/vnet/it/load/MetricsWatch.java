package io.vnet.it.load;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Scrapes the manager's {@code /metrics} every {@code everyMs} and hands each parsed scrape, with
 * the time its answer came, to its consumers; keeps the first and latest counts of reports, agents
 * and connections (the manager's own view of the load), and in a cluster the networks it owns.
 */
public final class MetricsWatch implements AutoCloseable {
    static final Set<String> FAMILIES = Set.of("vnet_topology_class", "vnet_manager_reports_total",
            "vnet_manager_agent_connections", "vnet_manager_agents", "vnet_manager_report_processing_seconds_total",
            "vnet_manager_report_lag_seconds_max", "vnet_cluster_networks_owned", "vnet_cluster_members",
            "vnet_cluster_relay_received_total");

    /** What one scrape said of the load. */
    public record Point(long atMillis, double reports, double connections, double connectedHosts, double reportSeconds,
                        double reportLagMax, double scrapeMillis, double networksOwned, double clusterMembers, double relayedIn) {
    }

    private final ManagerApi api;
    private final long everyMs;
    private final List<BiConsumer<Long, MetricsText>> consumers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loadgen-metrics");
        t.setDaemon(true);
        return t;
    });
    private final LongAdder errors = new LongAdder();
    private final Latencies scrapeTimes = new Latencies();
    private volatile Point first;
    private volatile Point latest;
    private volatile String lastError;

    public MetricsWatch(ManagerApi api, long everyMs) {
        this.api = api;
        this.everyMs = everyMs;
    }

    public void onScrape(BiConsumer<Long, MetricsText> c) {
        consumers.add(c);
    }

    public void start() {
        clock.scheduleWithFixedDelay(this::scrape, 0, everyMs, TimeUnit.MILLISECONDS);
    }

    /** One scrape now (also what the periodic task does). */
    public Point scrape() {
        try {
            ManagerApi.Answer a = api.metrics();
            long at = System.currentTimeMillis();
            MetricsText m = MetricsText.parse(a.body(), FAMILIES);
            scrapeTimes.add(a.millis());
            Point p = new Point(at, m.sum("vnet_manager_reports_total", Map.of()),
                    m.sum("vnet_manager_agent_connections", Map.of()),
                    m.sum("vnet_manager_agents", Map.of("role", "host", "state", "connected")),
                    m.sum("vnet_manager_report_processing_seconds_total", Map.of()),
                    m.sum("vnet_manager_report_lag_seconds_max", Map.of()), a.millis(),
                    m.sum("vnet_cluster_networks_owned", Map.of()), m.sum("vnet_cluster_members", Map.of()),
                    m.sum("vnet_cluster_relay_received_total", Map.of("outcome", "taken")));
            if (first == null) {
                first = p;
            }
            latest = p;
            for (BiConsumer<Long, MetricsText> c : consumers) {
                c.accept(at, m);
            }
            return p;
        } catch (Exception e) {
            errors.increment();
            lastError = e.toString();
            return null;
        }
    }

    /** Marks the start of the measured window: the next scrape is the first. */
    public void resetWindow() {
        first = null;
    }

    public Point first() {
        return first;
    }

    public Point latest() {
        return latest;
    }

    public long errors() {
        return errors.sum();
    }

    public String lastError() {
        return lastError;
    }

    public Latencies scrapeTimes() {
        return scrapeTimes;
    }

    @Override
    public void close() throws InterruptedException {
        clock.shutdownNow();
        clock.awaitTermination(35, TimeUnit.SECONDS);
    }
}
