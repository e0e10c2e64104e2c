package io.vnet.it;

import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * A PostgreSQL server of the test's own inside a test host's namespace, listening on that
 * namespace's 127.0.0.1:5432 (the machine's test cluster listens on the root namespace's loopback,
 * which a manager in a namespace cannot reach, and stopping it would break other tests using it).
 * Made with the installed server's initdb (trust authentication for user {@code vnet}, database
 * {@code vnet}) in a directory of its own, run as user postgres; {@link #stop()} is a fast shutdown
 * (SIGINT) by pid, {@link #start()} runs it again on the same data. Stopped by pid and its
 * directory deleted when the fabric closes. Fails, never skips, when the server is not installed.
 */
final class PrivatePostgres implements AutoCloseable {
    static final String URL = "jdbc:postgresql://127.0.0.1:5432/vnet?user=vnet";

    private final Fabric fabric;
    private final Host host;
    private final Path bin;
    private final Path dir;
    private Process server;
    private int starts;
    /** Where it listens: its namespace's loopback, or (shared by managers in other hosts) the host's address. */
    private final String listen;

    private PrivatePostgres(Fabric fabric, Host host, Path bin, Path dir, String listen) {
        this.fabric = fabric;
        this.host = host;
        this.bin = bin;
        this.dir = dir;
        this.listen = listen;
    }

    /** The JDBC URL of database {@code vnet} for a manager that reaches it where it listens. */
    String url() {
        return "jdbc:postgresql://" + listen + ":5432/vnet?user=vnet";
    }

    /** Makes the cluster, starts it in {@code host}'s namespace and creates database {@code vnet}. */
    static PrivatePostgres create(Fabric fabric, Host host) throws IOException, InterruptedException {
        return create(fabric, host, false);
    }

    /**
     * As {@link #create(Fabric, Host)}; {@code shared}: it listens on {@code host}'s address and trusts every
     * host of the test's network (managers in other namespaces share it), not on its loopback.
     */
    static PrivatePostgres create(Fabric fabric, Host host, boolean shared) throws IOException, InterruptedException {
        Path versions = Path.of("/usr/lib/postgresql");
        Path bin;
        try (var s = Files.list(versions)) {
            bin = s.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("postgres")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(() -> new IOException("no PostgreSQL server under " + versions + " (apt-get install postgresql)"));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("PostgreSQL's server is not installed (" + versions + "): apt-get install postgresql", e);
        }
        Path dir = Files.createTempDirectory("vnet-pg-");
        Sh.must("chown", "postgres:postgres", dir.toString());
        PrivatePostgres pg = new PrivatePostgres(fabric, host, bin, dir, shared ? host.ip() : "127.0.0.1");
        fabric.closeFirst(pg);
        Sh.Result init = Sh.run(60, List.of("setpriv", "--reuid", "postgres", "--regid", "postgres", "--clear-groups",
                bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "vnet",
                "-E", "UTF8", "--no-sync"));
        if (!init.ok()) {
            throw new IOException("initdb failed: " + init.out());
        }
        if (shared) {
            // the test's own namespaces only: nothing outside them reaches this address
            String net = host.ip().substring(0, host.ip().lastIndexOf('.')) + ".0/24";
            Files.writeString(dir.resolve("data/pg_hba.conf"), "host all all " + net + " trust\n",
                    java.nio.file.StandardOpenOption.APPEND);
        }
        pg.start();
        Sh.Result db = Sh.run(30, List.of("ip", "netns", "exec", host.ns(), "psql", "-h", pg.listen, "-U", "vnet",
                "-d", "postgres", "-c", "CREATE DATABASE vnet"));
        if (!db.ok()) {
            throw new IOException("CREATE DATABASE vnet failed: " + db.out());
        }
        return pg;
    }

    /** Starts the server on its data and waits until it accepts connections (at most 20 s). */
    synchronized void start() throws IOException, InterruptedException {
        starts++;
        server = fabric.spawn(host.ns(), List.of("setpriv", "--reuid", "postgres", "--regid", "postgres", "--clear-groups",
                bin.resolve("postgres").toString(), "-D", dir.resolve("data").toString(), "-k", dir.toString(),
                "-c", "listen_addresses=" + listen, "-p", "5432"), dir.resolve("server-" + starts + ".log"));
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            if (Sh.run(10, List.of("ip", "netns", "exec", host.ns(), bin.resolve("pg_isready").toString(), "-q", "-h",
                    listen, "-p", "5432")).ok()) {
                return;
            }
            if (!server.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IOException("PostgreSQL did not start: " + Files.readString(dir.resolve("server-" + starts + ".log")));
            }
            Thread.sleep(100);
        }
    }

    /** A fast shutdown (SIGINT to the postmaster, by pid): sessions are ended, then the server exits. */
    synchronized void stop() throws InterruptedException {
        if (server != null && server.isAlive()) {
            Sh.must("kill", "-INT", Long.toString(server.pid()));
            if (!server.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }

    /** psql's output for {@code sql} on database vnet. */
    String query(String sql) {
        Sh.Result r = Sh.run(30, List.of("ip", "netns", "exec", host.ns(), "psql", "-h", listen, "-U", "vnet", "-d",
                "vnet", "-At", "-c", sql));
        if (!r.ok()) {
            throw new IllegalStateException("psql " + sql + ": " + r.out());
        }
        return r.out().strip();
    }

    @Override
    public void close() throws Exception {
        stop();
        Sh.run("rm", "-rf", dir.toString());
    }
}
