package io.vnet.it.fabric;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A set of test hosts and VMs made of network namespaces.
 * <ul>
 * <li>the underlay: one namespace with a bridge {@code ul}; every host has a veth pair to it
 * (host side {@code eth0}, address 10.250.0.N/24), which tc can shape later;</li>
 * <li>a host: a namespace with one bridge per tenant network ({@code br<vni>}) where its VMs
 * and its agent's TAP ({@code vnet<vni>}) are plugged, and the agent process;</li>
 * <li>a VM: a namespace whose {@code eth0} (MAC 02:00:00:00:vni:N, address 10.200.vni.N/24)
 * is a veth whose other end sits on its host's bridge.</li>
 * </ul>
 * Names carry a random tag so fabrics never collide; {@link #close()} stops the agents by pid
 * and deletes exactly the namespaces this fabric created.
 */
public final class Fabric implements AutoCloseable {
    private static final boolean SETPRIV = Sh.run("sh", "-c", "command -v setpriv").ok();
    private final String tag = String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    private final List<String> namespaces = Collections.synchronizedList(new ArrayList<>());
    private final List<AgentProcess> agents = Collections.synchronizedList(new ArrayList<>());
    private final List<ManagerProcess> managers = Collections.synchronizedList(new ArrayList<>());
    private final List<Process> helpers = Collections.synchronizedList(new ArrayList<>());
    private final List<AutoCloseable> closeFirst = Collections.synchronizedList(new ArrayList<>());
    private final Path workDir;
    private final Path repo;
    private final String underlay;
    private final Thread cleanupHook;
    private int nextHost = 1;
    private int nextVm = 1;
    private boolean closed;

    private Fabric(Path repo) throws IOException {
        this.repo = repo;
        this.workDir = Files.createTempDirectory("vnet-fabric-" + tag + "-");
        this.cleanupHook = new Thread(this::close, "fabric-cleanup-" + tag);
        Runtime.getRuntime().addShutdownHook(cleanupHook);
        this.underlay = netns("ul");
        Sh.must("ip", "-n", underlay, "link", "add", "ul", "type", "bridge");
        Sh.must("ip", "-n", underlay, "link", "set", "ul", "up");
    }

    /**
     * Creates an empty fabric (just the underlay switch). Fails, never skips, when this machine
     * cannot run it: not root, or a tool {@link Preconditions} checks for is missing (iproute2,
     * ping, iperf3, sysctl, nft, curl, ethtool, dnsmasq, busybox, libpcap, a built agent).
     *
     * @param repo the source tree, whose host-agent/bin/vnet-agent is run
     */
    public static Fabric create(Path repo) throws IOException {
        Preconditions.check(repo);
        return new Fabric(repo);
    }

    /** The repository named by the system property vnet.repo (set by the build), else the working directory. */
    public static Path repo() {
        return Path.of(System.getProperty("vnet.repo", ".")).toAbsolutePath().normalize();
    }

    public Path workDir() {
        return workDir;
    }

    public Path repoDir() {
        return repo;
    }

    String netns(String name) {
        String ns = "vnt" + tag + "-" + name;
        Sh.must("ip", "netns", "add", ns);
        namespaces.add(ns);
        Sh.must("ip", "-n", ns, "link", "set", "lo", "up");
        Sh.run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1");
        return ns;
    }

    private final java.util.Map<String, Host> hostsByName = new java.util.HashMap<>();

    /** Adds a host joined to the underlay, with address 10.250.0.N. */
    public synchronized Host addHost(String name) {
        int n = nextHost++;
        String ns = netns(name);
        String ulSide = "u" + name;
        Sh.must("ip", "link", "add", ulSide, "netns", underlay, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Sh.must("ip", "-n", underlay, "link", "set", ulSide, "master", "ul", "up");
        String ip = "10.250.0." + n;
        Sh.must("ip", "-n", ns, "addr", "add", ip + "/24", "dev", "eth0");
        Sh.must("ip", "-n", ns, "link", "set", "eth0", "up");
        Host h = new Host(this, name, ns, ip, ulSide);
        hostsByName.put(name, h);
        return h;
    }

    /** The host named {@code name}; IllegalArgumentException if the fabric has none. */
    public synchronized Host host(String name) {
        Host h = hostsByName.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no host " + name + " in this fabric");
        }
        return h;
    }

    /**
     * The fabric's certificate folder ({@code certs} in its work folder: {@code ca.pem},
     * {@code revoked.txt}, and {@code NAME.pem}, {@code NAME.key} per daemon), made with
     * scripts/vnet-certs.sh for {@code name} on first use: a manager's certificate for
     * {@code manager}, a host's for any other name. Daemons run with mutual TLS unless a test is
     * about plain TCP.
     */
    public synchronized Path certs(String name) {
        return name.equals("manager") ? certs(name, "manager", null) : certs(name, "host", null);
    }

    /**
     * As {@link #certs(String)}, with the certificate of {@code role} ("host", "proxy" or
     * "manager"), and for a proxy its {@code tenant}.
     */
    public synchronized Path certs(String name, String role, String tenant) {
        Path dir = workDir().resolve("certs");
        if (!Files.exists(dir.resolve(name + ".pem"))) {
            List<String> cmd = new java.util.ArrayList<>(List.of(repoDir().resolve("scripts/vnet-certs.sh").toString(),
                    dir.toString(), role));
            if (tenant != null) {
                cmd.addAll(List.of("--tenant", tenant));
            }
            cmd.add(name);
            Sh.Result r = Sh.run(60, cmd);
            if (!r.ok()) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + r.out());
            }
        }
        return dir;
    }

    /** Adds a VM of network {@code vni} on {@code host}, with the given MTU. */
    public synchronized Vm addVm(Host host, String name, int vni, int mtu) {
        int n = nextVm++;
        String ns = netns(name);
        String bridge = host.ensureBridge(vni, mtu);
        String hostSide = "v" + name;
        String mac = String.format("02:00:00:%02x:%02x:%02x", (vni >> 8) & 0xff, vni & 0xff, n);
        String ip = "10.200." + (vni % 256) + "." + n;
        Sh.must("ip", "link", "add", hostSide, "netns", host.ns(), "mtu", Integer.toString(mtu), "type", "veth",
                "peer", "name", "eth0", "netns", ns, "address", mac, "mtu", Integer.toString(mtu));
        Sh.must("ip", "-n", host.ns(), "link", "set", hostSide, "master", bridge, "up");
        Sh.must("ip", "-n", ns, "addr", "add", ip + "/24", "dev", "eth0");
        Sh.must("ip", "-n", ns, "link", "set", "eth0", "up");
        return new Vm(this, name, ns, host, vni, mac, ip, mtu);
    }

    /**
     * Stops {@code vm} as a cloud stops a VM: whatever still runs in its namespace is stopped by pid,
     * then its namespace is deleted, and with it its NIC (the veth's other end leaves its host's
     * bridge). The agents are not told: the VM's address ages out of their learning as a stopped
     * VM's does. The fabric forgets the namespace.
     */
    public void removeVm(Vm vm) {
        String ns = vm.ns();
        if (!namespaces.contains(ns)) {
            throw new IllegalArgumentException(vm + " is not a VM of this fabric, or was removed already");
        }
        stopLeftovers(ns);
        Sh.must("ip", "netns", "del", ns);
        namespaces.remove(ns);
    }

    /** Moves {@code vm} to {@code host} as a live migration does; see {@link Vm#migrateTo}. */
    public Vm.Migration migrate(Vm vm, Host host) {
        return vm.migrateTo(host);
    }

    /**
     * Adds a VM whose NIC has no address yet: it asks for one by DHCP ({@link Vm#dhcp}), for
     * example from a {@link HomeLan} behind a proxy.
     */
    public synchronized Vm addDhcpVm(Host host, String name, int vni, int mtu) {
        Vm vm = addVm(host, name, vni, mtu);
        Sh.must("ip", "-n", vm.ns(), "addr", "flush", "dev", "eth0");
        vm.address(null);
        return vm;
    }

    /** Adds a home network (switch, DHCP server, PC); plug a proxy host into it with {@link HomeLan#plug}. */
    public HomeLan addHomeLan() {
        return new HomeLan(this);
    }

    /** Starts the real agent process in {@code host} with this configuration and waits until it answers. */
    public AgentProcess startAgent(Host host, ObjectNode config) throws IOException {
        AgentProcess a = AgentProcess.start(this, host, config);
        agents.add(a);
        return a;
    }

    /** Starts the real manager process in {@code host} and waits until it is ready. */
    public ManagerProcess startManager(Host host, ObjectNode config) throws IOException {
        return startManager(host, config, List.of());
    }

    /** As {@link #startManager(Host, ObjectNode)}, with framework properties ({@code KEY=VALUE}) that override the launcher's. */
    public ManagerProcess startManager(Host host, ObjectNode config, List<String> fw) throws IOException {
        ManagerProcess m = ManagerProcess.start(this, host, config, "manager-" + (managers.size() + 1), fw);
        managers.add(m);
        return m;
    }

    /**
     * Starts a helper process (e.g. an iperf3 server) in {@code ns}; it is stopped by pid at
     * close. It also gets a parent-death signal, so it does not outlive a test JVM that is killed.
     */
    public Process spawn(String ns, List<String> cmd, Path log) throws IOException {
        List<String> full = new ArrayList<>();
        if (SETPRIV) {
            // should this JVM be killed outright, the kernel sends the helper SIGTERM
            full.addAll(List.of("setpriv", "--pdeathsig", "TERM"));
        }
        full.addAll(List.of("ip", "netns", "exec", ns));
        full.addAll(cmd);
        Process p = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        helpers.add(p);
        return p;
    }

    /**
     * Has {@link #close()} close {@code resource} before it stops anything else (the last
     * registered first), while the namespaces still exist: e.g. a libvirtd whose QEMU processes
     * must be stopped by pid. A failure to close it is printed and does not stop the clean-up.
     */
    public void closeFirst(AutoCloseable resource) {
        closeFirst.add(resource);
    }

    /**
     * Stops, by pid, whatever still runs in namespace {@code ns} that this fabric did not stop
     * itself: daemons that detached from the processes it started (OpenMPI's orted daemonizes,
     * for one). Deleting a namespace would leave them running in it.
     */
    private void stopLeftovers(String ns) {
        for (String pid : Sh.run("ip", "netns", "pids", ns).out().split("\\s+")) {
            if (!pid.isBlank() && pid.chars().allMatch(Character::isDigit)) {
                System.err.println("fabric " + tag + ": stopping pid " + pid + ", still running in " + ns);
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessUtil::stop);
            }
        }
    }

    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    /** The namespace of the underlay switch {@code ul}, where each host's {@link Host#underlayPort()} is. */
    public String underlayNamespace() {
        return underlay;
    }

    /**
     * Deletes the managers' H2 databases and the agents' bundle caches in the work directory once
     * they are stopped: the logs and other small files stay for a look after a failure, the
     * databases (tens of MB after a long run) and caches (22 MB an agent) would fill the disk over
     * many runs.
     */
    private void deleteDatabases() {
        try (java.util.stream.Stream<Path> files = Files.list(workDir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".mv.db")
                    || f.getFileName().toString().endsWith(".trace.db")
                    || f.getFileName().toString().startsWith("felix-") && Files.isDirectory(f)).toList()) {
                if (Files.isDirectory(f)) {
                    try (java.util.stream.Stream<Path> tree = Files.walk(f)) {
                        for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                } else {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            System.err.println("fabric " + tag + ": deleting the databases in " + workDir + " failed: " + e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> first = new ArrayList<>(closeFirst);
        Collections.reverse(first);
        for (AutoCloseable c : first) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("fabric " + tag + ": closing " + c + " failed: " + e);
            }
        }
        for (Process p : List.copyOf(helpers)) {
            ProcessUtil.stop(p.toHandle());
        }
        for (AgentProcess a : List.copyOf(agents)) {
            a.stop();
        }
        for (ManagerProcess m : List.copyOf(managers)) {
            m.stop();
        }
        List<String> ns = new ArrayList<>(namespaces);
        Collections.reverse(ns);
        for (String n : ns) {
            stopLeftovers(n);
        }
        for (String n : ns) {
            Sh.run("ip", "netns", "del", n);
        }
        namespaces.clear();
        deleteDatabases();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException ignored) {
            // we are the shutdown hook
        }
    }
}
