package io.vnet.it.fabric;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A test host: a namespace on the underlay, with one bridge per tenant network. */
public final class Host {
    private final Fabric fabric;
    private final String name;
    private final String ns;
    private final String ip;
    private final String underlayPort;
    private final Set<Integer> bridges = new HashSet<>();

    Host(Fabric fabric, String name, String ns, String ip, String underlayPort) {
        this.fabric = fabric;
        this.name = name;
        this.ns = ns;
        this.ip = ip;
        this.underlayPort = underlayPort;
    }

    public String name() {
        return name;
    }

    public String ns() {
        return ns;
    }

    /** The host's underlay address. */
    public String ip() {
        return ip;
    }

    /** The underlay switch's port towards this host (in the underlay namespace), for tc. */
    public String underlayPort() {
        return underlayPort;
    }

    /**
     * Shapes this host's underlay uplink to {@code bitsPerSecond} in both directions with a
     * token bucket (tc tbf): upload as the egress of {@code eth0} in the host's namespace,
     * download as the egress of {@link #underlayPort()} in the underlay's. The bucket holds
     * 4 ms of the rate (rate / 250, the rule of thumb for HZ 250), but at least two 64 KiB
     * segments, so that GSO packets pass whole; the queue holds 50 ms of the rate. Replaces
     * any earlier shaping. Returns the two commands, for a benchmark's report.
     */
    public List<String> shapeUplink(long bitsPerSecond) {
        if (bitsPerSecond <= 0) {
            throw new IllegalArgumentException("uplink rate " + bitsPerSecond + " bit/s: must be > 0");
        }
        long burst = Math.max(bitsPerSecond / 8 / 250, 2 * 65_536);
        List<String> tbf = List.of("root", "tbf", "rate", bitsPerSecond + "bit", "burst", Long.toString(burst),
                "latency", "50ms");
        List<String> up = new ArrayList<>(List.of("tc", "-n", ns, "qdisc", "replace", "dev", "eth0"));
        up.addAll(tbf);
        List<String> down = new ArrayList<>(List.of("tc", "-n", fabric.underlayNamespace(), "qdisc", "replace", "dev",
                underlayPort));
        down.addAll(tbf);
        Sh.must(up.toArray(String[]::new));
        Sh.must(down.toArray(String[]::new));
        return List.of(String.join(" ", up), String.join(" ", down));
    }

    /** Removes the shaping of {@link #shapeUplink(long)}, if any. */
    public void unshapeUplink() {
        Sh.run("tc", "-n", ns, "qdisc", "del", "dev", "eth0", "root");
        Sh.run("tc", "-n", fabric.underlayNamespace(), "qdisc", "del", "dev", underlayPort, "root");
    }

    /** {@code tc -s qdisc} of the uplink, upload side then download side (bytes sent, drops, overlimits). */
    public String uplinkQdiscStats() {
        return Sh.run("tc", "-n", ns, "-s", "qdisc", "show", "dev", "eth0").out().strip() + "\n"
                + Sh.run("tc", "-n", fabric.underlayNamespace(), "-s", "qdisc", "show", "dev", underlayPort).out().strip();
    }

    public static String bridgeName(int vni) {
        return "br" + vni;
    }

    public static String tapName(int vni) {
        return "vnet" + vni;
    }

    /**
     * Creates the bridge of network {@code vni} (br&lt;vni&gt;) unless it exists already, also when
     * this host's agent made it for its TAP; returns its name.
     */
    synchronized String ensureBridge(int vni, int mtu) {
        String br = bridgeName(vni);
        if (bridges.add(vni) && !Sh.run("ip", "-n", ns, "link", "show", br).ok()) {
            Sh.must("ip", "-n", ns, "link", "add", br, "mtu", Integer.toString(mtu), "type", "bridge");
            Sh.must("ip", "-n", ns, "link", "set", br, "up");
        }
        return br;
    }

    Fabric fabric() {
        return fabric;
    }

    @Override
    public String toString() {
        return name + " (" + ns + ", " + ip + ")";
    }
}
