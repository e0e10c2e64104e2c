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
    private static final Pattern RTT = Pattern.compile("= ([\\d.]+)/([\\d.]+)/([\\d.]+)/([\\d.]+) ms");

    private final Fabric fabric;
    private final String name;
    private final String ns;
    private final Host host;
    private final int vni;
    private final String mac;
    private volatile String ip;

    Vm(Fabric fabric, String name, String ns, Host host, int vni, String mac, String ip) {
        this.fabric = fabric;
        this.name = name;
        this.ns = ns;
        this.host = host;
        this.vni = vni;
        this.mac = mac;
        this.ip = ip;
    }

    public String name() {
        return name;
    }

    public String ns() {
        return ns;
    }

    public Host host() {
        return host;
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
