package io.vnet.it.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real manager for a load run: plugin/manager-runtime/bin/vnet-manager in the root namespace,
 * its agent port and REST API on free ports of 127.0.0.1, mutual TLS with the CA of {@code caDir}
 * (made there with scripts/vnet-certs.sh, with the manager's certificate, when missing), VTTIF
 * reactive and evaluated every 500 ms, each network's traffic matrix recorded at every evaluation
 * (so that a pair reaches the API within one evaluation), the store on H2 in the work directory or
 * on the PostgreSQL of a JDBC URL. Stopped by its pid (SIGTERM, then SIGKILL) on {@link #close}.
 * With a {@link Cluster} it is a member of a cluster ({@code "cluster"} section: its id, its agent
 * port and API as its addresses): {@link #startCluster} starts several on one PostgreSQL URL.
 */
public final class ManagerRunner implements AutoCloseable {
    /** How the runner configures VTTIF: ManagerIT's reactive settings; matrices recorded at the product's period. */
    static ObjectNode vttif() {
        return Json.object().put("mode", "reactive").put("windowMs", 2000).put("evaluateMs", 500)
                .put("minPairRate", 2000);
    }

    /** A cluster member's settings: its id, and the leases' length and renewal period (ms). */
    public record Cluster(String id, long leaseMs, long tickMs) {
        /** The product's defaults: a lease of 5 s renewed every second. */
        public static Cluster of(String id) {
            return new Cluster(id, 5000, 1000);
        }
    }

    private final Process process;
    private final Path log;
    private final InetSocketAddress agents;
    private final URI http;
    private final String adminPassword;
    private final String metricsToken;
    private final String clusterId;

    private ManagerRunner(Process process, Path log, InetSocketAddress agents, URI http, String adminPassword,
                          String metricsToken, String clusterId) {
        this.clusterId = clusterId;
        this.process = process;
        this.log = log;
        this.agents = agents;
        this.http = http;
        this.adminPassword = adminPassword;
        this.metricsToken = metricsToken;
    }

    /**
     * Starts it and waits for "manager ready" in its log (at most 180 s).
     *
     * @param repo    the repository (for bin/vnet-manager and scripts/vnet-certs.sh)
     * @param caDir   the CA's directory (made when missing)
     * @param workDir its configuration, secrets, log and H2 database
     * @param jdbcUrl null: H2 in workDir; else the store's JDBC URL (user and password may be its query's)
     * @param javaOpts the JVM options (heap), as VNET_JAVA_OPTS
     */
    public static ManagerRunner start(Path repo, Path caDir, Path workDir, String jdbcUrl, String javaOpts)
            throws IOException, InterruptedException {
        return start(repo, caDir, workDir, jdbcUrl, javaOpts, null);
    }

    /** As {@link #start(Path, Path, Path, String, String)}, a member of a cluster when {@code cluster} is not null. */
    public static ManagerRunner start(Path repo, Path caDir, Path workDir, String jdbcUrl, String javaOpts, Cluster cluster)
            throws IOException, InterruptedException {
        ManagerRunner m = launch(repo, caDir, workDir, jdbcUrl, javaOpts, cluster);
        m.awaitReady();
        return m;
    }

    /**
     * Starts the members of a cluster on one PostgreSQL URL (same database and schema, same CA and
     * manager certificate), each in its own work directory, all at once, and waits until every one is
     * ready; when one fails, the others are stopped.
     */
    public static List<ManagerRunner> startCluster(Path repo, Path caDir, List<Path> workDirs, String jdbcUrl,
                                                   String javaOpts, List<Cluster> members)
            throws IOException, InterruptedException {
        if (workDirs.size() != members.size()) {
            throw new IllegalArgumentException(workDirs.size() + " work directories for " + members.size() + " managers");
        }
        if (jdbcUrl == null) {
            throw new IllegalArgumentException("a cluster needs a PostgreSQL JDBC URL (H2 is refused with a cluster)");
        }
        List<ManagerRunner> started = new ArrayList<>();
        try {
            for (int i = 0; i < members.size(); i++) {
                started.add(launch(repo, caDir, workDirs.get(i), jdbcUrl, javaOpts, members.get(i)));
            }
            for (ManagerRunner m : started) {
                m.awaitReady();
            }
            return List.copyOf(started);
        } catch (IOException | RuntimeException | InterruptedException e) {
            started.forEach(ManagerRunner::close);
            throw e;
        }
    }

    /** Starts the process (does not wait for it to be ready). */
    private static ManagerRunner launch(Path repo, Path caDir, Path workDir, String jdbcUrl, String javaOpts,
                                        Cluster cluster) throws IOException, InterruptedException {
        Path bin = repo.resolve("plugin/manager-runtime/bin/vnet-manager").toAbsolutePath();
        if (!Files.isExecutable(bin) || !Files.isDirectory(repo.resolve("plugin/manager-runtime/target/dist/lib"))) {
            throw new IOException(bin + " has no dist to run: build first (mvn -o -q install -DskipTests)");
        }
        ensureCa(repo, caDir);
        Files.createDirectories(workDir);
        String password = secret(workDir.resolve("admin-password"));
        String token = secret(workDir.resolve("metrics-token"));
        int agentPort = freePort();
        int httpPort = freePort();
        ObjectNode cfg = Json.object().put("agentListen", "127.0.0.1:" + agentPort);
        cfg.putObject("tls").put("ca", caDir.resolve("ca.pem").toAbsolutePath().toString())
                .put("cert", caDir.resolve("manager.pem").toAbsolutePath().toString())
                .put("key", caDir.resolve("manager.key").toAbsolutePath().toString());
        cfg.putObject("auth").put("adminPasswordFile", workDir.resolve("admin-password").toAbsolutePath().toString())
                .put("metricsTokenFile", workDir.resolve("metrics-token").toAbsolutePath().toString());
        cfg.set("vttif", vttif());
        if (cluster != null) {
            cfg.putObject("cluster").put("id", cluster.id()).put("agentAddress", "127.0.0.1:" + agentPort)
                    .put("apiAddress", "http://127.0.0.1:" + httpPort).put("leaseMs", cluster.leaseMs())
                    .put("tickMs", cluster.tickMs());
        }
        Path cfgFile = workDir.resolve("manager.json");
        Files.writeString(cfgFile, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(cfg));
        Path log = workDir.resolve("manager.log");
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            cmd.addAll(List.of("setpriv", "--pdeathsig", "TERM")); // should this JVM die outright, so does the manager
        }
        cmd.addAll(List.of(bin.toString(), "--config", cfgFile.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("VNET_HTTP_PORT", Integer.toString(httpPort));
        env.put("VNET_HTTP_HOST", "127.0.0.1");
        env.put("VNET_JAVA_OPTS", javaOpts);
        if (jdbcUrl == null) {
            env.put("VNET_DB_URL", "jdbc:h2:file:" + workDir.resolve("manager-db").toAbsolutePath());
        } else {
            Jdbc j = Jdbc.parse(jdbcUrl);
            env.put("VNET_DB_URL", j.url());
            if (j.user() != null) {
                env.put("VNET_DB_USER", j.user());
            }
            if (j.password() != null) {
                env.put("VNET_DB_PASSWORD", j.password());
            }
        }
        Process p = pb.start();
        return new ManagerRunner(p, log, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), agentPort),
                URI.create("http://127.0.0.1:" + httpPort), password, token, cluster == null ? null : cluster.id());
    }

    /** Waits for "manager ready" in its log (at most 180 s); stops it when it does not come. */
    private void awaitReady() throws IOException, InterruptedException {
        try {
            awaitLog("manager ready", 180_000);
        } catch (IOException | RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
    }

    /** A JDBC URL without its user and password, and them. */
    record Jdbc(String url, String user, String password) {
        static Jdbc parse(String url) {
            int q = url.indexOf('?');
            if (q < 0) {
                return new Jdbc(url, null, null);
            }
            String user = null;
            String password = null;
            List<String> rest = new ArrayList<>();
            for (String kv : url.substring(q + 1).split("&")) {
                if (kv.startsWith("user=")) {
                    user = kv.substring(5);
                } else if (kv.startsWith("password=")) {
                    password = kv.substring(9);
                } else if (!kv.isEmpty()) {
                    rest.add(kv);
                }
            }
            return new Jdbc(url.substring(0, q) + (rest.isEmpty() ? "" : "?" + String.join("&", rest)), user, password);
        }
    }

    /** Makes the CA and the manager's certificate with scripts/vnet-certs.sh when they are missing. */
    static void ensureCa(Path repo, Path caDir) throws IOException, InterruptedException {
        if (Files.exists(caDir.resolve("ca.pem")) && Files.exists(caDir.resolve("manager.pem"))) {
            return;
        }
        Path script = repo.resolve("scripts/vnet-certs.sh").toAbsolutePath();
        Process p = new ProcessBuilder(script.toString(), caDir.toAbsolutePath().toString(), "manager")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(script + " " + caDir + " manager failed: " + out);
        }
    }

    private static String secret(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).lines().findFirst().orElse("").strip();
        }
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        String s = HexFormat.of().formatHex(b);
        Files.writeString(file, s + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return s;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private void awaitLog(String text, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            String l = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            if (l.contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IOException("the manager exited with " + process.exitValue() + " before '" + text + "':\n" + l);
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("the manager did not log '" + text + "' within " + timeoutMs + " ms:\n" + l);
            }
            Thread.sleep(100);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Its id in the cluster, or null when it is alone. */
    public String clusterId() {
        return clusterId;
    }

    /** SIGKILL by its pid, at once (a failover test); true when it died within 10 s. */
    public boolean kill() throws InterruptedException {
        ProcessHandle h = process.toHandle();
        h.destroyForcibly(); // SIGKILL on Linux
        return process.waitFor(10, TimeUnit.SECONDS);
    }

    public boolean alive() {
        return process.isAlive();
    }

    public InetSocketAddress agentAddress() {
        return agents;
    }

    public URI http() {
        return http;
    }

    public String adminPassword() {
        return adminPassword;
    }

    public String metricsToken() {
        return metricsToken;
    }

    public Path log() {
        return log;
    }

    /** SIGTERM by pid, SIGKILL after 15 s. */
    @Override
    public void close() {
        ProcessHandle h = process.toHandle();
        if (!h.isAlive()) {
            return;
        }
        h.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                h.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            h.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
