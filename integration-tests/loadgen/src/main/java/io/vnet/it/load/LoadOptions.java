package io.vnet.it.load;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The load generator's flags (README.md lists them). Without {@code --managers} the generator starts
 * a manager of its own ({@link ManagerRunner}); with it, {@code --api}, {@code
 * --admin-password-file} and {@code --metrics-token-file} say how to reach that manager's HTTP side,
 * and {@code --manager-pid} which process to watch (optional). {@code --start-managers 2} starts a
 * cluster of two on the PostgreSQL of {@code --jdbc}; {@code --failover-at} kills one of them.
 */
public record LoadOptions(int agents, int networks, int vmsPerHost, int durationSeconds, List<InetSocketAddress> managers,
                          Path certs, Path ca, long seed, long reportMs, int connectRate, Path out, int changeSeconds,
                          int probes, long pollMs, long metricsMs, double restPerSecond, int allToAllMaxVms,
                          int eventLoops, URI api, String adminUser, Path adminPasswordFile, Path metricsTokenFile,
                          long managerPid, String jdbcUrl, String managerHeap, int connectTimeoutSeconds,
                          int warmupSeconds, Path repo, Path workDir, String managerId, int startManagers,
                          int failoverAtSeconds) {
    /** The CA the generator makes (with scripts/vnet-certs.sh) and reuses when no --ca is given. */
    public static final Path DEFAULT_CA = Path.of("/var/lib/vnet-test/loadgen-ca");

    public static LoadOptions defaults() {
        return new LoadOptions(10_000, 1_000, 20, 180, List.of(), null, DEFAULT_CA, 1, 1000, 500, null, 60, 20, 50, 250,
                4, 100, 2, null, "admin", null, null, 0, null, "-Xms1g -Xmx6g", 600, 15, Path.of("."),
                null, "manager", 1, 0);
    }

    static final String USAGE = """
            usage: loadgen [--agents N] [--networks M] [--vms-per-host 20] [--duration SECONDS] [--seed S]
                           [--managers HOST:PORT[,HOST:PORT...] --api http://127.0.0.1:PORT
                            --admin-password-file F --metrics-token-file F [--admin-user admin] [--manager-pid PID]]
                           [--ca DIR] [--certs DIR] [--report-ms 1000] [--connect-rate 500] [--out FILE.json]
                           [--change-seconds 60] [--probes 20] [--poll-ms 50] [--metrics-ms 250] [--rest-rate 4]
                           [--all-to-all-max-vms 100] [--event-loops 2] [--jdbc URL] [--manager-heap "-Xmx6g"]
                           [--connect-timeout 600] [--warmup 15] [--repo DIR] [--work-dir DIR] [--manager-id manager]
                           [--start-managers 1|2 (2: a cluster; needs --jdbc jdbc:postgresql://...)]
                           [--failover-at SECONDS (with --start-managers 2: SIGKILL one manager then)]""";

    public static LoadOptions parse(String[] args) {
        LoadOptions o = defaults();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("-h") || flag.equals("--help")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
            }
            String v = args[++i];
            o = switch (flag) {
                case "--agents" -> o.with(b -> b.agents = range(flag, v, 1, 64_000));
                case "--networks" -> o.with(b -> b.networks = range(flag, v, 1, 65_535));
                case "--vms-per-host" -> o.with(b -> b.vmsPerHost = range(flag, v, 1, 1_000));
                case "--duration" -> o.with(b -> b.durationSeconds = range(flag, v, 1, 86_400));
                case "--managers" -> o.with(b -> b.managers = addresses(v));
                case "--certs" -> o.with(b -> b.certs = Path.of(v));
                case "--ca" -> o.with(b -> b.ca = Path.of(v));
                case "--seed" -> o.with(b -> b.seed = Long.parseLong(v));
                case "--report-ms" -> o.with(b -> b.reportMs = range(flag, v, 100, 60_000));
                case "--connect-rate" -> o.with(b -> b.connectRate = range(flag, v, 1, 100_000));
                case "--out" -> o.with(b -> b.out = Path.of(v));
                case "--change-seconds" -> o.with(b -> b.changeSeconds = range(flag, v, 0, 86_400));
                case "--probes" -> o.with(b -> b.probes = range(flag, v, 0, 1_000));
                case "--poll-ms" -> o.with(b -> b.pollMs = range(flag, v, 10, 10_000));
                case "--metrics-ms" -> o.with(b -> b.metricsMs = range(flag, v, 50, 60_000));
                case "--rest-rate" -> o.with(b -> b.restPerSecond = Double.parseDouble(v));
                case "--all-to-all-max-vms" -> o.with(b -> b.allToAllMaxVms = range(flag, v, 0, 100_000));
                case "--event-loops" -> o.with(b -> b.eventLoops = range(flag, v, 1, 64));
                case "--api" -> o.with(b -> b.api = URI.create(v));
                case "--admin-user" -> o.with(b -> b.adminUser = v);
                case "--admin-password-file" -> o.with(b -> b.adminPasswordFile = Path.of(v));
                case "--metrics-token-file" -> o.with(b -> b.metricsTokenFile = Path.of(v));
                case "--manager-pid" -> o.with(b -> b.managerPid = Long.parseLong(v));
                case "--jdbc" -> o.with(b -> b.jdbcUrl = v);
                case "--manager-heap" -> o.with(b -> b.managerHeap = v);
                case "--connect-timeout" -> o.with(b -> b.connectTimeoutSeconds = range(flag, v, 1, 86_400));
                case "--warmup" -> o.with(b -> b.warmupSeconds = range(flag, v, 0, 3_600));
                case "--repo" -> o.with(b -> b.repo = Path.of(v));
                case "--work-dir" -> o.with(b -> b.workDir = Path.of(v));
                case "--manager-id" -> o.with(b -> b.managerId = v);
                case "--start-managers" -> o.with(b -> b.startManagers = range(flag, v, 1, 2));
                case "--failover-at" -> o.with(b -> b.failoverAtSeconds = range(flag, v, 1, 86_400));
                default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + USAGE);
            };
        }
        if (!o.managers().isEmpty() && (o.api() == null || o.adminPasswordFile() == null || o.metricsTokenFile() == null)) {
            throw new IllegalArgumentException("with --managers, give --api, --admin-password-file and --metrics-token-file"
                    + " too (how to reach that manager's REST API and /metrics)\n" + USAGE);
        }
        if (o.startManagers() > 1) {
            if (!o.managers().isEmpty()) {
                throw new IllegalArgumentException("--start-managers " + o.startManagers() + " starts its own managers:"
                        + " it does not go with --managers\n" + USAGE);
            }
            if (o.jdbcUrl() == null || !o.jdbcUrl().startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("--start-managers " + o.startManagers() + " needs --jdbc"
                        + " jdbc:postgresql://HOST:PORT/DB?user=U&password=P: the managers of a cluster share one PostgreSQL"
                        + " database (H2 cannot be shared)" + (o.jdbcUrl() == null ? "" : "; got " + PgSchema.redact(o.jdbcUrl()))
                        + "\n" + USAGE);
            }
        }
        if (o.failoverAtSeconds() > 0) {
            if (o.startManagers() != 2) {
                throw new IllegalArgumentException("--failover-at needs --start-managers 2 (it kills one of the two)\n"
                        + USAGE);
            }
            if (o.failoverAtSeconds() >= o.durationSeconds()) {
                throw new IllegalArgumentException("--failover-at " + o.failoverAtSeconds() + " must be within the"
                        + " measured window (--duration " + o.durationSeconds() + "), better well before its end");
            }
        }
        if (o.restPerSecond() <= 0 || o.restPerSecond() > 1000) {
            throw new IllegalArgumentException("--rest-rate: 0 < rate <= 1000");
        }
        return o;
    }

    private static int range(String flag, String v, int lo, int hi) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": not a number: " + v);
        }
        if (n < lo || n > hi) {
            throw new IllegalArgumentException(flag + ": " + n + " is outside " + lo + ".." + hi);
        }
        return n;
    }

    static List<InetSocketAddress> addresses(String v) {
        List<InetSocketAddress> a = new ArrayList<>();
        for (String s : v.split(",")) {
            int colon = s.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--managers: expected HOST:PORT, got '" + s + "'");
            }
            String host = s.substring(0, colon).trim();
            int port = range("--managers port", s.substring(colon + 1).trim(), 1, 65_535);
            InetSocketAddress addr = new InetSocketAddress(host, port);
            if (addr.isUnresolved() || !addr.getAddress().isLoopbackAddress()) {
                throw new IllegalArgumentException("--managers: " + s + " is not a loopback address (127.0.0.0/8)");
            }
            a.add(addr);
        }
        return List.copyOf(a);
    }

    /** A copy with some fields changed. */
    public LoadOptions with(java.util.function.Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    /** The fields, to change some ({@link #with}). */
    public static final class Builder {
        public int agents;
        public int networks;
        public int vmsPerHost;
        public int durationSeconds;
        public List<InetSocketAddress> managers;
        public Path certs;
        public Path ca;
        public long seed;
        public long reportMs;
        public int connectRate;
        public Path out;
        public int changeSeconds;
        public int probes;
        public long pollMs;
        public long metricsMs;
        public double restPerSecond;
        public int allToAllMaxVms;
        public int eventLoops;
        public URI api;
        public String adminUser;
        public Path adminPasswordFile;
        public Path metricsTokenFile;
        public long managerPid;
        public String jdbcUrl;
        public String managerHeap;
        public int connectTimeoutSeconds;
        public int warmupSeconds;
        public Path repo;
        public Path workDir;
        public String managerId;
        /** How many managers to start (1, or 2: a cluster on --jdbc's PostgreSQL). */
        public int startManagers;
        /** With two managers: when in the measured window (s) one is killed; 0: never. */
        public int failoverAtSeconds;

        Builder(LoadOptions o) {
            agents = o.agents;
            networks = o.networks;
            vmsPerHost = o.vmsPerHost;
            durationSeconds = o.durationSeconds;
            managers = o.managers;
            certs = o.certs;
            ca = o.ca;
            seed = o.seed;
            reportMs = o.reportMs;
            connectRate = o.connectRate;
            out = o.out;
            changeSeconds = o.changeSeconds;
            probes = o.probes;
            pollMs = o.pollMs;
            metricsMs = o.metricsMs;
            restPerSecond = o.restPerSecond;
            allToAllMaxVms = o.allToAllMaxVms;
            eventLoops = o.eventLoops;
            api = o.api;
            adminUser = o.adminUser;
            adminPasswordFile = o.adminPasswordFile;
            metricsTokenFile = o.metricsTokenFile;
            managerPid = o.managerPid;
            jdbcUrl = o.jdbcUrl;
            managerHeap = o.managerHeap;
            connectTimeoutSeconds = o.connectTimeoutSeconds;
            warmupSeconds = o.warmupSeconds;
            repo = o.repo;
            workDir = o.workDir;
            managerId = o.managerId;
            startManagers = o.startManagers;
            failoverAtSeconds = o.failoverAtSeconds;
        }

        LoadOptions build() {
            return new LoadOptions(agents, networks, vmsPerHost, durationSeconds, managers, certs, ca, seed, reportMs,
                    connectRate, out, changeSeconds, probes, pollMs, metricsMs, restPerSecond, allToAllMaxVms, eventLoops,
                    api, adminUser, adminPasswordFile, metricsTokenFile, managerPid, jdbcUrl, managerHeap,
                    connectTimeoutSeconds, warmupSeconds, repo, workDir, managerId, startManagers, failoverAtSeconds);
        }
    }
}
