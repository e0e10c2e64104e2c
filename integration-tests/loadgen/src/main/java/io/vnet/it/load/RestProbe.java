package io.vnet.it.load;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * REST latency: {@code perSecond} requests a second of what the management page and operators ask
 * (the networks, one network's topology, its adaptation and decisions, the agents), each endpoint in
 * turn and the networks in turn, timed from request to the whole answer read. A status other than
 * 200 is counted as an error of its endpoint.
 */
public final class RestProbe implements AutoCloseable {
    /** An endpoint: its name in the result, and its path for a network (VNI). */
    record Endpoint(String name, IntFunction<String> path) {
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET /api/networks", vni -> "/networks"),
            new Endpoint("GET /api/networks/{vni}/topology", vni -> "/networks/" + vni + "/topology"),
            new Endpoint("GET /api/networks/{vni}/adaptation", vni -> "/networks/" + vni + "/adaptation"),
            new Endpoint("GET /api/agents", vni -> "/agents"));

    private final Supplier<ManagerApi> api;
    private final Layout layout;
    private final long periodMs;
    private final Map<String, Latencies> latencies = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final AtomicInteger turn = new AtomicInteger();
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "loadgen-rest");
        t.setDaemon(true);
        return t;
    });
    private volatile String lastError;
    /** Every request by when it was sent: its latency, or a failure (not 200, or no answer). */
    private final Timed timed = new Timed();

    public RestProbe(ManagerApi api, Layout layout, double perSecond) {
        this(() -> api, layout, perSecond);
    }

    /** @param api the manager to ask, at each request (with several: one chosen by the caller, e.g. a live one) */
    public RestProbe(Supplier<ManagerApi> api, Layout layout, double perSecond) {
        this.api = api;
        this.layout = layout;
        this.periodMs = Math.max(1, (long) (1000 / perSecond));
        for (Endpoint e : ENDPOINTS) {
            latencies.put(e.name(), new Latencies());
            errors.put(e.name(), new LongAdder());
        }
    }

    /** A few calls of each endpoint, not counted: the manager's first answers include its JIT's warm-up. */
    public void warmUp(int rounds) {
        for (int i = 0; i < rounds * ENDPOINTS.size(); i++) {
            Endpoint e = ENDPOINTS.get(i % ENDPOINTS.size());
            try {
                api.get().get(e.path().apply(layout.network(i % layout.networks().size()).vni()));
            } catch (Exception x) {
                lastError = "warm-up: " + x;
            }
        }
    }

    public void start() {
        clock.scheduleAtFixedRate(this::once, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    private void once() {
        int k = turn.getAndIncrement();
        Endpoint e = ENDPOINTS.get(k % ENDPOINTS.size());
        int vni = layout.network((k / ENDPOINTS.size()) % layout.networks().size()).vni();
        long at = System.currentTimeMillis();
        try {
            ManagerApi.Answer a = api.get().get(e.path().apply(vni));
            latencies.get(e.name()).add(a.millis());
            if (a.status() != 200 && !(a.status() == 404 && e.name().endsWith("topology"))) {
                errors.get(e.name()).increment();
                timed.fail(at);
                lastError = e.path().apply(vni) + ": " + a.status() + " (at " + java.time.Instant.ofEpochMilli(at) + ")";
            } else {
                timed.add(at, a.millis());
            }
        } catch (Exception x) {
            errors.get(e.name()).increment();
            timed.fail(at);
            lastError = e.path().apply(vni) + ": " + x + " (at " + java.time.Instant.ofEpochMilli(at) + ")";
        }
    }

    /** Per endpoint: its latencies. */
    public Map<String, Latencies.Summary> summaries() {
        Map<String, Latencies.Summary> m = new TreeMap<>();
        latencies.forEach((k, v) -> m.put(k, v.summary()));
        return m;
    }

    public Map<String, Long> errors() {
        Map<String, Long> m = new TreeMap<>();
        errors.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** Every request's latency or failure, by when it was sent (to split a run into phases). */
    public Timed timed() {
        return timed;
    }

    public String lastError() {
        return lastError;
    }

    @Override
    public void close() throws InterruptedException {
        clock.shutdownNow();
        clock.awaitTermination(35, TimeUnit.SECONDS);
    }
}
