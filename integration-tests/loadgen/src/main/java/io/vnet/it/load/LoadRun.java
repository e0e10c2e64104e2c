package io.vnet.it.load;

import io.vnet.it.patterns.Pattern;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One load run against managers already running ({@link Target}): makes or loads the agents'
 * certificates, lays out the VMs, connects the fleet at the set rate, waits for every agent, lets
 * VTTIF's window fill ({@code warmup}), then measures for {@code duration}: report-to-matrix
 * ({@link MatrixProbe}), classification after the pattern changes ({@link ClassificationProbe} on
 * {@link MetricsWatch}), REST ({@link RestProbe}), CPU and memory ({@link ProcessWatch}); progress on
 * {@code log} every 10 s.
 */
public final class LoadRun {
    /** The managers to load and how to reach their HTTP side (pid 0: not watched). */
    public record Target(List<InetSocketAddress> agentAddresses, URI http, String adminUser, String adminPassword,
                         String metricsToken, long managerPid, String store) {
    }

    private final LoadOptions o;
    private final PrintStream log;

    public LoadRun(LoadOptions options, PrintStream log) {
        this.o = options;
        this.log = log;
    }

    /** Makes (or loads from the cache) every agent's credential, in parallel. */
    List<Certificates.Credential> credentials(Certificates certs) throws IOException {
        long t0 = System.nanoTime();
        Certificates.Credential[] all = new Certificates.Credential[o.agents()];
        AtomicInteger made = new AtomicInteger();
        for (int i = 0; i < o.agents(); i++) {
            if (!certs.cached(Layout.hostId(i))) {
                made.incrementAndGet();
            }
        }
        ConcurrentHashMap<Integer, IOException> failed = new ConcurrentHashMap<>();
        ForkJoinPool pool = new ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            pool.submit(() -> java.util.stream.IntStream.range(0, o.agents()).parallel().forEach(i -> {
                try {
                    all[i] = certs.credential(Layout.hostId(i));
                } catch (IOException e) {
                    failed.putIfAbsent(i, e);
                }
            })).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause());
        } finally {
            pool.shutdown();
        }
        if (!failed.isEmpty()) {
            throw failed.values().iterator().next();
        }
        log.printf(Locale.ROOT, "loadgen: %d certificates in %s (%d made, the rest from the cache) in %.1f s%n", o.agents(),
                certs.dir(), made.get(), (System.nanoTime() - t0) / 1e9);
        return List.of(all);
    }

    public Result run(Target target) throws IOException, InterruptedException {
        Certificates certs = Certificates.open(o.ca(), o.certs());
        List<Certificates.Credential> creds = credentials(certs);
        Layout layout = Layout.build(o.agents(), o.networks(), o.vmsPerHost(), o.seed());
        long start = System.currentTimeMillis();
        Traffic traffic = new Traffic(layout, o.seed(), o.allToAllMaxVms(), o.changeSeconds() * 1000L, start);
        describe(layout, traffic);
        ManagerApi api = new ManagerApi(target.http(), target.adminUser(), target.adminPassword(), target.metricsToken());
        api.signIn();
        ClassificationProbe classes = new ClassificationProbe(5_000);
        traffic.listen(classes);
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "loadgen-clock");
            t.setDaemon(true);
            return t;
        });
        ProcessWatch self = new ProcessWatch(ProcessHandle.current().pid());
        ProcessWatch manager = target.managerPid() > 0 ? new ProcessWatch(target.managerPid()) : null;
        try (Fleet fleet = new Fleet(layout, traffic, target.agentAddresses(), o.managerId(), certs.ca(), creds,
                o.reportMs(), o.eventLoops());
             MetricsWatch metrics = new MetricsWatch(api, o.metricsMs());
             MatrixProbe matrix = new MatrixProbe(fleet, api, o.probes(), o.pollMs());
             RestProbe rest = new RestProbe(api, layout, o.restPerSecond())) {
            self.start();
            if (manager != null) {
                manager.start();
            }
            clock.scheduleAtFixedRate(() -> progress(fleet, metrics), 10, 10, TimeUnit.SECONDS);
            long c0 = System.currentTimeMillis();
            fleet.start(o.connectRate());
            boolean all = fleet.awaitConnected(o.connectTimeoutSeconds() * 1000L);
            double connectSeconds = (System.currentTimeMillis() - c0) / 1000.0;
            log.printf(Locale.ROOT, "loadgen: %d of %d agents connected in %.1f s%s%n", fleet.counters().connected.get(),
                    o.agents(), connectSeconds, all ? "" : " (time up; going on)");
            clock.scheduleAtFixedRate(() -> traffic.tick(System.currentTimeMillis()), 100, 100, TimeUnit.MILLISECONDS);
            metrics.onScrape(classes::scraped);
            metrics.start();
            long warm = System.currentTimeMillis() + o.warmupSeconds() * 1000L;
            rest.warmUp(5);
            Thread.sleep(Math.max(0, warm - System.currentTimeMillis()));
            // the measured window
            long w0 = System.currentTimeMillis();
            long sent0 = fleet.counters().reportsSent.sum();
            long pairs0 = fleet.counters().pairsSent.sum();
            metrics.resetWindow();
            self.resetWindow();
            if (manager != null) {
                manager.resetWindow();
            }
            classes.measureFromNow();
            matrix.start();
            rest.start();
            Thread.sleep(o.durationSeconds() * 1000L);
            long w1 = System.currentTimeMillis();
            long sent = fleet.counters().reportsSent.sum() - sent0;
            long pairs = fleet.counters().pairsSent.sum() - pairs0;
            classes.finish(w1);
            double window = (w1 - w0) / 1000.0;
            MetricsWatch.Point first = metrics.first();
            MetricsWatch.Point last = metrics.scrape();
            double registered = registeredAgents(api);
            FleetCounters c = fleet.counters();
            Result.Fleet f = new Result.Fleet(c.everConnected.get(), c.connected.get(), sent, sent / window,
                    sent == 0 ? 0 : (double) pairs / sent, c.reconnects.sum(), c.lost.sum(), c.connectFailures.sum(),
                    c.handshakeFailures.sum(), c.refused.sum(), c.reportsSkipped.sum(), c.acksSent.sum(), c.lastRefusal);
            double span = first != null && last != null ? (last.atMillis() - first.atMillis()) / 1000.0 : Double.NaN;
            Result.Manager m = new Result.Manager(registered, last == null ? Double.NaN : last.connectedHosts(),
                    last == null ? Double.NaN : last.connections(),
                    first != null && last != null ? (last.reports() - first.reports()) / span : Double.NaN,
                    first != null && last != null ? (last.reportSeconds() - first.reportSeconds()) / span : Double.NaN,
                    last == null ? Double.NaN : last.reportLagMax(),
                    manager == null ? Double.NaN : manager.averagePercent(),
                    manager == null ? Double.NaN : manager.peak10sPercent(),
                    manager == null ? Double.NaN : manager.heapAfterGcMiB(),
                    manager == null ? Double.NaN : manager.peakRssMiB());
            Result r = new Result(new Result.Setup(o.agents(), o.networks(), o.vmsPerHost(), o.seed(), o.reportMs(),
                    target.agentAddresses().size(), window, connectSeconds, target.store()), f, m,
                    matrix.latencies().summary(), matrix.missed(), matrix.pollErrors(),
                    new Result.Classification(classes.changes(), classes.latencies().summary(), classes.unclassified(),
                            classes.late(), classes.leftOut()),
                    rest.summaries(), rest.errors(), metrics.scrapeTimes().summary(), self.averagePercent(),
                    self.peak10sPercent());
            if (matrix.lastError() != null) {
                log.println("loadgen: last matrix probe error: " + matrix.lastError());
            }
            if (rest.lastError() != null) {
                log.println("loadgen: last REST error: " + rest.lastError());
            }
            if (metrics.lastError() != null) {
                log.println("loadgen: last /metrics error: " + metrics.lastError() + " (" + metrics.errors() + " in all)");
            }
            return r;
        } finally {
            clock.shutdownNow();
            self.close();
            if (manager != null) {
                manager.close();
            }
        }
    }

    private void describe(Layout layout, Traffic traffic) {
        int[] byPattern = new int[Pattern.values().length];
        int inactive = 0;
        int maxVms = 0;
        long vms = 0;
        for (Layout.Network n : layout.networks()) {
            maxVms = Math.max(maxVms, n.vms().size());
            vms += n.vms().size();
            Traffic.State s = traffic.state(n.index());
            if (s.pattern() == null) {
                inactive++;
            } else {
                byPattern[s.pattern().ordinal()]++;
            }
        }
        List<String> mix = new ArrayList<>();
        for (Pattern p : Pattern.values()) {
            mix.add(p.id() + " " + byPattern[p.ordinal()]);
        }
        log.printf(Locale.ROOT, "loadgen: %d VMs in %d networks (%.0f VMs per network on average, at most %d); patterns now: %s"
                + "%s%n", vms, layout.networks().size(), (double) vms / layout.networks().size(), maxVms, String.join(", ", mix),
                inactive > 0 ? "; " + inactive + " networks under 4 VMs run none" : "");
    }

    private double registeredAgents(ManagerApi api) {
        try {
            ManagerApi.Answer a = api.get("/agents");
            if (a.status() != 200) {
                return Double.NaN;
            }
            com.fasterxml.jackson.databind.JsonNode j = a.json();
            return j.isArray() ? j.size() : Double.NaN;
        } catch (IOException e) {
            log.println("loadgen: GET /api/agents: " + e.getMessage());
            return Double.NaN;
        }
    }

    private void progress(Fleet fleet, MetricsWatch metrics) {
        FleetCounters c = fleet.counters();
        MetricsWatch.Point p = metrics.latest();
        log.printf(Locale.ROOT, "loadgen: connected %d/%d, reports sent %d, reconnects %d, lost %d, handshake failures %d,"
                        + " skipped %d%s%n", c.connected.get(), fleet.agents().size(), c.reportsSent.sum(), c.reconnects.sum(),
                c.lost.sum(), c.handshakeFailures.sum(), c.reportsSkipped.sum(),
                p == null ? "" : String.format(Locale.ROOT, "; manager: reports %.0f, connections %.0f, lag max %.1f s",
                        p.reports(), p.connections(), p.reportLagMax()));
    }

    /** Reads the first line of a secret file (bounded). */
    static String firstLine(Path file) throws IOException {
        if (Files.size(file) > 4096) {
            throw new IOException(file + ": more than 4096 bytes; expected one line");
        }
        return Files.readString(file).lines().findFirst().orElse("").strip();
    }
}
