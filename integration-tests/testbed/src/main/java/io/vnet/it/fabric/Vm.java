package io.vnet.it.fabric;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A test VM: a namespace with one NIC on its host's bridge. */
public final class Vm {
    private static final Pattern PING = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    private static final Pattern STAMPED = Pattern.compile("\\[(\\d+\\.\\d+)\\] .*icmp_seq=(\\d+) .*time=([\\d.]+) ms");
    private static final Pattern RTT = Pattern.compile("= ([\\d.]+)/([\\d.]+)/([\\d.]+)/([\\d.]+) ms");

    private final Fabric fabric;
    private final String name;
    private final String ns;
    private volatile Host host;
    private final int vni;
    private final String mac;
    private final int mtu;
    private volatile String ip;

    Vm(Fabric fabric, String name, String ns, Host host, int vni, String mac, String ip, int mtu) {
        this.fabric = fabric;
        this.name = name;
        this.ns = ns;
        this.host = host;
        this.vni = vni;
        this.mac = mac;
        this.ip = ip;
        this.mtu = mtu;
    }

    public String name() {
        return name;
    }

    public String ns() {
        return ns;
    }

    /** The host the VM runs on now (it changes with {@link #migrateTo}). */
    public Host host() {
        return host;
    }

    /** The name of the VM's NIC's other end, in its host's namespace, on the host's bridge br&lt;vni&gt;. */
    public String hostSide() {
        return hostSide(name);
    }

    static String hostSide(String vmName) {
        return "v" + vmName;
    }

    public int mtu() {
        return mtu;
    }

    /** What {@link #migrateTo} did: from where to where, when, and how long the commands took. */
    public record Migration(Host from, Host to, long startedMillis, long tookMillis, String output) {
    }

    /**
     * Moves this VM to {@code newHost} as a live migration does for the network: the VM keeps
     * its namespace, NIC, MAC and address, and its NIC's other end ({@link #hostSide()}) moves
     * from the old host's namespace to the new one's, onto its bridge br&lt;vni&gt; (made if
     * missing), and comes up; then the VM announces itself with a gratuitous ARP (busybox
     * arping -U, once the NIC has its carrier back), as a hypervisor makes a migrated VM do. No
     * rule changes: the daemons follow the VM because of the announcement. From now on
     * {@link #host()} is {@code newHost}. Runs {@link #migrationCommands} in one shell.
     *
     * @throws IllegalStateException with the commands' output if one failed
     */
    public synchronized Migration migrateTo(Host newHost) {
        Host old = host;
        if (old == newHost) {
            throw new IllegalArgumentException(this + " is on " + newHost.name() + " already");
        }
        newHost.ensureBridge(vni, mtu);
        List<String> lines = migrationCommands(name(), ns, old.ns(), newHost.ns(), vni, mtu, ip);
        long start = System.currentTimeMillis();
        long t0 = System.nanoTime();
        Sh.Result r = Sh.run(30, List.of("sh", "-c", String.join("\n", lines)));
        long took = (System.nanoTime() - t0) / 1_000_000;
        if (!r.ok()) {
            throw new IllegalStateException("migrating " + this + " to " + newHost.name() + " failed (exit " + r.exit()
                    + "):\n" + String.join("\n", lines) + "\n" + r.out());
        }
        host = newHost;
        return new Migration(old, newHost, start, took, r.out());
    }

    /**
     * The shell commands (one per line, for {@code sh -e}; they stop at the first failure) that
     * move VM {@code vmName}'s network attachment from one host namespace to another, as
     * {@link #migrateTo} does: the VM's namespace {@code vmNs} is kept, its NIC's other end
     * {@code v<vmName>} moves from {@code oldHostNs} to {@code newHostNs}, joins bridge
     * br&lt;vni&gt; there (created with {@code mtu} if missing) and comes up; then, once the
     * VM's eth0 has its carrier again (at most ~2 s), the VM sends a gratuitous ARP for
     * {@code ip} from eth0 (busybox arping -U), which makes the daemons override the rules that
     * still point at the old host. With {@code ip} null (a VM without an address) it sends none.
     */
    public static List<String> migrationCommands(String vmName, String vmNs, String oldHostNs, String newHostNs,
                                                 int vni, int mtu, String ip) {
        String dev = hostSide(vmName);
        String br = Host.bridgeName(vni);
        List<String> lines = new java.util.ArrayList<>();
        lines.add("set -e");
        lines.add("ip -n " + newHostNs + " link show " + br + " >/dev/null 2>&1 || { ip -n " + newHostNs + " link add " + br
                + " mtu " + mtu + " type bridge && ip -n " + newHostNs + " link set " + br + " up; }");
        lines.add("ip -n " + oldHostNs + " link set " + dev + " netns " + newHostNs);
        lines.add("ip -n " + newHostNs + " link set " + dev + " master " + br + " up");
        if (ip != null) {
            lines.add("ip netns exec " + vmNs + " sh -c 'i=0; while [ \"$(cat /sys/class/net/eth0/carrier 2>/dev/null)\" != 1 ]"
                    + " && [ $i -lt 200 ]; do sleep 0.01; i=$((i+1)); done; exec busybox arping -q -U -c 1 -I eth0 " + ip + "'");
        }
        return lines;
    }

    public int vni() {
        return vni;
    }

    public String mac() {
        return mac;
    }

    /** The VM's IPv4 address, or null for a VM that has not got one by DHCP yet. */
    public String ip() {
        return ip;
    }

    void address(String ip) {
        this.ip = ip;
    }

    /**
     * Asks for an address by DHCP with busybox's udhcpc on eth0, which exits once it has a
     * lease; its script (in the fabric's work directory) puts the address on eth0 and touches
     * nothing else of the machine. Returns the address, which {@link #ip()} returns from now on.
     *
     * @throws IllegalStateException with udhcpc's output when no lease came within the time
     */
    public String dhcp(int attempts) throws IOException, InterruptedException {
        Path script = fabric.workDir().resolve("udhcpc.script");
        Files.writeString(script, """
                #!/bin/sh
                # udhcpc runs this with $1 = deconfig, bound, renew, leasefail or nak; it sets $interface, $ip, $mask
                case "$1" in
                  deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
                  bound|renew) ip addr flush dev "$interface"; ip addr add "$ip/$mask" dev "$interface" ;;
                esac
                exit 0
                """);
        script.toFile().setExecutable(true);
        Path log = fabric.workDir().resolve("udhcpc-" + name + ".log");
        Process p = fabric.spawn(ns, List.of("busybox", "udhcpc", "-f", "-q", "-n", "-i", "eth0",
                "-t", Integer.toString(attempts), "-T", "2", "-s", script.toString(),
                "-p", fabric.workDir().resolve("udhcpc-" + name + ".pid").toString()), log);
        if (!p.waitFor(attempts * 3L + 10, TimeUnit.SECONDS)) {
            ProcessUtil.stop(p.toHandle());
        }
        String out = Files.readString(log);
        Matcher m = Pattern.compile("inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/").matcher(
                Sh.must("ip", "-n", ns, "-4", "addr", "show", "dev", "eth0"));
        if (p.isAlive() || p.exitValue() != 0 || !m.find()) {
            throw new IllegalStateException("VM " + name + " got no address by DHCP (udhcpc " + (p.isAlive() ? "running"
                    : "exited " + p.exitValue()) + "):\n" + out);
        }
        ip = m.group(1);
        return ip;
    }

    /** Pings the address {@code to} {@code count} times, 0.2 s apart. */
    public PingResult ping(String to, int count) {
        List<String> cmd = List.of("ip", "netns", "exec", ns, "ping", "-n", "-q", "-c", Integer.toString(count),
                "-i", "0.2", "-W", "1", to);
        return parsePing(Sh.run(30L + count, cmd).out());
    }

    /** The outcome of a ping run: sent, received, average RTT in ms (NaN if none came back). */
    public record PingResult(int sent, int received, double avgMs, double maxMs, String output) {
        public int lost() {
            return sent - received;
        }

        /** The sequence numbers that got no reply (only for runs without -q, which list each reply). */
        public List<Integer> missing() {
            java.util.Set<Integer> got = new java.util.HashSet<>();
            Matcher m = Pattern.compile("icmp_seq=(\\d+)").matcher(output);
            while (m.find()) {
                got.add(Integer.parseInt(m.group(1)));
            }
            List<Integer> out = new java.util.ArrayList<>();
            for (int i = 1; i <= sent && !got.isEmpty(); i++) {
                if (!got.contains(i)) {
                    out.add(i);
                }
            }
            return out;
        }

        /**
         * When each answered ping was sent, in seconds since the epoch: the arrival time that
         * {@code ping -D} prints less the round trip. Empty for runs without -D (see
         * {@link #pingInBackgroundTimed}).
         */
        public java.util.NavigableMap<Integer, Double> sendTimes() {
            java.util.NavigableMap<Integer, Double> out = new java.util.TreeMap<>();
            Matcher m = STAMPED.matcher(output);
            while (m.find()) {
                out.put(Integer.parseInt(m.group(2)), Double.parseDouble(m.group(1)) - Double.parseDouble(m.group(3)) / 1000);
            }
            return out;
        }

        /**
         * When ping {@code seq} was sent (seconds since the epoch), also for one that got no
         * answer: from the nearest answered one and the interval; NaN if none was answered.
         */
        public double sendTime(int seq, double intervalSec) {
            java.util.NavigableMap<Integer, Double> sent = sendTimes();
            java.util.Map.Entry<Integer, Double> near = sent.floorEntry(seq);
            if (near == null) {
                near = sent.ceilingEntry(seq);
            }
            return near == null ? Double.NaN : near.getValue() + (seq - near.getKey()) * intervalSec;
        }
    }

    /** Pings {@code to} {@code count} times every {@code intervalSec}, with payload {@code size} and DF set. */
    public PingResult ping(Vm to, int count, double intervalSec, int size) {
        List<String> cmd = List.of("ip", "netns", "exec", ns, "ping", "-n", "-q", "-c", Integer.toString(count),
                "-i", Double.toString(intervalSec), "-W", "1", "-s", Integer.toString(size), "-M", "do", to.ip);
        Sh.Result r = Sh.run(30 + (long) (count * (intervalSec + 1)), cmd);
        return parsePing(r.out());
    }

    public PingResult ping(Vm to, int count) {
        return ping(to, count, 0.2, 56);
    }

    /** Reads the summary of a ping run. */
    public static PingResult parsePing(String out) {
        Matcher m = PING.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("cannot read ping's summary:\n" + out);
        }
        Matcher rtt = RTT.matcher(out);
        double avg = Double.NaN;
        double max = Double.NaN;
        if (rtt.find()) {
            avg = Double.parseDouble(rtt.group(2));
            max = Double.parseDouble(rtt.group(3));
        }
        return new PingResult(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), avg, max, out);
    }

    /** A ping running in the background, e.g. while the overlay changes. */
    public final class BackgroundPing {
        private final Process process;
        private final Path log;

        BackgroundPing(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        /** Waits for the run to end and returns its summary. */
        public PingResult await(long timeoutSeconds) throws IOException, InterruptedException {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            return parsePing(Files.readString(log));
        }
    }

    public BackgroundPing pingInBackground(Vm to, int count, double intervalSec) throws IOException {
        Path log = fabric.workDir().resolve("ping-" + name + "-" + to.name + "-" + System.nanoTime() + ".log");
        Process p = fabric.spawn(ns, List.of("ping", "-n", "-c", Integer.toString(count), "-i",
                Double.toString(intervalSec), "-W", "1", to.ip), log);
        return new BackgroundPing(p, log);
    }

    /**
     * As {@link #pingInBackground}, with the time of each answer printed (ping -D), so that
     * {@link PingResult#sendTime} can tell when a lost ping was sent.
     */
    public BackgroundPing pingInBackgroundTimed(Vm to, int count, double intervalSec) throws IOException {
        Path log = fabric.workDir().resolve("ping-" + name + "-" + to.name + "-" + System.nanoTime() + ".log");
        Process p = fabric.spawn(ns, List.of("ping", "-D", "-n", "-c", Integer.toString(count), "-i",
                Double.toString(intervalSec), "-W", "1", to.ip), log);
        return new BackgroundPing(p, log);
    }

    /** The MAC address this VM's kernel resolved for {@code other}'s IP (ARP), or null. */
    public String neighbourMac(Vm other) {
        Sh.Result r = Sh.run("ip", "-n", ns, "neigh", "show", other.ip, "dev", "eth0");
        Matcher m = Pattern.compile("lladdr ([0-9a-f:]{17})").matcher(r.out());
        return m.find() ? m.group(1) : null;
    }

    /** Result of an iperf3 TCP run: bytes the receiver got, sender's bytes, receiver's bits/s. */
    public record IperfResult(long bytesReceived, long bytesSent, double bitsPerSecond, int retransmits, JsonNode json) {
    }

    /** Runs an iperf3 TCP test from this VM to {@code server} for {@code seconds} with {@code streams} streams. */
    public IperfResult iperf(Vm server, int seconds, int streams) throws IOException, InterruptedException {
        // a fresh port per run, so that nothing of an earlier run's server can answer
        int port = 5201 + java.util.concurrent.ThreadLocalRandom.current().nextInt(1000);
        Path srvLog = fabric.workDir().resolve("iperf3-server-" + server.name + "-" + System.nanoTime() + ".log");
        Process srv = fabric.spawn(server.ns, List.of("iperf3", "-s", "-1", "-B", server.ip, "-p", Integer.toString(port)),
                srvLog);
        try {
            // start the client only once the server listens (it can take a while when the kernel is
            // busy tearing down an earlier fabric's namespaces)
            long deadline = System.currentTimeMillis() + 20_000;
            while (!Sh.run("ip", "netns", "exec", server.ns, "ss", "-Htln", "sport", "= :" + port).out().contains(":" + port)) {
                if (!srv.isAlive() || System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("iperf3 server in " + server.name + " did not listen on port " + port
                            + " (" + (srv.isAlive() ? "still starting after 20 s" : "exited " + srv.exitValue()) + "): "
                            + Files.readString(srvLog));
                }
                Thread.sleep(50);
            }
            Sh.Result r = Sh.run(seconds + 30L, List.of("ip", "netns", "exec", ns, "iperf3", "-J", "-c", server.ip,
                    "-p", Integer.toString(port), "-t", Integer.toString(seconds), "-P", Integer.toString(streams)));
            JsonNode j = Json.MAPPER.readTree(r.out());
            if (!r.ok() || j.has("error")) {
                throw new IllegalStateException("iperf3 from " + name + " to " + server.name + " failed: "
                        + j.path("error").asText(r.out()) + "; server " + (srv.isAlive() ? "running" : "exited "
                        + srv.exitValue()) + ", its output: " + Files.readString(srvLog));
            }
            JsonNode end = j.path("end");
            return new IperfResult(end.path("sum_received").path("bytes").asLong(),
                    end.path("sum_sent").path("bytes").asLong(),
                    end.path("sum_received").path("bits_per_second").asDouble(),
                    end.path("sum_sent").path("retransmits").asInt(), j);
        } finally {
            ProcessUtil.stop(srv.toHandle());
        }
    }

    @Override
    public String toString() {
        return name + " (" + ip + ", " + mac + " on " + host.name() + ")";
    }
}
