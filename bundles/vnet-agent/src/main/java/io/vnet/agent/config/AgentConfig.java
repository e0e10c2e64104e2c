package io.vnet.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.protocol.Json;
import io.vnet.api.Endpoint;
import io.vnet.api.ForwardingRule;
import io.vnet.api.Ids;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.LanSpec;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.dataplane.DataPlaneConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An agent's configuration: enough to forward with no manager at all. The file is JSON:
 * <pre>
 * {
 *   "hostId": "host-a",  "role": "host",            // or "proxy"
 *   "listen": "0.0.0.0:5800",                       // accept links here (optional)
 *   "vxlanListen": "0.0.0.0:4789",                  // UDP endpoint of VXLAN links (optional)
 *   "tls": {"ca": "ca.pem", "cert": "host-a.pem", "key": "host-a.key",   // mutual TLS on TCP links and to the manager
 *           "revoked": "revoked.txt"},                // optional: the deny list, re-read every second
 *   "insecure": false,        // true: no tls, no authentication (refused at start unless said so)
 *   "enrolmentTokenFile": "enrolment-token",   // insecure with a manager: the token it gave this host
 *   "control": "/run/vnet/agent.sock",              // local control socket
 *   "networks": [ {"vni": 100, "tap": "vnet100", "bridge": "br100", "mtu": 1500} ],
 *   "lan":      [ {"vni": 100, "device": "eth1"} ],       // role proxy: bridge the home LAN with pcap
 *   "links":    [ {"id": "to-c", "peer": "host-c", "connect": "192.0.2.3:5800", "flood": true,
 *                  "vnis": [100]} ],                 // the networks the link carries (required); flood: true
 *                                                    // (all of them), false, or the VNIs it floods ([100])
 *   "rules":    [ {"vni": 100, "src": "any", "dst": "02:00:00:00:00:02", "to": "link:to-c"} ],
 *   "keepaliveMs": 2000, "backoffMinMs": 100, "backoffMaxMs": 5000, "maxMtu": 9000,
 *   "linkTimeoutMs": 6000,                          // a link silent this long is down (default 3 keepalives)
 *   "maxLearnedPerNetwork": 4096,                   // MAC learning's cap per network (and port)
 *   "manager": "192.0.2.10:5900",                   // optional: the manager to register with, or managers in a
 *                                                   // cluster: ["192.0.2.10:5900", "192.0.2.11:5900"] (it stays
 *                                                   // with one, and moves to the next when that one is away)
 *   "reportIntervalMs": 1000,                       // traffic reports to the manager
 *   "stateFile": "/var/lib/vnet/state.json",        // the manager's last desired state
 *   "managerId": "manager",                         // with tls: the CN of the manager's certificate
 *   "libvirt": {"uri": "qemu:///system", "resyncMs": 30000},  // follow this host's libvirt domains (optional)
 *   "attach": {"bridgePrefix": "vnbr", "tapPrefix": "vntap", "mtu": 1500}, // networks carried on demand
 *   "macHoldMs": 300000,      // a MAC learned on a local interface is held against links this long (0: off)
 *   "vms": [ {"name": "vm1", "uuid": "...", "nics": [{"vni": 100, "mac": "52:54:00:00:00:01"}]} ]
 *                             // VMs of this host that libvirt does not run (containers, tests): registered
 *                             // with the manager like libvirt's, and their addresses owned here
 *   "ownedSourcesOnly": true, // a VM's TAP may send only from the addresses of VMs registered here (in the
 *                             // networks that have any); false: from any address
 *   "metrics": "127.0.0.1:9477", // HTTP: /metrics (Prometheus), /healthz, /readyz; "off": none
 *   "enrolment": {"tokenFile": "enrolment-token", "dir": "pki"}  // instead of tls: a new host's one-time token
 * }
 * </pre>
 */
public record AgentConfig(Path file, String hostId, String role, Endpoint listen, Path control,
                          List<NetworkId> networks, List<InterfaceSpec> interfaces, List<LanSpec> lans,
                          List<LinkSpec> links,
                          List<ForwardingRule> rules, DataPlaneConfig dataPlane, List<Endpoint> managers,
                          int reportIntervalMs, Path stateFile, String managerId, Libvirt libvirt, Attach attach,
                          boolean insecure, String enrolmentToken, Duration macHold, List<Vm> vms,
                          boolean ownedSourcesOnly, Metrics metrics, Enrolment enrolment) {
    /** The most managers a host may list (a cluster's). */
    public static final int MAX_MANAGERS = 16;

    public AgentConfig {
        managers = List.copyOf(managers);
    }

    /** The first manager listed (the one enrolment spends its token with), or null when there is none. */
    public Endpoint manager() {
        return managers.isEmpty() ? null : managers.get(0);
    }

    /** {@code "manager"}: absent, one address, or a list of distinct addresses (a cluster's managers). */
    static List<Endpoint> managers(JsonNode m) {
        if (m == null || m.isNull()) {
            return List.of();
        }
        if (m.isTextual()) {
            return List.of(Json.field("", "manager", () -> Endpoint.parse(m.asText())));
        }
        if (!m.isArray() || m.isEmpty() || m.size() > MAX_MANAGERS) {
            throw new IllegalArgumentException("manager: expected HOST:PORT or a list of 1 to " + MAX_MANAGERS
                    + " of them");
        }
        List<Endpoint> out = new ArrayList<>();
        for (int i = 0; i < m.size(); i++) {
            JsonNode e = m.get(i);
            if (!e.isTextual()) {
                throw new IllegalArgumentException("manager[" + i + "]: expected HOST:PORT");
            }
            Endpoint ep = Json.field("", "manager[" + i + "]", () -> Endpoint.parse(e.asText()));
            if (out.contains(ep)) {
                throw new IllegalArgumentException("manager[" + i + "]: " + ep + " is listed twice");
            }
            out.add(ep);
        }
        return List.copyOf(out);
    }

    /** The default address of the metrics and health endpoint: loopback only. */
    public static final Endpoint DEFAULT_METRICS = new Endpoint("127.0.0.1", 9477);

    /**
     * Where the HTTP endpoint of {@code /metrics}, {@code /healthz} and {@code /readyz} listens
     * (null: nowhere, {@code "metrics": "off"}), and whether the file chose it: a chosen address
     * that cannot be bound stops the agent; the default one, taken by another daemon on the same
     * host, is only warned about.
     */
    public record Metrics(Endpoint listen, boolean chosen) {
    }

    /** The most VMs a file may list. */
    public static final int MAX_VMS = 4096;
    /** The most NICs one VM may have. */
    public static final int MAX_NICS = 64;
    /** The longest hold of a MAC learned on a local interface: the learning's own age. */
    public static final int MAX_MAC_HOLD_MS = 300_000;

    /** A VM of this host named in the file (one that libvirt does not run). */
    public record Vm(String uuid, String name, List<VmNic> nics) {
        public Vm {
            nics = List.copyOf(nics);
        }
    }

    /** A NIC of such a VM: its network and address. */
    public record VmNic(NetworkId network, io.vnet.api.MacAddress mac) {
    }

    /** Why a daemon without TLS does not start, and the two ways out. */
    public static final String NEEDS_TLS = "links and the manager channel are authenticated with mutual TLS: set"
            + " \"tls\": {\"ca\", \"cert\", \"key\"} (scripts/vnet-certs.sh DIR host HOST, or DIR proxy --tenant TENANT HOST, makes them), or \"insecure\": true"
            + " to run without authentication (anyone who reaches the link port could pose as a peer)";

    /** Following libvirt's domains: the daemon's URI and how often to re-list them. */
    public record Libvirt(String uri, int resyncMs) {
    }

    /**
     * How a network is carried on demand (the control op net-attach, which the libvirt and
     * CloudStack hooks call): bridge {@code bridgePrefix + vni}, TAP {@code tapPrefix + vni}.
     */
    public record Attach(String bridgePrefix, String tapPrefix, int mtu) {
        public String bridge(int vni) {
            return bridgePrefix + vni;
        }

        public String tap(int vni) {
            return tapPrefix + vni;
        }
    }

    public static final Path DEFAULT_CONTROL = Path.of("/run/vnet/vnet-agent.sock");
    private static final Set<String> TOP = Set.of("hostId", "role", "listen", "control", "networks", "links",
            "rules", "keepaliveMs", "linkTimeoutMs", "backoffMinMs", "backoffMaxMs", "maxMtu", "eventLoops", "linkLanes", "realtimePriority", "countPairs", "offloads",
            "maxLearnedPerNetwork", "insecure", "enrolmentTokenFile",
            "manager", "reportIntervalMs", "stateFile", "vxlanListen", "tls", "managerId", "lan", "libvirt", "attach",
            "macHoldMs", "vms", "ownedSourcesOnly", "kernelPath", "metrics", "enrolment");
    private static final Set<String> VM = Set.of("name", "uuid", "nics");
    private static final Set<String> VM_NIC = Set.of("vni", "mac");
    private static final Set<String> NETWORK = Set.of("vni", "tap", "bridge", "mtu");
    private static final Set<String> LAN = Set.of("vni", "device");
    private static final Set<String> LIBVIRT = Set.of("uri", "resyncMs");
    private static final Set<String> ATTACH = Set.of("bridgePrefix", "tapPrefix", "mtu");
    public static final String ROLE_PROXY = "proxy";

    public static AgentConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("config " + file + ": cannot read: " + e, e);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException("config " + file + ": not valid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ConfigException("config " + file + ": empty file, expected a JSON object", null);
        }
        try {
            return parse(file, root);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config " + file + ": " + e.getMessage(), e);
        }
    }

    static AgentConfig parse(Path file, JsonNode root) {
        Json.onlyFields(root, "", TOP);
        String hostIdText = Json.text(root, "", "hostId");
        String hostId = Json.field("", "hostId", () -> Ids.check("host id", hostIdText));
        String role = Json.optText(root, "", "role", "host");
        if (!role.equals("host") && !role.equals("proxy")) {
            throw new IllegalArgumentException("role: expected host or proxy, got '" + role + "'");
        }
        String listenText = Json.optText(root, "", "listen", null);
        Endpoint listen = listenText == null ? null : Json.field("", "listen", () -> Endpoint.parse(listenText));
        Path control = Path.of(Json.optText(root, "", "control", DEFAULT_CONTROL.toString()));
        String vxlanText = Json.optText(root, "", "vxlanListen", null);
        Endpoint vxlanListen = vxlanText == null ? null : Json.field("", "vxlanListen", () -> Endpoint.parse(vxlanText));

        List<NetworkId> networks = new ArrayList<>();
        Map<Integer, Integer> mtuOf = new HashMap<>();
        List<InterfaceSpec> interfaces = new ArrayList<>();
        int maxMtu = 1500;
        JsonNode nets = array(root, "networks");
        Set<Integer> seenVni = new HashSet<>();
        Set<String> seenTap = new HashSet<>();
        for (int i = 0; i < nets.size(); i++) {
            String p = "networks[" + i + "]";
            JsonNode n = nets.get(i);
            Json.onlyFields(n, p, NETWORK);
            NetworkId vni = NetworkId.of(Json.integer(n, p, "vni", 1, NetworkId.MAX_VNI, null));
            if (!seenVni.add(vni.vni())) {
                throw new IllegalArgumentException(p + ".vni: network " + vni + " is listed twice");
            }
            int mtu = Json.integer(n, p, "mtu", InterfaceSpec.MIN_MTU, InterfaceSpec.MAX_MTU, 1500);
            maxMtu = Math.max(maxMtu, mtu);
            networks.add(vni);
            mtuOf.put(vni.vni(), mtu);
            String tap = Json.optText(n, p, "tap", null);
            String bridge = Json.optText(n, p, "bridge", null);
            if (bridge != null) {
                Json.field(p, "bridge", () -> Ids.checkDevice("bridge name", bridge));
            }
            if (tap != null) {
                if (!seenTap.add(tap)) {
                    throw new IllegalArgumentException(p + ".tap: TAP " + tap + " is used twice");
                }
                interfaces.add(Json.field(p, "tap", () -> new InterfaceSpec(tap, vni, bridge, mtu)));
            } else if (bridge != null) {
                throw new IllegalArgumentException(p + ".bridge: a bridge needs a tap to plug in");
            }
        }
        List<LanSpec> lans = lans(root, role, mtuOf, seenTap);
        maxMtu = Math.max(maxMtu, Json.integer(root, "", "maxMtu", InterfaceSpec.MIN_MTU, InterfaceSpec.MAX_MTU, 1500));

        List<LinkSpec> links = new ArrayList<>();
        JsonNode ls = array(root, "links");
        Set<String> linkIds = new HashSet<>();
        for (int i = 0; i < ls.size(); i++) {
            LinkSpec l = Json.link(ls.get(i), "links[" + i + "]");
            if (!linkIds.add(l.id())) {
                throw new IllegalArgumentException("links[" + i + "].id: link " + l.id() + " is listed twice");
            }
            if (l.isVxlan() && vxlanListen == null) {
                throw new IllegalArgumentException("links[" + i + "]: link " + l.id()
                        + " is a VXLAN link, but no vxlanListen address is set");
            }
            if (!l.isVxlan() && !l.dials() && listen == null) {
                throw new IllegalArgumentException("links[" + i + "]: link " + l.id()
                        + " has no connect address, so it waits for its peer, but no listen address is set");
            }
            links.add(l);
        }
        List<ForwardingRule> rules = new ArrayList<>();
        JsonNode rs = array(root, "rules");
        for (int i = 0; i < rs.size(); i++) {
            String p = "rules[" + i + "]";
            ForwardingRule r = Json.rule(rs.get(i), p);
            if (!seenVni.contains(r.network().vni())) {
                throw new IllegalArgumentException(p + ".vni: network " + r.network() + " is not in networks");
            }
            String target = r.target().id();
            boolean known = switch (r.target().kind()) {
                case LINK -> linkIds.contains(target);
                case INTERFACE -> seenTap.contains(target) || lans.stream().anyMatch(l -> l.device().equals(target));
            };
            if (!known) {
                throw new IllegalArgumentException(p + ".to: no " + r.target() + " in this file");
            }
            rules.add(r);
        }
        int ka = Json.integer(root, "", "keepaliveMs", 100, 600_000, 2000);
        int bmin = Json.integer(root, "", "backoffMinMs", 10, 600_000, 100);
        int bmax = Json.integer(root, "", "backoffMaxMs", bmin, 3_600_000, Math.max(5000, bmin));
        int loops = Json.integer(root, "", "eventLoops", 0, 256, 1);
        DataPlaneConfig dp = new DataPlaneConfig(hostId, listen, maxMtu + 18, Duration.ofMillis(ka),
                Duration.ofMillis(bmin), Duration.ofMillis(bmax), loops, Json.bool(root, "", "countPairs", true),
                vxlanListen, tlsOrEnrolment(root, file, hostId), Json.bool(root, "", "offloads", true),
                Json.integer(root, "", "maxLearnedPerNetwork", 1, DataPlaneConfig.MAX_LEARNED,
                        DataPlaneConfig.DEFAULT_MAX_LEARNED), Json.integer(root, "", "realtimePriority", 0, 99, 1),
                Json.bool(root, "", "kernelPath", false),
                Json.integer(root, "", "linkLanes", 1, DataPlaneConfig.MAX_LANES, 1),
                Duration.ofMillis(Json.integer(root, "", "linkTimeoutMs", 2 * ka, 3_600_000, 3 * ka)));
        List<Endpoint> managers = managers(root.get("manager"));
        Endpoint manager = managers.isEmpty() ? null : managers.get(0);
        boolean insecure = Json.bool(root, "", "insecure", false);
        if (dp.tls() == null && !insecure) {
            throw new IllegalArgumentException(NEEDS_TLS);
        }
        if (dp.tls() != null && insecure) {
            throw new IllegalArgumentException("insecure: the file sets \"tls\" too; remove one of them");
        }
        String tokenFile = Json.optText(root, "", "enrolmentTokenFile", null);
        String token = tokenFile == null ? null : Json.field("", "enrolmentTokenFile",
                () -> io.vnet.protocol.Secrets.firstLine(resolve(file, tokenFile), "enrolment token"));
        if (insecure && manager != null && token == null) {
            throw new IllegalArgumentException("enrolmentTokenFile: without TLS the manager knows this host by an"
                    + " enrolment token only: name the file that holds the token the manager's agentTokensFile gives "
                    + hostId);
        }
        int report = Json.integer(root, "", "reportIntervalMs", 100, 3_600_000, 1000);
        Path stateFile = Path.of(Json.optText(root, "", "stateFile", "/var/lib/vnet/" + hostId + "-state.json"));
        return new AgentConfig(file, hostId, role, listen, control, List.copyOf(networks), List.copyOf(interfaces),
                lans, List.copyOf(links), List.copyOf(rules), dp, managers, report, stateFile,
                Json.field("", "managerId", () -> Ids.check("manager id", Json.optText(root, "", "managerId", "manager"))),
                libvirt(root), attach(root), insecure, token,
                Duration.ofMillis(Json.integer(root, "", "macHoldMs", 0, MAX_MAC_HOLD_MS, MAX_MAC_HOLD_MS)),
                vms(root, seenVni), Json.bool(root, "", "ownedSourcesOnly", true), metrics(root), enrolment(root, file, manager));
    }

    /**
     * Enrolment ({@code "enrolment": {"tokenFile": "enrolment-token", "dir": "pki"}}, instead of {@code tls}):
     * the agent has no certificate yet and gets one from the manager with the one-time token in {@code
     * tokenFile} (its first line; read only while the certificate is missing), then keeps {@code
     * ca.pem}, {@code HOST.pem} and {@code HOST.key} in {@code dir} and uses them as its {@code tls}.
     */
    public record Enrolment(Path tokenFile, Path dir) {
        static final Set<String> FIELDS = Set.of("tokenFile", "dir");
    }

    /** The tls section's files, or with enrolment the files it will hold in its folder. */
    private static io.vnet.protocol.Tls.Files tlsOrEnrolment(JsonNode root, Path file, String hostId) {
        JsonNode e = root.get("enrolment");
        if (e == null || e.isNull()) {
            return io.vnet.protocol.Tls.Files.parse(root, file);
        }
        if (root.has("tls")) {
            throw new IllegalArgumentException("enrolment: the file sets \"tls\" too; remove one of them (enrolment makes"
                    + " the tls files)");
        }
        Path dir = resolve(file, Json.optText(e, "enrolment", "dir", "pki"));
        return new io.vnet.protocol.Tls.Files(dir.resolve("ca.pem"), dir.resolve(hostId + ".pem"), dir.resolve(hostId + ".key"));
    }

    private static Enrolment enrolment(JsonNode root, Path file, Endpoint manager) {
        JsonNode e = root.get("enrolment");
        if (e == null || e.isNull()) {
            return null;
        }
        if (!e.isObject()) {
            throw new IllegalArgumentException("enrolment: expected an object {\"tokenFile\", \"dir\"}");
        }
        Json.onlyFields(e, "enrolment", Enrolment.FIELDS);
        if (manager == null) {
            throw new IllegalArgumentException("enrolment: needs \"manager\", the address where the token is spent");
        }
        return new Enrolment(resolve(file, Json.text(e, "enrolment", "tokenFile")),
                resolve(file, Json.optText(e, "enrolment", "dir", "pki")));
    }

    /** "metrics": an address (HOST:PORT), "off", or absent (the default, {@link #DEFAULT_METRICS}). */
    private static Metrics metrics(JsonNode root) {
        String text = Json.optText(root, "", "metrics", null);
        if (text == null) {
            return new Metrics(DEFAULT_METRICS, false);
        }
        if (text.equals("off")) {
            return new Metrics(null, true);
        }
        return new Metrics(Json.field("", "metrics", () -> Endpoint.parse(text)), true);
    }

    /** The file's VMs: names and uuids unique, each NIC on a network of the file, each address unicast and listed once. */
    private static List<Vm> vms(JsonNode root, Set<Integer> carried) {
        JsonNode vs = array(root, "vms");
        if (vs.size() > MAX_VMS) {
            throw new IllegalArgumentException("vms: " + vs.size() + " VMs, at most " + MAX_VMS);
        }
        List<Vm> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> uuids = new HashSet<>();
        Set<io.vnet.api.MacAddress> macs = new HashSet<>();
        for (int i = 0; i < vs.size(); i++) {
            String p = "vms[" + i + "]";
            JsonNode v = vs.get(i);
            if (!v.isObject()) {
                throw new IllegalArgumentException(p + ": expected an object {name, uuid, nics}");
            }
            Json.onlyFields(v, p, VM);
            String name = Json.text(v, p, "name");
            Json.field(p, "name", () -> Ids.check("VM name", name));
            String uuid = Json.optText(v, p, "uuid", "config-" + name);
            Json.field(p, "uuid", () -> Ids.check("VM uuid", uuid));
            if (!names.add(name) || !uuids.add(uuid)) {
                throw new IllegalArgumentException(p + ": VM " + name + " (" + uuid + ") is listed twice");
            }
            JsonNode ns = v.path("nics");
            if (!ns.isArray() || ns.isEmpty() || ns.size() > MAX_NICS) {
                throw new IllegalArgumentException(p + ".nics: expected 1.." + MAX_NICS + " NICs [{\"vni\", \"mac\"}]");
            }
            List<VmNic> nics = new ArrayList<>();
            for (int j = 0; j < ns.size(); j++) {
                String q = p + ".nics[" + j + "]";
                JsonNode n = ns.get(j);
                if (!n.isObject()) {
                    throw new IllegalArgumentException(q + ": expected an object {vni, mac}");
                }
                Json.onlyFields(n, q, VM_NIC);
                int vni = Json.integer(n, q, "vni", 1, NetworkId.MAX_VNI, null);
                if (!carried.contains(vni)) {
                    throw new IllegalArgumentException(q + ".vni: network " + vni + " is not in networks");
                }
                String text = Json.text(n, q, "mac");
                io.vnet.api.MacAddress mac = Json.field(q, "mac", () -> io.vnet.api.MacAddress.parse(text));
                if (mac.isGroup()) {
                    throw new IllegalArgumentException(q + ".mac: " + mac + " is a group address; a VM's NIC has a unicast one");
                }
                if (!macs.add(mac)) {
                    throw new IllegalArgumentException(q + ".mac: " + mac + " is listed twice");
                }
                nics.add(new VmNic(NetworkId.of(vni), mac));
            }
            out.add(new Vm(uuid, name, nics));
        }
        return List.copyOf(out);
    }

    private static Path resolve(Path configFile, String name) {
        Path dir = configFile == null ? null : configFile.toAbsolutePath().getParent();
        return dir == null ? Path.of(name) : dir.resolve(name);
    }

    private static Libvirt libvirt(JsonNode root) {
        JsonNode n = root.get("libvirt");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException("libvirt: expected an object, e.g. {\"uri\": \"qemu:///system\"}");
        }
        Json.onlyFields(n, "libvirt", LIBVIRT);
        String uri = Json.optText(n, "libvirt", "uri", "qemu:///system");
        if (uri.isBlank() || !uri.contains(":")) {
            throw new IllegalArgumentException("libvirt.uri: expected a libvirt URI such as qemu:///system, got '" + uri + "'");
        }
        return new Libvirt(uri, Json.integer(n, "libvirt", "resyncMs", 1000, 3_600_000, 30_000));
    }

    private static Attach attach(JsonNode root) {
        JsonNode n = root.get("attach");
        if (n != null && !n.isNull() && !n.isObject()) {
            throw new IllegalArgumentException("attach: expected an object");
        }
        JsonNode a = n == null || n.isNull() ? Json.object() : n;
        Json.onlyFields(a, "attach", ATTACH);
        String bridge = Json.optText(a, "attach", "bridgePrefix", "vnbr");
        String tap = Json.optText(a, "attach", "tapPrefix", "vntap");
        // the longest VNI has 8 digits: the names must still fit a Linux device name
        Json.field("attach", "bridgePrefix", () -> Ids.checkDevice("bridge name", bridge + NetworkId.MAX_VNI));
        Json.field("attach", "tapPrefix", () -> Ids.checkDevice("TAP device name", tap + NetworkId.MAX_VNI));
        if (bridge.equals(tap)) {
            throw new IllegalArgumentException("attach: bridgePrefix and tapPrefix must differ");
        }
        return new Attach(bridge, tap, Json.integer(a, "attach", "mtu", InterfaceSpec.MIN_MTU, InterfaceSpec.MAX_MTU, 1500));
    }

    /**
     * The proxy's LAN devices: {@code lan[i]} bridges network {@code vni} (listed in networks,
     * whose MTU it takes) onto the existing device {@code device} with pcap.
     */
    private static List<LanSpec> lans(JsonNode root, String role, Map<Integer, Integer> mtuOf, Set<String> taps) {
        JsonNode ls = array(root, "lan");
        if (ls.size() > 0 && !role.equals(ROLE_PROXY)) {
            throw new IllegalArgumentException("lan: only a proxy bridges a LAN device, set \"role\": \"proxy\""
                    + " (role is " + role + ")");
        }
        List<LanSpec> out = new ArrayList<>();
        Set<String> devices = new HashSet<>();
        for (int i = 0; i < ls.size(); i++) {
            String p = "lan[" + i + "]";
            JsonNode n = ls.get(i);
            Json.onlyFields(n, p, LAN);
            int vni = Json.integer(n, p, "vni", 1, NetworkId.MAX_VNI, null);
            Integer mtu = mtuOf.get(vni);
            if (mtu == null) {
                throw new IllegalArgumentException(p + ".vni: network " + vni + " is not in networks");
            }
            String device = Json.text(n, p, "device");
            LanSpec spec = Json.field(p, "device", () -> new LanSpec(device, NetworkId.of(vni), mtu));
            if (taps.contains(device)) {
                throw new IllegalArgumentException(p + ".device: " + device + " is a TAP of networks already");
            }
            if (!devices.add(device)) {
                throw new IllegalArgumentException(p + ".device: LAN device " + device + " is listed twice");
            }
            out.add(spec);
        }
        return List.copyOf(out);
    }

    private static JsonNode array(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return Json.array();
        }
        if (!n.isArray()) {
            throw new IllegalArgumentException(field + ": expected an array, got " + n.getNodeType().name().toLowerCase());
        }
        return n;
    }
}
