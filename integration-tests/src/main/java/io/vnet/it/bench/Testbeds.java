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

/**
 * Builds each row's network on a fresh fabric: two hosts (ha, hb) on the underlay (MTU 1500),
 * VM va on ha and VM vb on hb, both with the row's MTU on bridge br100, and whatever joins the
 * two bridges. The direct row has no tunnel: both VMs hang off the same bridge.
 */
final class Testbeds {
    static final int VNI = 100;

    private Testbeds() {
    }

    static Testbed build(Fabric fabric, Transport t, int mtu) throws IOException, InterruptedException {
        return switch (t) {
            case DIRECT -> direct(fabric, mtu);
            case KERNEL_VXLAN -> kernelVxlan(fabric, mtu);
            case TINC -> tinc(fabric, mtu, true);
            case TINC_PLAIN -> tinc(fabric, mtu, false);
            case AGENT_TCP, AGENT_TLS, AGENT_VXLAN -> agents(fabric, t, mtu);
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

    private static Testbed kernelVxlan(Fabric fabric, int mtu) {
        Host a = fabric.addHost("ha");
        Host b = fabric.addHost("hb");
        Vm va = fabric.addVm(a, "va", VNI, mtu);
        Vm vb = fabric.addVm(b, "vb", VNI, mtu);
        List<String> setup = new ArrayList<>();
        for (Host[] h : new Host[][] {{a, b}, {b, a}}) {
            Host self = h[0];
            Host peer = h[1];
            String dev = "vx" + VNI;
            List<String> add = List.of("ip", "link", "add", dev, "mtu", Integer.toString(mtu), "type", "vxlan", "id",
                    Integer.toString(VNI), "remote", peer.ip(), "local", self.ip(), "dstport",
                    Integer.toString(AgentConfigBuilder.VXLAN_PORT));
            inNs(self, add);
            inNs(self, List.of("ip", "link", "set", dev, "master", Host.bridgeName(VNI), "up"));
            // Between namespaces a veth never completes a checksum left to offload, so the
            // encapsulated frames would carry unfinished inner checksums; a real NIC finishes
            // them on the way out, and this makes the underlay port do the same (as in VxlanIT).
            inNs(self, List.of("ethtool", "-K", "eth0", "tx", "off"));
            setup.add(self.name() + ": `" + String.join(" ", add) + "`, `ip link set " + dev + " master br" + VNI
                    + " up`, `ethtool -K eth0 tx off`");
        }
        return new Testbed(Transport.KERNEL_VXLAN, mtu, va, vb, List.of(), devices(va, a, "vx" + VNI), setup);
    }

    private static Testbed tinc(Fabric fabric, int mtu, boolean crypto) throws IOException {
        Host a = fabric.addHost("ha");
        Host b = fabric.addHost("hb");
        Vm va = fabric.addVm(a, "va", VNI, mtu);
        Vm vb = fabric.addVm(b, "vb", VNI, mtu);
        TincPair tinc = TincPair.start(fabric, a, b, VNI, mtu, crypto);
        return new Testbed(crypto ? Transport.TINC : Transport.TINC_PLAIN, mtu, va, vb, tinc.pids(),
                devices(va, a, TincPair.tapName(VNI)), tinc.setup());
    }

    private static Testbed agents(Fabric fabric, Transport t, int mtu) throws IOException, InterruptedException {
        Host a = fabric.addHost("ha");
        Host b = fabric.addHost("hb");
        Vm va = fabric.addVm(a, "va", VNI, mtu);
        Vm vb = fabric.addVm(b, "vb", VNI, mtu);
        AgentConfigBuilder ca = forHost(a).network(VNI, mtu);
        AgentConfigBuilder cb = forHost(b).network(VNI, mtu);
        String link;
        if (t == Transport.AGENT_VXLAN) {
            link = null;
            ca.vxlanListen(a).vxlan("vx-b", b, true);
            cb.vxlanListen(b).vxlan("vx-a", a, true);
        } else {
            link = "to-b";
            ca.dial(link, b, true);
            cb.accept("to-a", a.name(), true);
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
        AgentProcess agentB = fabric.startAgent(b, cb.build());
        AgentProcess agentA = fabric.startAgent(a, ca.build());
        if (link != null) {
            agentA.awaitLinkUp(link, 15_000);
        }
        List<String> setup = List.of("ha: `" + oneLine(agentA) + "`", "hb: `" + oneLine(agentB) + "`",
                "each agent: `host-agent/bin/vnet-agent --config F` (JVM options: "
                        + System.getenv().getOrDefault("VNET_JAVA_OPTS", "-Xms64m -Xmx256m") + ")");
        return new Testbed(t, mtu, va, vb, List.of(agentA.pid(), agentB.pid()), devices(va, a, Host.tapName(VNI)), setup);
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

    private static List<Testbed.Device> devices(Vm va, Host a, String hostDevice) {
        return List.of(new Testbed.Device("VM", va.ns(), "eth0"), new Testbed.Device("host", a.ns(), hostDevice),
                new Testbed.Device("underlay", a.ns(), "eth0"));
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
