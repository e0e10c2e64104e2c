package io.vnet.it.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.MacAddress;
import java.io.IOException;
import java.util.function.IntFunction;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Report-to-matrix latency. {@code concurrent} probes at a time, over the networks in turn: a probe
 * makes a VM of the network (on a connected agent) start talking to an address never reported
 * before, at a small rate (well above VTTIF's chatter threshold, well below the pattern's edges, so
 * it changes no topology); T is when the agent wrote the first report naming the pair. It then polls
 * the matrix the manager's VTTIF holds for that network ({@code GET /api/networks/VNI/matrix}, not the
 * recorded ones, which go through the database at their own period) every {@code pollMs} until the pair
 * is in it: latency = that poll's answer - T. A pair not there
 * within {@link #TIMEOUT_MS} is counted missed. The pair stops talking once seen. With several
 * managers each poll goes to the manager {@code apiFor} names for the network at that moment (the
 * cluster's owner of it).
 */
public final class MatrixProbe implements AutoCloseable {
    static final long TIMEOUT_MS = 15_000;
    /** The probe pair's rate: far above a chatter threshold of a few kB/s, under a tenth of any pattern edge. */
    static final long PROBE_BYTES_PER_SECOND = 20_000;

    private final Fleet fleet;
    private final IntFunction<ManagerApi> apiFor;
    private final long pollMs;
    private final Timed timed = new Timed();
    private final ExecutorService threads;
    private final Latencies latencies = new Latencies();
    private final LongAdder missed = new LongAdder();
    private final LongAdder pollErrors = new LongAdder();
    private final AtomicInteger nextNetwork = new AtomicInteger();
    private final AtomicInteger nextProbe = new AtomicInteger();
    private final int concurrent;
    private volatile boolean stop;
    private volatile String lastError;

    public MatrixProbe(Fleet fleet, ManagerApi api, int concurrent, long pollMs) {
        this(fleet, vni -> api, concurrent, pollMs);
    }

    /** @param apiFor the manager to poll for a network (VNI), asked at every poll */
    public MatrixProbe(Fleet fleet, IntFunction<ManagerApi> apiFor, int concurrent, long pollMs) {
        this.fleet = fleet;
        this.apiFor = apiFor;
        this.pollMs = pollMs;
        this.concurrent = concurrent;
        this.threads = Executors.newFixedThreadPool(Math.max(1, concurrent), r -> {
            Thread t = new Thread(r, "loadgen-matrix-probe");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        for (int i = 0; i < concurrent; i++) {
            threads.execute(this::loop);
        }
    }

    private void loop() {
        while (!stop) {
            try {
                probeOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | IOException e) {
                lastError = e.toString();
                pollErrors.increment();
                sleep(pollMs);
            }
        }
    }

    private void probeOnce() throws InterruptedException, IOException {
        Layout layout = fleet.layout();
        int m = layout.networks().size();
        Layout.Network net = null;
        SimulatedAgent agent = null;
        Layout.Vm src = null;
        for (int tries = 0; tries < m && agent == null; tries++) {
            net = layout.network(Math.floorMod(nextNetwork.getAndIncrement(), m));
            if (!fleet.traffic().active(net.index())) {
                continue;
            }
            for (Layout.Vm vm : net.vms()) {
                SimulatedAgent a = fleet.agents().get(vm.host());
                if (a.connected()) {
                    agent = a;
                    src = vm;
                    break;
                }
            }
        }
        if (agent == null) {
            Thread.sleep(500);
            return;
        }
        MacAddress dst = Layout.probeMac(net.index(), nextProbe.getAndIncrement());
        ProbePair pair = ProbePair.of(net.id(), src.mac(), dst, PROBE_BYTES_PER_SECOND);
        agent.startProbe(pair);
        try {
            long t;
            try {
                t = pair.firstSent().get(fleet.reportMs() * 5 + 5_000, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return; // the agent lost its connection before reporting it: no measurement
            }
            String s = src.mac().toString();
            String d = dst.toString();
            while (!stop) {
                long asked = System.currentTimeMillis();
                ManagerApi.Answer a = apiFor.apply(net.vni()).get("/networks/" + net.vni() + "/matrix");
                long answered = System.currentTimeMillis();
                if (a.status() == 200 && contains(a.json(), s, d)) {
                    latencies.add(answered - t);
                    timed.add(t, answered - t);
                    return;
                }
                if (a.status() != 200 && a.status() != 404) {
                    pollErrors.increment();
                    lastError = "matrix of " + net.vni() + ": " + a.status();
                }
                if (answered - t > TIMEOUT_MS) {
                    missed.increment();
                    timed.fail(t);
                    return;
                }
                long wait = pollMs - (answered - asked);
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
        } finally {
            agent.stopProbe(pair);
        }
    }

    /** Whether the answer's matrix ({vni, time, matrix{nodes, entries[]}}) has src -> dst. */
    static boolean contains(JsonNode answer, String src, String dst) {
        JsonNode entries = answer.path("matrix").path("entries");
        if (!entries.isArray()) {
            return false;
        }
        int n = Math.min(entries.size(), 1 << 20);
        for (int i = 0; i < n; i++) {
            JsonNode e = entries.get(i);
            if (src.equals(e.path("src").asText()) && dst.equals(e.path("dst").asText())) {
                return true;
            }
        }
        return false;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Latencies latencies() {
        return latencies;
    }

    /** The latencies and misses by the time of the probe's first report (to split a run into phases). */
    public Timed timed() {
        return timed;
    }

    public long missed() {
        return missed.sum();
    }

    public long pollErrors() {
        return pollErrors.sum();
    }

    public String lastError() {
        return lastError;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }
}
