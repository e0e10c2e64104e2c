package io.vnet.it.fabric;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A tenant's home network, made of namespaces: a switch (bridge {@code home}) with a DHCP
 * server (Debian's dnsmasq, address {@value #SERVER_IP}, leases from {@value #RANGE_FROM} to
 * {@value #RANGE_TO}) and a home PC ({@value #PC_IP}). A proxy host is plugged in with
 * {@link #plug(Host)}: its LAN side is a plain veth ({@value #PROXY_DEVICE}, no address) that
 * the proxy's agent opens with pcap.
 *
 * <p>The server's and the PC's NICs compute their checksums in software ({@code ethtool -K
 * tx off}): a veth otherwise hands the packet socket UDP and TCP packets whose checksum the
 * receiver was to fill in, which a frame from a real wire never is.
 */
public final class HomeLan {
    public static final String SUBNET = "192.168.77";
    public static final String SERVER_IP = SUBNET + ".1";
    public static final String PC_IP = SUBNET + ".10";
    public static final String RANGE_FROM = SUBNET + ".100";
    public static final String RANGE_TO = SUBNET + ".150";
    /** The proxy host's device on the home LAN. */
    public static final String PROXY_DEVICE = "eth1";

    private final Fabric fabric;
    private final String switchNs;
    private final String serverNs;
    private final String pcNs;
    private final Path leases;
    private final Path serverLog;
    private Process server;

    HomeLan(Fabric fabric) {
        this.fabric = fabric;
        this.switchNs = fabric.netns("home");
        Sh.must("ip", "-n", switchNs, "link", "add", "home", "type", "bridge");
        Sh.must("ip", "-n", switchNs, "link", "set", "home", "up");
        this.serverNs = fabric.netns("dhcp");
        attach(serverNs, "hdhcp", SERVER_IP);
        this.pcNs = fabric.netns("pc");
        attach(pcNs, "hpc", PC_IP);
        this.leases = fabric.workDir().resolve("dnsmasq.leases");
        this.serverLog = fabric.workDir().resolve("dnsmasq.log");
    }

    private void attach(String ns, String switchPort, String ip) {
        Sh.must("ip", "link", "add", switchPort, "netns", switchNs, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Sh.must("ip", "-n", switchNs, "link", "set", switchPort, "master", "home", "up");
        Sh.must("ip", "-n", ns, "addr", "add", ip + "/24", "dev", "eth0");
        Sh.must("ip", "-n", ns, "link", "set", "eth0", "up");
        Sh.must("ip", "netns", "exec", ns, "ethtool", "-K", "eth0", "tx", "off");
    }

    /** Plugs {@code proxy} into the home switch: its device {@value #PROXY_DEVICE}, up, with no address. */
    public String plug(Host proxy) {
        String port = "hp" + proxy.name();
        Sh.must("ip", "link", "add", port, "netns", switchNs, "type", "veth", "peer", "name", PROXY_DEVICE,
                "netns", proxy.ns());
        Sh.must("ip", "-n", switchNs, "link", "set", port, "master", "home", "up");
        Sh.must("ip", "-n", proxy.ns(), "link", "set", PROXY_DEVICE, "up");
        return PROXY_DEVICE;
    }

    /**
     * Starts dnsmasq as the home LAN's DHCP server (no DNS), in the foreground so it is stopped
     * by pid with the fabric, with its lease file in the fabric's work directory. Waits until it
     * serves.
     */
    public void startDhcpServer() throws IOException {
        server = fabric.spawn(serverNs, List.of("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
                "--port=0", "--user=root", "--interface=eth0", "--bind-interfaces", "--dhcp-authoritative",
                "--dhcp-range=" + RANGE_FROM + "," + RANGE_TO + ",255.255.255.0,1h",
                "--dhcp-leasefile=" + leases, "--pid-file=" + fabric.workDir().resolve("dnsmasq.pid"),
                "--log-dhcp", "--log-facility=-"), serverLog);
        long deadline = System.currentTimeMillis() + 10_000;
        while (!serverLog().contains("DHCP, IP range")) {
            if (!server.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("dnsmasq did not start (" + (server.isAlive() ? "no DHCP range logged"
                        : "exited " + server.exitValue()) + "):\n" + serverLog());
            }
            sleep(50);
        }
    }

    /** dnsmasq's lease file: one line per lease, "expiry MAC IP hostname client-id". */
    public String leases() {
        return read(leases);
    }

    public Path leaseFile() {
        return leases;
    }

    public String serverLog() {
        return read(serverLog);
    }

    /** The home PC's namespace. */
    public String pcNs() {
        return pcNs;
    }

    /** Pings {@code ip} from the home PC. */
    public Vm.PingResult pingFromPc(String ip, int count) {
        return Vm.parsePing(Sh.run(30L + count, List.of("ip", "netns", "exec", pcNs, "ping", "-n", "-q", "-c",
                Integer.toString(count), "-i", "0.2", "-W", "1", ip)).out());
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "(cannot read " + p + ": " + e.getMessage() + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
