package io.vnet.it.bench;

import static io.vnet.it.fabric.AgentConfigBuilder.forHost;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.it.fabric.AgentConfigBuilder;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds each row's network on a fresh fabric: two hosts (ha, hb) on the underlay (MTU 1500),
 * VM va on ha and VM vb on hb, both with the row's MTU on bridge br100, and whatever joins the
 * two bridges. The direct row has no tunnel: both VMs hang off the same bridge. Every peer runs
 * as its users run it: nothing here changes a device's offloads.
 */
public final class Testbeds {
    public static final int VNI = 100;
    /** What VXLAN adds to a frame over IPv4: outer IP 20, UDP 8, VXLAN 8, inner Ethernet 14. */
    public static final int VXLAN_OVERHEAD = 50;

    /**
     * The agents' settings a benchmark run may change from their defaults, to compare:
     * {@code -Dvnet.bench.realtimePriority=N} (0: normal scheduling; the default is 1) and
     * {@code -Dvnet.bench.eventLoops=N} (the default is 1) and {@code -Dvnet.bench.linkLanes=N} (the
     * default is 1).
     */
    public static AgentConfigBuilder benchSettings(AgentConfigBuilder b) {
        for (String field : new String[] {"realtimePriority", "eventLoops", "linkLanes"}) {
            Integer v = Integer.getInteger("vnet.bench." + field);
            if (v != null) {
                b.set(field, v);
            }
        }
        return b;
    }

    private Testbeds() {
    }

    /**
     * An agent row's network with both agents' handles (ha dials link {@link #LINK_A} to hb, hb
     * accepts it as {@link #LINK_B}), for benchmarks that read the agents' stats.
     */
    public record Agents(Testbed bed, AgentProcess ha, AgentProcess hb) {
    }

    /** The link ids of the agent rows: ha's dialling link and hb's accepting one. */
    public static final String LINK_A = "to-b";
    public static final String LINK_B = "to-a";

    /**
     * As {@link #build} for an agent row over TCP or TLS links, with agent settings (e.g.
     * {@code eventLoops}, {@code linkLanes}) set in both agents' configurations after
     * {@link #benchSettings}, so they win over the {@code -Dvnet.bench.*} properties.
     */
    public static Agents buildAgents(Fabric fabric, Transport t, int mtu, Map<String, Integer> settings)
            throws IOException, InterruptedException {
        if (t != Transport.AGENT_TCP && t != Transport.AGENT_TLS) {
            throw new IllegalArgumentException("buildAgents: a TCP or TLS agent row, not " + t);
        }
        return agentsWith(fabric, t, mtu, settings);
    }

    public static Testbed build(Fabric fabric, Transport t, int mtu) throws IOException, InterruptedException {
        return switch (t) {
            case DIRECT -> direct(fabric, mtu);
            case KERNEL_VXLAN -> kernelVxlan(fabric, mtu);
            case VXLAN_WIREGUARD -> kernelVxlanOverWireguard(fabric, Math.min(mtu, WireguardPair.MTU - VXLAN_OVERHEAD));
            case TINC -> tinc(fabric, mtu, true);
            case TINC_PLAIN -> tinc(fabric, mtu, false);
            case AGENT_TCP, AGENT_TLS, AGENT_VXLAN, AGENT_KERNEL -> agents(fabric, t, mtu);
        };
    }

    private static Testbed direct(Fabric fabric, int mtu) {
        Host a = fabric.addHost("ha");
        Vm va = fabric.addVm(a, "va", VNI, mtu);
        Vm vb = fabric.addVm(a, "vb", VNI, mtu);
        return new Testbed(Transport.DIRECT, mtu, va, vb, List.of(),
                List.of(new Testbed.Device("VM", va.ns(), "eth0"), new Testbed.Device("ha", a.ns(), "vva")),
                List.of("va and vb on one host: VM veth - bridge br100 - VM veth, no tunnel"));
    }

    /** Kernel VXLAN between the hosts' underlay addresses, as {@code ip link} makes it: no other setting anywhere. */
    private static Testbed kernelVxlan(Fabric fabric, int mtu) {
        Host a = fabric.addHost("ha");
        Host b = fabric.addHost("hb");
        Vm va = fabric.addVm(a, "va", VNI, mtu);
        Vm vb = fabric.addVm(b, "vb", VNI, mtu);
        List<String> setup = new ArrayList<>();
        setup.add(vxlan(a, a.ip(), b.ip(), mtu));
        setup.add(vxlan(b, b.ip(), a.ip(), mtu));
        return new Testbed(Transport.KERNEL_VXLAN, mtu, va, vb, List.of(), devices(va, a, "vx" + VNI, "eth0"), setup);
    }

    /**
     * Kernel VXLAN carried over a WireGuard tunnel in user space (wireguard-go): the encrypted
     * layer-2 overlay built from stock parts, at the largest VM MTU that fits both encapsulations.
     */
    private static Testbed kernelVxlanOverWireguard(Fabric fabric, int mtu) throws IOException {
        Host a = fabric.addHost("ha");
        Host b = fabric.addHost("hb");
        Vm va = fabric.addVm(a, "va", VNI, mtu);
        Vm vb = fabric.addVm(b, "vb", VNI, mtu);
        WireguardPair wg = WireguardPair.start(fabric, a, b);
        List<String> setup = new ArrayList<>(wg.setup());
        setup.add(vxlan(a, WireguardPair.address(1), WireguardPair.address(2), mtu));
        setup.add(vxlan(b, WireguardPair.address(2), WireguardPair.address(1), mtu));
        return new Testbed(Transport.VXLAN_WIREGUARD, mtu, va, vb, wg.pids(), devices(va, a, "vx" + VNI, wg.deviceA()),
                setup);
    }

    /** Makes {@code self}'s kernel VXLAN device from {@code local} to {@code remote} on the VMs' bridge; returns how. */
    private static String vxlan(Host self, String local, String remote, int mtu) {
        String dev = "vx" + VNI;
        List<String> add = List.of("ip", "link", "add", dev, "mtu", Integer.toString(mtu), "type", "vxlan", "id",
                Integer.toString(VNI), "remote", remote, "local", local, "dstport",
                Integer.toString(AgentConfigBuilder.VXLAN_PORT));
        inNs(self, add);
        inNs(self, List.of("ip", "link", "set", dev, "master", Host.bridgeName(VNI), "up"));
        return self.name() + ": `" + String.join(" ", add) + "`, `ip link set " + dev + " master br" + VNI + " up`";
    }

    private static Testbed tinc(Fabric fabric, int mtu, boolean crypto) throws IOException {
        Host a = fabric.addHost("ha");
        Host b = fabric.addHost("hb");
        Vm va = fabric.addVm(a, "va", VNI, mtu);
        Vm vb = fabric.addVm(b, "vb", VNI, mtu);
        TincPair tinc = TincPair.start(fabric, a, b, VNI, mtu, crypto);
        return new Testbed(crypto ? Transport.TINC : Transport.TINC_PLAIN, mtu, va, vb, tinc.pids(),
                devices(va, a, TincPair.tapName(VNI), "eth0"), tinc.setup());
    }

    private static Testbed agents(Fabric fabric, Transport t, int mtu) throws IOException, InterruptedException {
        return agentsWith(fabric, t, mtu, Map.of()).bed();
    }

    private static Agents agentsWith(Fabric fabric, Transport t, int mtu, Map<String, Integer> settings)
            throws IOException, InterruptedException {
        Host a = fabric.addHost("ha");
        Host b = fabric.addHost("hb");
        Vm va = fabric.addVm(a, "va", VNI, mtu);
        Vm vb = fabric.addVm(b, "vb", VNI, mtu);
        AgentConfigBuilder ca = forHost(a).network(VNI, mtu);
        AgentConfigBuilder cb = forHost(b).network(VNI, mtu);
        String link;
        if (t == Transport.AGENT_VXLAN || t == Transport.AGENT_KERNEL) {
            link = null;
            ca.vxlanListen(a).vxlan("vx-b", b, true);
            cb.vxlanListen(b).vxlan("vx-a", a, true);
            if (t == Transport.AGENT_KERNEL) {
                ca.flag("kernelPath", true);
                cb.flag("kernelPath", true);
            }
        } else {
            link = LINK_A;
            ca.dial(link, b, true);
            cb.accept(LINK_B, a.name(), true);
            if (t == Transport.AGENT_TLS) {
                Path certs = fabric.workDir().resolve("certs");
                Sh.Result r = Sh.run(60, List.of(fabric.repoDir().resolve("scripts/vnet-certs.sh").toString(),
                        certs.toString(), a.name(), b.name()));
                if (!r.ok()) {
                    throw new IllegalStateException("scripts/vnet-certs.sh failed: " + r.out());
                }
                ca.tls(certs, a.name());
                cb.tls(certs, b.name());
            } else {
                ca.insecure(); // the benchmark compares plain TCP with its peers: no TLS on that row
                cb.insecure();
            }
        }
        benchSettings(ca);
        benchSettings(cb);
        settings.forEach((field, value) -> {
            ca.set(field, value);
            cb.set(field, value);
        });
        AgentProcess agentB = fabric.startAgent(b, cb.build());
        AgentProcess agentA = fabric.startAgent(a, ca.build());
        if (link != null) {
            agentA.awaitLinkUp(link, 15_000);
        }
        List<String> setup = List.of("ha: `" + oneLine(agentA) + "`", "hb: `" + oneLine(agentB) + "`",
                "each agent: `host-agent/bin/vnet-agent --config F` (JVM options: "
                        + System.getenv().getOrDefault("VNET_JAVA_OPTS", "-Xms64m -Xmx256m") + ")");
        return new Agents(new Testbed(t, mtu, va, vb, List.of(agentA.pid(), agentB.pid()),
                devices(va, a, Host.tapName(VNI), "eth0"), setup), agentA, agentB);
    }

    /** The agent's configuration on one line, without the paths that differ between runs. */
    private static String oneLine(AgentProcess agent) throws IOException {
        ObjectNode cfg = (ObjectNode) Json.MAPPER.readTree(agent.configFile().toFile());
        cfg.remove(List.of("control", "stateFile"));
        if (cfg.has("tls")) {
            cfg.put("tls", "{ca, cert, key} from scripts/vnet-certs.sh");
        }
        return cfg.toString();
    }

    private static List<Testbed.Device> devices(Vm va, Host a, String hostDevice, String underlay) {
        return List.of(new Testbed.Device("VM", va.ns(), "eth0"), new Testbed.Device("host", a.ns(), hostDevice),
                new Testbed.Device("underlay", a.ns(), underlay));
    }

    private static void inNs(Host h, List<String> cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", h.ns()));
        full.addAll(cmd);
        Sh.Result r = Sh.run(30, full);
        if (!r.ok()) {
            throw new IllegalStateException("failed in " + h.name() + ": " + String.join(" ", cmd) + "\n" + r.out());
        }
    }
}
