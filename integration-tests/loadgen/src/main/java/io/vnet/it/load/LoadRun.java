package io.vnet.it.load;

import io.vnet.it.patterns.Pattern;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 * {@code log} every 10 s. Against a cluster ({@link Target#members}) each manager is watched on its
 * own (/metrics, /proc), {@code GET /api/cluster} is read every 250 ms ({@link ClusterWatch}) to poll
 * each network's matrix on its owner and take its class from its owner's /metrics, and with {@code
 * --failover-at} one manager is killed in the window ({@link Failover}).
 */
public final class LoadRun {
    /**
     * The managers to load and how to reach their HTTP side (pid 0: not watched). {@code members}:
     * the managers of a cluster, each on its own (empty: one manager, the other fields).
     */
    public record Target(List<InetSocketAddress> agentAddresses, URI http, String adminUser, String adminPassword,
                         String metricsToken, long managerPid, String store, List<Member> members) {
        public Target(List<InetSocketAddress> agentAddresses, URI http, String adminUser, String adminPassword,
                      String metricsToken, long managerPid, String store) {
            this(agentAddresses, http, adminUser, adminPassword, metricsToken, managerPid, store, List.of());
        }

        /** The members of a cluster (agent I starts with member I mod M); REST and /metrics of each. */
        public static Target cluster(List<Member> members, String adminUser, String store) {
            Member first = members.get(0);
            return new Target(members.stream().map(Member::agentAddress).toList(), first.http(), adminUser,
                    first.adminPassword(), first.metricsToken(), first.pid(), store, List.copyOf(members));
        }
    }

    /** A manager of a cluster: its id, agent address, API, secrets and pid (0: not watched, cannot be killed). */
    public record Member(String id, InetSocketAddress agentAddress, URI http, String adminPassword, String metricsToken,
                         long pid) {
    }

    /** One manager as the run watches it. */
    private static final class Node {
        final String id;
        final int index;
        final long pid;
        final ManagerApi api;
        final MetricsWatch metrics;
        final ProcessWatch process;
        volatile boolean killed;
        MetricsWatch.Point atStart;
        /** Reports the agents wrote to it: at the window's start and at its end (or at its death), and when. */
        long sentAtStart;
        long sentAtEnd;
        long endAt;

        Node(String id, int index, long pid, ManagerApi api, long metricsMs) {
            this.id = id;
            this.index = index;
            this.pid = pid;
            this.api = api;
            this.metrics = new MetricsWatch(api, metricsMs);
            this.process = pid > 0 ? new ProcessWatch(pid) : null;
        }
    }

    private final LoadOptions o;
    private final PrintStream log;
    private List<Node> nodes = List.of();
    private ClusterWatch cluster;
    private volatile Failover failover;

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

    /** The first manager not killed: REST probes, /api/agents and, in a cluster, /api/cluster go to it. */
    private Node primary() {
        for (Node n : nodes) {
            if (!n.killed) {
                return n;
            }
        }
        return nodes.get(0);
    }

    /** The manager to ask about a network: its owner (when known and alive), else the primary. */
    private ManagerApi apiFor(int vni) {
        if (cluster != null) {
            String owner = cluster.owner(vni);
            for (Node n : nodes) {
                if (n.id.equals(owner) && !n.killed) {
                    return n.api;
                }
            }
        }
        return primary().api;
    }

    /** Whether {@code n}'s /metrics speaks for a network's class: alone, always; in a cluster, when it owns it. */
    private boolean speaksFor(Node n, int vni) {
        return cluster == null || !n.killed && n.id.equals(cluster.owner(vni));
    }

    public Result run(Target target) throws IOException, InterruptedException {
        boolean clustered = target.members().size() > 1;
        if (o.failoverAtSeconds() > 0 && (!clustered || target.members().size() != 2)) {
            throw new IllegalArgumentException("--failover-at needs a cluster of two managers");
        }
        Certificates certs = Certificates.open(o.ca(), o.certs());
        List<Certificates.Credential> creds = credentials(certs);
        Layout layout = Layout.build(o.agents(), o.networks(), o.vmsPerHost(), o.seed());
        long start = System.currentTimeMillis();
        Traffic traffic = new Traffic(layout, o.seed(), o.allToAllMaxVms(), o.changeSeconds() * 1000L, start);
        describe(layout, traffic);
        List<Node> ns = new ArrayList<>();
        if (clustered) {
            for (int i = 0; i < target.members().size(); i++) {
                Member m = target.members().get(i);
                ns.add(new Node(m.id(), i, m.pid(), new ManagerApi(m.http(), target.adminUser(), m.adminPassword(),
                        m.metricsToken()), o.metricsMs()));
            }
        } else {
            ns.add(new Node("manager", 0, target.managerPid(), new ManagerApi(target.http(), target.adminUser(),
                    target.adminPassword(), target.metricsToken()), o.metricsMs()));
        }
        nodes = List.copyOf(ns);
        for (Node n : nodes) {
            n.api.signIn();
        }
        ClassificationProbe classes = new ClassificationProbe(5_000);
        traffic.listen(classes);
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "loadgen-clock");
            t.setDaemon(true);
            return t;
        });
        ProcessWatch self = new ProcessWatch(ProcessHandle.current().pid());
        if (clustered) {
            cluster = new ClusterWatch(() -> primary().api, 250);
        }
        try (Fleet fleet = new Fleet(layout, traffic, target.agentAddresses(), o.managerId(), certs.ca(), creds,
                o.reportMs(), o.eventLoops());
             MatrixProbe matrix = new MatrixProbe(fleet, this::apiFor, o.probes(), o.pollMs());
             RestProbe rest = new RestProbe(() -> primary().api, layout, o.restPerSecond())) {
            self.start();
            for (Node n : nodes) {
                if (n.process != null) {
                    n.process.start();
                }
            }
            if (cluster != null) {
                cluster.start();
            }
            clock.scheduleAtFixedRate(() -> progress(fleet), 10, 10, TimeUnit.SECONDS);
            long c0 = System.currentTimeMillis();
            fleet.start(o.connectRate());
            boolean all = fleet.awaitConnected(o.connectTimeoutSeconds() * 1000L);
            double connectSeconds = (System.currentTimeMillis() - c0) / 1000.0;
            log.printf(Locale.ROOT, "loadgen: %d of %d agents connected in %.1f s%s%n", fleet.counters().connected.get(),
                    o.agents(), connectSeconds, all ? "" : " (time up; going on)");
            clock.scheduleAtFixedRate(() -> traffic.tick(System.currentTimeMillis()), 100, 100, TimeUnit.MILLISECONDS);
            for (Node n : nodes) {
                n.metrics.onScrape((at, m) -> classes.scraped(at, m, vni -> speaksFor(n, vni)));
                n.metrics.start();
            }
            long warm = System.currentTimeMillis() + o.warmupSeconds() * 1000L;
            rest.warmUp(5);
            Thread.sleep(Math.max(0, warm - System.currentTimeMillis()));
            if (cluster != null) {
                logCluster("at the window's start", cluster.poll(), layout);
            }
            // the measured window
            long w0 = System.currentTimeMillis();
            long sent0 = fleet.counters().reportsSent.sum();
            long pairs0 = fleet.counters().pairsSent.sum();
            for (Node n : nodes) {
                n.sentAtStart = fleet.counters().reportsSentTo(n.index);
                n.metrics.resetWindow();
                n.atStart = n.metrics.scrape();
                if (n.process != null) {
                    n.process.resetWindow();
                }
            }
            self.resetWindow();
            classes.measureFromNow();
            matrix.start();
            rest.start();
            if (o.failoverAtSeconds() > 0) {
                Thread.sleep(o.failoverAtSeconds() * 1000L);
                failOver(fleet);
                Thread.sleep(Math.max(0, w0 + o.durationSeconds() * 1000L - System.currentTimeMillis()));
            } else {
                Thread.sleep(o.durationSeconds() * 1000L);
            }
            long w1 = System.currentTimeMillis();
            long sent = fleet.counters().reportsSent.sum() - sent0;
            long pairs = fleet.counters().pairsSent.sum() - pairs0;
            classes.finish(w1);
            double window = (w1 - w0) / 1000.0;
            List<MetricsWatch.Point> firsts = new ArrayList<>();
            List<MetricsWatch.Point> lasts = new ArrayList<>();
            for (Node n : nodes) {
                if (!n.killed) {
                    n.sentAtEnd = fleet.counters().reportsSentTo(n.index);
                    n.endAt = w1;
                }
                firsts.add(n.metrics.first());
                lasts.add(n.killed ? n.metrics.latest() : n.metrics.scrape());
            }
            double registered = registeredAgents(primary().api);
            FleetCounters c = fleet.counters();
            Result.Fleet f = new Result.Fleet(c.everConnected.get(), c.connected.get(), sent, sent / window,
                    sent == 0 ? 0 : (double) pairs / sent, c.reconnects.sum(), c.lost.sum(), c.connectFailures.sum(),
                    c.handshakeFailures.sum(), c.refused.sum(), c.reportsSkipped.sum(), c.acksSent.sum(), c.lastRefusal);
            List<Result.ManagerNode> perManager = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                perManager.add(nodeResult(nodes.get(i), firsts.get(i), lasts.get(i), w0));
            }
            Result.Manager m = clustered ? sum(registered, perManager, firsts, lasts, w0, w1)
                    : single(registered, firsts.get(0), lasts.get(0), nodes.get(0).process);
            Failover fo = failover;
            Result.Failover failed = fo == null ? null : fo.outcome(w0);
            List<Result.Phase> phases = new ArrayList<>();
            if (fo != null) {
                long k = fo.killedAt();
                long r = fo.recoveredAt();
                phases.add(phase("before the failover", w0, w0, k, matrix, classes, rest));
                phases.add(phase("after the failover", w0, k, w1 + 1, matrix, classes, rest));
                if (r > 0) {
                    phases.add(phase("after recovery", w0, r, w1 + 1, matrix, classes, rest));
                }
            }
            String routing = clustered ? "REST probes and /api/agents to " + primary().id
                    + (nodes.get(0).killed ? " (" + nodes.get(0).id + " until it was killed)" : "")
                    + "; each matrix poll to the network's owner (GET /api/cluster every 250 ms), each class from its owner's"
                    + " /metrics; every manager's /metrics scraped" : null;
            Result res = new Result(new Result.Setup(o.agents(), o.networks(), o.vmsPerHost(), o.seed(), o.reportMs(),
                    target.agentAddresses().size(), window, connectSeconds, target.store(), routing), f, m,
                    matrix.latencies().summary(), matrix.missed(), matrix.pollErrors(),
                    new Result.Classification(classes.changes(), classes.latencies().summary(), classes.unclassified(),
                            classes.late(), classes.leftOut()),
                    rest.summaries(), rest.errors(), scrapeTimes(), self.averagePercent(), self.peak10sPercent(),
                    clustered ? List.copyOf(perManager) : List.of(), failed, List.copyOf(phases));
            if (cluster != null) {
                logCluster("at the window's end", cluster.poll(), layout);
            }
            if (matrix.lastError() != null) {
                log.println("loadgen: last matrix probe error: " + matrix.lastError());
            }
            if (rest.lastError() != null) {
                log.println("loadgen: last REST error: " + rest.lastError());
            }
            for (Node n : nodes) {
                if (n.metrics.lastError() != null) {
                    log.println("loadgen: last /metrics error of " + n.id + ": " + n.metrics.lastError() + " ("
                            + n.metrics.errors() + " in all)");
                }
            }
            if (cluster != null && cluster.lastError() != null) {
                log.println("loadgen: last /api/cluster error: " + cluster.lastError() + " (" + cluster.errors() + " in all)");
            }
            return res;
        } finally {
            clock.shutdownNow();
            self.close();
            Failover fo = failover;
            if (fo != null) {
                fo.close();
            }
            if (cluster != null) {
                cluster.close();
            }
            for (Node n : nodes) {
                n.metrics.close();
                if (n.process != null) {
                    n.process.close();
                }
            }
        }
    }

    /**
     * Kills the manager that owns the most networks now (the first on a tie) with SIGKILL by its pid
     * and starts measuring the recovery; /api/cluster is read from the survivor from then on.
     */
    private void failOver(Fleet fleet) throws InterruptedException {
        ClusterWatch.View v = cluster.poll();
        if (v == null) {
            v = cluster.latest();
        }
        Map<String, Integer> counts = v == null ? Map.of() : v.counts();
        Node victim = nodes.get(0);
        for (Node n : nodes) {
            if (counts.getOrDefault(n.id, 0) > counts.getOrDefault(victim.id, 0)) {
                victim = n;
            }
        }
        Node survivor = nodes.get(victim == nodes.get(0) ? 1 : 0);
        if (victim.pid <= 0) {
            throw new IllegalStateException("manager " + victim.id + " has no pid to kill");
        }
        Set<Integer> owned = new HashSet<>();
        if (v != null) {
            String id = victim.id;
            v.owners().forEach((vni, owner) -> {
                if (owner.equals(id)) {
                    owned.add(vni);
                }
            });
        }
        Failover fo = new Failover(fleet, victim.id, victim.index, survivor.id, owned, () -> {
            MetricsWatch.Point p = survivor.metrics.latest();
            return p == null ? Double.NaN : p.connections();
        });
        cluster.onView(fo::viewed);
        failover = fo;
        log.printf(Locale.ROOT, "loadgen: failover: killing %s (pid %d; it owns %d networks) with SIGKILL; %s survives%n",
                victim.id, victim.pid, owned.size(), survivor.id);
        victim.sentAtEnd = fleet.counters().reportsSentTo(victim.index);
        victim.endAt = System.currentTimeMillis();
        victim.killed = true; // from now on REST, matrix polls and /api/cluster go to the survivor
        boolean died = fo.kill(victim.pid);
        victim.metrics.close();
        log.printf(Locale.ROOT, "loadgen: failover: %s %s; %d agents were connected to it%n", victim.id,
                died ? "is dead" : "did not die within 10 s", fo.outcome(0).agentsOnKilled());
    }

    private static Result.Phase phase(String name, long w0, long from, long to, MatrixProbe matrix,
                                      ClassificationProbe classes, RestProbe rest) {
        return new Result.Phase(name, (from - w0) / 1000.0, (Math.min(to, System.currentTimeMillis()) - w0) / 1000.0,
                matrix.timed().latencies(from, to).summary(), matrix.timed().failures(from, to),
                classes.changeTimes().latencies(from, to).count(), classes.timed().latencies(from, to).summary(),
                classes.timed().failures(from, to), classes.timed().over(classes.boundMs(), from, to),
                rest.timed().latencies(from, to).summary(), rest.timed().failures(from, to));
    }

    private Result.ManagerNode nodeResult(Node n, MetricsWatch.Point first, MetricsWatch.Point last, long w0) {
        double span = first != null && last != null ? (last.atMillis() - first.atMillis()) / 1000.0 : Double.NaN;
        ProcessWatch p = n.process;
        double lived = (n.endAt - w0) / 1000.0;
        return new Result.ManagerNode(n.id, n.pid, n.killed, n.atStart == null ? Double.NaN : n.atStart.networksOwned(),
                last == null ? Double.NaN : n.killed ? 0 : last.networksOwned(),
                last == null ? Double.NaN : last.connections(), last == null ? Double.NaN : last.connectedHosts(),
                lived > 0 ? (n.sentAtEnd - n.sentAtStart) / lived : Double.NaN,
                first != null && last != null ? (last.reports() - first.reports()) / span : Double.NaN,
                first != null && last != null ? (last.relayedIn() - first.relayedIn()) / span : Double.NaN,
                first != null && last != null ? (last.reportSeconds() - first.reportSeconds()) / span : Double.NaN,
                p == null ? Double.NaN : p.averagePercent(), p == null ? Double.NaN : p.peak10sPercent(),
                p == null || n.killed ? Double.NaN : p.heapAfterGcMiB(), p == null ? Double.NaN : p.peakRssMiB());
    }

    private static Result.Manager single(double registered, MetricsWatch.Point first, MetricsWatch.Point last,
                                         ProcessWatch manager) {
        double span = first != null && last != null ? (last.atMillis() - first.atMillis()) / 1000.0 : Double.NaN;
        return new Result.Manager(registered, last == null ? Double.NaN : last.connectedHosts(),
                last == null ? Double.NaN : last.connections(),
                first != null && last != null ? (last.reports() - first.reports()) / span : Double.NaN,
                first != null && last != null ? (last.reportSeconds() - first.reportSeconds()) / span : Double.NaN,
                last == null ? Double.NaN : last.reportLagMax(),
                manager == null ? Double.NaN : manager.averagePercent(),
                manager == null ? Double.NaN : manager.peak10sPercent(),
                manager == null ? Double.NaN : manager.heapAfterGcMiB(),
                manager == null ? Double.NaN : manager.peakRssMiB());
    }

    /**
     * The cluster's sums over the window (a killed manager counts for the part it lived): reports
     * taken from its own agents (vnet_manager_reports_total minus the messages relayed to it) and the
     * report processing share as the managers' deltas over the window, CPU as each one's average times
     * the share of the window it lived; the busiest 10 s, heap and RSS summed; connections of the live
     * ones; hosts connected as the primary says them (every member lists every agent); the largest
     * report lag of the live ones.
     */
    private Result.Manager sum(double registered, List<Result.ManagerNode> each, List<MetricsWatch.Point> firsts,
                               List<MetricsWatch.Point> lasts, long w0, long w1) {
        double window = (w1 - w0) / 1000.0;
        double connections = 0;
        double reports = 0;
        double reportSeconds = 0;
        double cpu = 0;
        double peak = 0;
        double heap = 0;
        double rss = 0;
        double lag = Double.NaN;
        for (int i = 0; i < each.size(); i++) {
            Result.ManagerNode n = each.get(i);
            MetricsWatch.Point f = firsts.get(i);
            MetricsWatch.Point l = lasts.get(i);
            if (f != null && l != null) {
                double relayed = l.relayedIn() - f.relayedIn();
                reports += l.reports() - f.reports() - (Double.isNaN(relayed) ? 0 : relayed);
                reportSeconds += l.reportSeconds() - f.reportSeconds();
            } else {
                reports = Double.NaN;
                reportSeconds = Double.NaN;
            }
            if (!n.killed()) {
                connections += n.connections();
                if (l != null) {
                    lag = Double.isNaN(lag) ? l.reportLagMax() : Math.max(lag, l.reportLagMax());
                }
                heap += n.heapAfterGcMiB();
            }
            cpu += n.cpuPercent() * Math.min(1, (nodes.get(i).endAt - w0) / 1000.0 / window);
            peak += n.cpuPeak10sPercent();
            rss += n.peakRssMiB();
        }
        Node p = primary();
        MetricsWatch.Point pl = lasts.get(nodes.indexOf(p));
        return new Result.Manager(registered, pl == null ? Double.NaN : pl.connectedHosts(), connections, reports / window,
                reportSeconds / window, lag, cpu, peak, heap, rss);
    }

    /** Every manager's /metrics scrape times, together. */
    private Latencies.Summary scrapeTimes() {
        Latencies all = new Latencies();
        for (Node n : nodes) {
            all.addAll(n.metrics.scrapeTimes());
        }
        return all.summary();
    }

    private void logCluster(String when, ClusterWatch.View v, Layout layout) {
        if (v == null) {
            log.println("loadgen: cluster " + when + ": GET /api/cluster failed: " + cluster.lastError());
            return;
        }
        Map<String, Integer> counts = v.counts();
        int unowned = 0;
        for (Layout.Network n : layout.networks()) {
            if (!v.owners().containsKey(n.vni())) {
                unowned++;
            }
        }
        log.printf(Locale.ROOT, "loadgen: cluster %s (as %s says it): live members %s, networks owned %s, of the run's %d"
                + " networks %d have no owner%n", when, v.self(), v.members(), counts, layout.networks().size(), unowned);
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

    private void progress(Fleet fleet) {
        FleetCounters c = fleet.counters();
        StringBuilder managers = new StringBuilder();
        for (Node n : nodes) {
            MetricsWatch.Point p = n.metrics.latest();
            if (n.killed) {
                managers.append("; ").append(n.id).append(": killed");
            } else if (p != null) {
                managers.append(String.format(Locale.ROOT, "; %s: reports %.0f, connections %.0f, lag max %.1f s%s", n.id,
                        p.reports(), p.connections(), p.reportLagMax(), nodes.size() > 1 && !Double.isNaN(p.networksOwned())
                                ? String.format(Locale.ROOT, ", owns %.0f", p.networksOwned()) : ""));
            }
        }
        Failover fo = failover;
        log.printf(Locale.ROOT, "loadgen: connected %d/%d, reports sent %d, reconnects %d, lost %d, handshake failures %d,"
                        + " skipped %d%s%s%n", c.connected.get(), fleet.agents().size(), c.reportsSent.sum(), c.reconnects.sum(),
                c.lost.sum(), c.handshakeFailures.sum(), c.reportsSkipped.sum(), managers,
                fo == null ? "" : "; " + fo.progress());
    }

    /** Reads the first line of a secret file (bounded). */
    static String firstLine(Path file) throws IOException {
        if (Files.size(file) > 4096) {
            throw new IOException(file + ": more than 4096 bytes; expected one line");
        }
        return Files.readString(file).lines().findFirst().orElse("").strip();
    }
}
