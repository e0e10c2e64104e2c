package io.vnet.it.fabric;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;

/**
 * Builds an agent configuration file for a test host. A link carries the networks the test names
 * (the {@code vnis} arguments); named none, it carries every network of this configuration. The
 * agent uses mutual TLS with the fabric's certificates ({@link Fabric#certs}) unless the test
 * names other ones ({@link #tls}) or says {@link #insecure()}; a VXLAN link is marked
 * unauthenticated (VXLAN cannot be authenticated).
 */
public final class AgentConfigBuilder {
    public static final int LINK_PORT = 5800;
    public static final int VXLAN_PORT = 4789;
    /**
     * The data plane tests' second run ({@code -Dvnet.it.kernelPath=true}, issue 16 item 7): every
     * link a test dials or accepts becomes a VXLAN link on the kernel path, on the port
     * {@link #kernelPort} gives the pair of hosts, so that the same test checks the same
     * forwarding semantics on both paths.
     */
    public static final boolean KERNEL_PATH = Boolean.getBoolean("vnet.it.kernelPath");
    /**
     * {@code -Dvnet.it.eventLoops=N}: every agent a test starts runs N event loops (its
     * {@code "eventLoops"}, unless the test sets one), so that a run checks the same semantics
     * with several loops, and so multi-queue TAPs; unset, the agents keep their default.
     */
    public static final Integer EVENT_LOOPS = Integer.getInteger("vnet.it.eventLoops");
    /** The first port of the kernel links {@link #KERNEL_PATH} makes (above the manager's, from 4900). */
    static final int KERNEL_PORT_BASE = 6000;

    private final ObjectNode root = Json.object();
    private final ArrayNode networks = root.putArray("networks");
    private final ArrayNode links = root.putArray("links");
    private final ArrayNode rules = root.putArray("rules");

    private final Host host;
    private String tenant;
    private java.nio.file.Path revoked;

    private AgentConfigBuilder(Host host) {
        this.host = host;
        root.put("hostId", host.name()).put("role", "host").put("listen", host.ip() + ":" + LINK_PORT);
    }

    public static AgentConfigBuilder forHost(Host host) {
        return new AgentConfigBuilder(host);
    }

    public AgentConfigBuilder role(String role) {
        root.put("role", role);
        return this;
    }

    /**
     * A proxy's tenant, which the fabric's certificate for it names (default {@code t-HOST}); the
     * manager lets it carry that tenant's networks only if its {@code "tenants"} section says so.
     */
    public AgentConfigBuilder tenant(String tenant) {
        this.tenant = tenant;
        return this;
    }

    /** The tenant a proxy's certificate names: {@link #tenant} or {@code t-HOST}. */
    public static String defaultTenant(Host host) {
        return "t-" + host.name();
    }

    /** A tenant network with the agent's TAP vnet&lt;vni&gt; on bridge br&lt;vni&gt;. */
    public AgentConfigBuilder network(int vni, int mtu) {
        networks.addObject().put("vni", vni).put("tap", Host.tapName(vni)).put("bridge", Host.bridgeName(vni)).put("mtu", mtu);
        return this;
    }

    /** A tenant network carried in transit only: no TAP, no bridge. */
    public AgentConfigBuilder transit(int vni, int mtu) {
        networks.addObject().put("vni", vni).put("mtu", mtu);
        return this;
    }

    /** A proxy's LAN device (pcap) for network {@code vni}, which {@link #transit} or {@link #network} lists. */
    public AgentConfigBuilder lan(int vni, String device) {
        root.withArray("lan").addObject().put("vni", vni).put("device", device);
        return this;
    }

    /** Accepts no links (no listen address), as a proxy behind NAT: it only dials out. */
    public AgentConfigBuilder noListen() {
        root.remove("listen");
        return this;
    }

    public AgentConfigBuilder dial(String id, Host peer, boolean flood, int... vnis) {
        if (KERNEL_PATH) {
            return kernelLink(id, peer, flood, vnis);
        }
        carrying(links.addObject().put("id", id).put("peer", peer.name()).put("connect", peer.ip() + ":" + LINK_PORT)
                .put("flood", flood), vnis);
        return this;
    }

    private static void carrying(ObjectNode link, int[] vnis) {
        if (vnis.length > 0) {
            ArrayNode a = link.putArray("vnis");
            for (int v : vnis) {
                a.add(v);
            }
        }
    }

    /** A VXLAN link to {@code peer}'s VXLAN endpoint on the underlay (port 4789). */
    public AgentConfigBuilder vxlan(String id, Host peer, boolean flood, int... vnis) {
        carrying(links.addObject().put("id", id).put("peer", peer.name()).put("transport", "vxlan")
                .put("connect", peer.ip() + ":" + VXLAN_PORT).put("flood", flood).put("unauthenticated", true), vnis);
        return this;
    }

    /**
     * A VXLAN link to {@code peer} on UDP port {@code port}, which both ends of the link use: on the
     * kernel path ({@code kernelPath}) each link of a host needs a port of its own.
     */
    public AgentConfigBuilder vxlan(String id, Host peer, int port, boolean flood, int... vnis) {
        carrying(links.addObject().put("id", id).put("peer", peer.name()).put("transport", "vxlan")
                .put("connect", peer.ip() + ":" + port).put("flood", flood).put("unauthenticated", true), vnis);
        return this;
    }

    /** A link of {@link #KERNEL_PATH}'s run: a VXLAN link on the kernel path to {@code peer}. */
    private AgentConfigBuilder kernelLink(String id, Host peer, boolean flood, int... vnis) {
        vxlanListen(host).flag("kernelPath", true);
        return vxlan(id, peer, kernelPort(host, peer), flood, vnis);
    }

    /** One UDP port per pair of hosts, the same from both ends, different for each of a host's peers. */
    static int kernelPort(Host a, Host b) {
        int x = lastOctet(a);
        int y = lastOctet(b);
        return KERNEL_PORT_BASE + Math.min(x, y) * 64 + Math.max(x, y);
    }

    private static int lastOctet(Host h) {
        int n = Integer.parseInt(h.ip().substring(h.ip().lastIndexOf('.') + 1));
        if (n >= 64) {
            throw new IllegalStateException("the kernel path's test ports take hosts 10.250.0.1-63, not " + h.ip());
        }
        return n;
    }

    /** Opens this host's VXLAN socket on its underlay address. */
    public AgentConfigBuilder vxlanListen(Host self) {
        root.put("vxlanListen", self.ip() + ":" + VXLAN_PORT);
        return this;
    }

    /** Mutual TLS on TCP links, with the CA of {@code dir} and the certificate and key made for {@code certName}. */
    public AgentConfigBuilder tls(java.nio.file.Path dir, String certName) {
        root.putObject("tls").put("ca", dir.resolve("ca.pem").toString())
                .put("cert", dir.resolve(certName + ".pem").toString()).put("key", dir.resolve(certName + ".key").toString());
        return this;
    }

    /** The deny list of revoked certificates ({@code tls.revoked}), which the agent re-reads every second. */
    public AgentConfigBuilder revoked(java.nio.file.Path file) {
        this.revoked = file;
        return this;
    }

    /**
     * No TLS and no authentication ({@code "insecure": true}), for a test about plain TCP. With a
     * manager the agent then needs an enrolment token ({@link #enrolmentToken}).
     */
    public AgentConfigBuilder insecure() {
        root.remove("tls");
        root.put("insecure", true);
        return this;
    }

    /** Without TLS: the file that holds the enrolment token the manager gave this host. */
    public AgentConfigBuilder enrolmentToken(java.nio.file.Path file) {
        root.put("enrolmentTokenFile", file.toString());
        return this;
    }

    public AgentConfigBuilder accept(String id, String peerHost, boolean flood, int... vnis) {
        if (KERNEL_PATH) {
            return kernelLink(id, host.fabric().host(peerHost), flood, vnis);
        }
        carrying(links.addObject().put("id", id).put("peer", peerHost).put("flood", flood), vnis);
        return this;
    }

    public AgentConfigBuilder rule(int vni, String src, String dst, String to) {
        rules.addObject().put("vni", vni).put("src", src).put("dst", dst).put("to", to);
        return this;
    }

    /** Registers with the manager and reports every {@code reportMs}. */
    public AgentConfigBuilder manager(ManagerProcess manager, int reportMs) {
        root.put("manager", manager.agentAddress()).put("reportIntervalMs", reportMs);
        return this;
    }

    /** The managers of a cluster, all of them (the agent stays with one and moves on when it is away). */
    public AgentConfigBuilder managers(java.util.List<ManagerProcess> managers, int reportMs) {
        com.fasterxml.jackson.databind.node.ArrayNode a = root.putArray("manager");
        managers.forEach(m -> a.add(m.agentAddress()));
        root.put("reportIntervalMs", reportMs);
        return this;
    }

    /** The host this configuration is for. */
    public Host host() {
        return host;
    }

    /** Follows the domains of the libvirt daemon at {@code uri}, re-listing them every {@code resyncMs}. */
    public AgentConfigBuilder libvirt(String uri, int resyncMs) {
        root.putObject("libvirt").put("uri", uri).put("resyncMs", resyncMs);
        return this;
    }

    /** Names test VM {@code vm} (on this host, one NIC) in the file's {@code vms}: registered and owned here. */
    public AgentConfigBuilder vm(Vm vm) {
        ArrayNode vms = root.has("vms") ? (ArrayNode) root.get("vms") : root.putArray("vms");
        vms.addObject().put("name", vm.name()).putArray("nics").addObject().put("vni", vm.vni()).put("mac", vm.mac());
        return this;
    }

    public AgentConfigBuilder flag(String field, boolean value) {
        root.put(field, value);
        return this;
    }

    /** A new host that joins with a one-time token instead of certificates it was given ({@code "enrolment"}). */
    public AgentConfigBuilder enrolment(java.nio.file.Path tokenFile, java.nio.file.Path dir) {
        root.putObject("enrolment").put("tokenFile", tokenFile.toString()).put("dir", dir.toString());
        return this;
    }

    public AgentConfigBuilder text(String field, String value) {
        root.put(field, value);
        return this;
    }

    public AgentConfigBuilder set(String field, int value) {
        root.put(field, value);
        return this;
    }

    public ObjectNode build() {
        if (!root.has("tls") && !root.has("insecure") && !root.has("enrolment")) {
            boolean proxy = root.path("role").asText().equals("proxy");
            tls(proxy ? host.fabric().certs(host.name(), "proxy", tenant != null ? tenant : defaultTenant(host))
                    : host.fabric().certs(host.name()), host.name());
        }
        if (revoked != null && root.has("tls")) {
            ((ObjectNode) root.get("tls")).put("revoked", revoked.toString());
        }
        ObjectNode out = root.deepCopy();
        if (EVENT_LOOPS != null && !out.has("eventLoops")) {
            out.put("eventLoops", EVENT_LOOPS);
        }
        for (com.fasterxml.jackson.databind.JsonNode l : out.path("links")) {
            if (!l.has("vnis")) {
                ArrayNode a = ((ObjectNode) l).putArray("vnis");
                out.path("networks").forEach(n -> a.add(n.path("vni").asInt()));
            }
        }
        return out;
    }
}
