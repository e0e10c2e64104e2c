package io.vnet.it.fabric.libvirt;

import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real libvirtd for one test host. It runs in the host's network namespace, in mount and UTS
 * namespaces of its own ({@code ip netns exec NS unshare --mount --uts --propagation private}):
 * its own hostname (the host's namespace name), host UUID, /etc/hosts, /etc/libvirt, /run/libvirt,
 * /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt, which are files and directories under the
 * fabric's work directory bind-mounted over the system's, so that two daemons on one machine are
 * two hosts to libvirt and the test reaches each one's socket by path. It listens on TCP on the
 * host's underlay address, without authentication, for peer-to-peer migrations.
 * <p>
 * Start it with {@link #launch} (several can start at once), then {@link #awaitReady}. The
 * fabric closes it first when it closes: its domains are destroyed, any QEMU left is stopped by
 * the pid in its pid file, then the daemon by pid; the bind mounts live only in the daemon's
 * mount namespace, which ends with its last process.
 */
public final class Libvirtd implements AutoCloseable {
    private final Host host;
    private final Path dir;
    private final Process process;
    private final String hostname;
    private final UUID hostUuid;
    private boolean closed;

    private Libvirtd(Host host, Path dir, Process process, String hostname, UUID hostUuid) {
        this.host = host;
        this.dir = dir;
        this.process = process;
        this.hostname = hostname;
        this.hostUuid = hostUuid;
    }

    /**
     * Starts the daemon of {@code host} and returns at once (see {@link #awaitReady}). Call it
     * from the test's own thread: the daemon gets a parent-death signal bound to that thread.
     *
     * @throws IllegalStateException when libvirt or QEMU is not installed (the message says how to install them)
     */
    public static Libvirtd launch(Fabric fabric, Host host) throws IOException {
        LibvirtTools.check();
        Path dir = fabric.workDir().resolve("libvirt-" + host.name());
        for (String d : List.of("etc", "run", "lib", "log", "cache")) {
            Files.createDirectories(dir.resolve(d));
        }
        UUID uuid = UUID.randomUUID();
        LibvirtdConfig config = new LibvirtdConfig(host.ip(), uuid);
        Files.writeString(dir.resolve("etc/libvirtd.conf"), config.libvirtdConf());
        Files.writeString(dir.resolve("etc/qemu.conf"), config.qemuConf());
        String hostname = host.ns();
        // its hostname resolves without DNS (libvirt looks it up, also while it migrates a domain)
        Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n" + host.ip() + " " + hostname + "\n");
        List<String> script = new ArrayList<>();
        script.add("set -e");
        script.add("mkdir -p /etc/libvirt /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt");
        script.add(bind(dir.resolve("etc"), "/etc/libvirt"));
        script.add(bind(dir.resolve("run"), "/run/libvirt"));
        script.add(bind(dir.resolve("lib"), "/var/lib/libvirt"));
        script.add(bind(dir.resolve("log"), "/var/log/libvirt"));
        script.add(bind(dir.resolve("cache"), "/var/cache/libvirt"));
        script.add(bind(dir.resolve("hosts"), "/etc/hosts"));
        script.add("hostname " + Shell.quote(hostname));
        script.add("exec libvirtd --listen -f /etc/libvirt/libvirtd.conf -p " + Shell.quote(dir.resolve("libvirtd.pid").toString()));
        Process p = fabric.spawn(host.ns(), List.of("unshare", "--mount", "--uts", "--propagation", "private",
                "sh", "-c", String.join("\n", script)), dir.resolve("libvirtd.out"));
        Libvirtd d = new Libvirtd(host, dir, p, hostname, uuid);
        fabric.closeFirst(d);
        return d;
    }

    /** {@link #launch} and {@link #awaitReady} with a timeout of 120 s (QEMU's capabilities are probed at start). */
    public static Libvirtd start(Fabric fabric, Host host) throws IOException, InterruptedException {
        Libvirtd d = launch(fabric, host);
        d.awaitReady(Duration.ofSeconds(120));
        return d;
    }

    private static String bind(Path from, String to) {
        return "mount --bind " + Shell.quote(from.toString()) + " " + to;
    }

    /**
     * Waits until the daemon answers {@code virsh version} on its socket; returns how long that took.
     *
     * @throws IllegalStateException with its logs when it exits first or the time runs out
     */
    public Duration awaitReady(Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Sh.Result last = null;
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("libvirtd of " + host.name() + " exited with " + process.exitValue()
                        + " before it answered:\n" + logs());
            }
            last = virsh(15, "version");
            if (last.ok()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("libvirtd of " + host.name() + " did not answer within " + timeout
                        + "; virsh version said: " + last.out() + "\n" + logs());
            }
            Thread.sleep(100);
        }
    }

    public Host host() {
        return host;
    }

    /** The daemon's pid (the process the fabric started: ip netns exec, unshare and sh exec it in turn). */
    public long pid() {
        return process.pid();
    }

    /** The hostname in the daemon's UTS namespace. */
    public String hostname() {
        return hostname;
    }

    public UUID hostUuid() {
        return hostUuid;
    }

    /** This instance's directories (etc, run, lib, log, cache) and logs. */
    public Path dir() {
        return dir;
    }

    /** A URI that reaches the daemon from the machine's root namespace: its UNIX socket, by path. */
    public String uri() {
        return "qemu+unix:///system?socket=" + dir.resolve("run/libvirt-sock");
    }

    /**
     * The daemon's TCP URI on the underlay, reachable from the other test hosts only (e.g. by a
     * source libvirtd in a peer-to-peer migration), not from the root namespace.
     */
    public String tcpUri() {
        return "qemu+tcp://" + host.ip() + "/system";
    }

    /** Runs {@code virsh -c <uri> args...}. */
    public Sh.Result virsh(long timeoutSeconds, String... args) {
        List<String> cmd = new ArrayList<>(List.of("virsh", "-c", uri()));
        cmd.addAll(List.of(args));
        return Sh.run(timeoutSeconds, cmd);
    }

    /** As {@link #virsh}, requiring exit 0; the failure carries the command, its output and the daemon's log. */
    public String virshMust(long timeoutSeconds, String... args) {
        Sh.Result r = virsh(timeoutSeconds, args);
        if (!r.ok()) {
            throw new IllegalStateException("virsh " + String.join(" ", args) + " on " + host.name() + " failed (exit "
                    + r.exit() + "):\n" + r.out() + "\nlibvirtd's log:\n" + Shell.tail(dir.resolve("log/libvirtd.log"), 3000));
        }
        return r.out();
    }

    /** QEMU's log of domain {@code name} on this host (its command line and errors). */
    public Path qemuLog(String name) {
        return dir.resolve("log/qemu/" + name + ".log");
    }

    /** The daemon's own output and log, for failure messages. */
    public String logs() {
        return "libvirtd output (" + dir.resolve("libvirtd.out") + "):\n" + Shell.tail(dir.resolve("libvirtd.out"), 3000)
                + "\nlibvirtd log (" + dir.resolve("log/libvirtd.log") + "):\n" + Shell.tail(dir.resolve("log/libvirtd.log"), 3000);
    }

    /** The QEMU processes this daemon runs now, from its pid files. */
    public List<ProcessHandle> qemuProcesses() {
        Path pids = dir.resolve("run/qemu");
        if (!Files.isDirectory(pids)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(pids)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".pid"))
                    .flatMap(f -> Pids.fromFile(f, "qemu-system").stream())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (process.isAlive()) {
            try {
                Sh.Result list = virsh(20, "list", "--name");
                if (list.ok()) {
                    for (String name : list.out().split("\n")) {
                        if (!name.isBlank()) {
                            virsh(20, "destroy", name.strip());
                        }
                    }
                }
            } catch (IllegalStateException e) {
                System.err.println("libvirtd of " + host.name() + " did not list its domains: " + e.getMessage());
            }
        }
        for (ProcessHandle q : qemuProcesses()) {
            Pids.stop(q, 10);
        }
        Pids.stop(process.toHandle(), 15);
    }

    @Override
    public String toString() {
        return "libvirtd of " + host.name() + " (pid " + process.pid() + ", " + uri() + ")";
    }
}
