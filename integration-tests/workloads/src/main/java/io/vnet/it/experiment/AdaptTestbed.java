package io.vnet.it.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.it.fabric.AgentConfigBuilder;
import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.it.fabric.Vm;
import io.vnet.it.patterns.Patterns;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The adaptation experiment's cloud on a {@link Fabric}: a manager host {@code mgr}, VM hosts
 * {@code h1..hN}, a proxy host {@code px} (role proxy, no VMs) and VMs {@code p0..} spread
 * round-robin over the VM hosts (VM {@code pi} on host {@code h(i mod N + 1)}; rank i of the
 * patterns workload runs in {@code pi}), all on one network. Each VM host has a static
 * flooding link {@code to-px} to the proxy (the VNET star, as {@link Patterns#startStar} makes
 * it); every agent registers with the manager, which runs VTTIF in reactive mode.
 *
 * <p>With a rate, every uplink of the overlay (VM hosts and proxy; not the manager's) is shaped
 * to it in both directions ({@link Host#shapeUplink}) before the agents start. The direct
 * links of {@link #applyDirectLinks} go through the manager's desired-state API, as an
 * operator or VADAPT would set them; the star's links are static and stay the flooding tree.
 */
public final class AdaptTestbed {
    public static final int VNI = 300;
    /** How often the agents report their traffic to the manager. */
    public static final int REPORT_MS = 500;
    public static final String PROXY = "px";
    /** The id, on each end, of the direct link to host {@code peer}: {@code fast-<peer>}. */
    public static final String FAST_PREFIX = "fast-";

    private final Fabric fabric;
    private final ManagerProcess manager;
    private final List<Host> vmHosts;
    private final Host proxy;
    private final List<Vm> vms;
    private final Map<String, AgentProcess> agents;
    private final long rateBitsPerSecond;
    private final List<String> shaping;
    private final AdaptationApi adaptation;

    private AdaptTestbed(Fabric fabric, ManagerProcess manager, List<Host> vmHosts, Host proxy, List<Vm> vms,
                         Map<String, AgentProcess> agents, long rateBitsPerSecond, List<String> shaping) {
        this.fabric = fabric;
        this.manager = manager;
        this.vmHosts = List.copyOf(vmHosts);
        this.proxy = proxy;
        this.vms = List.copyOf(vms);
        this.agents = Map.copyOf(agents);
        this.rateBitsPerSecond = rateBitsPerSecond;
        this.shaping = List.copyOf(shaping);
        this.adaptation = new AdaptationApi(manager, VNI);
    }

    /** The experiment's size: 4 VM hosts, the proxy, 8 VMs. */
    public static AdaptTestbed standard(Fabric fabric, long rateBitsPerSecond) throws IOException, InterruptedException {
        return start(fabric, 4, 2, rateBitsPerSecond);
    }

    /** A CI-sized one: 3 VM hosts, the proxy, 6 VMs. */
    public static AdaptTestbed small(Fabric fabric, long rateBitsPerSecond) throws IOException, InterruptedException {
        return start(fabric, 3, 2, rateBitsPerSecond);
    }

    /**
     * Builds the cloud: hosts, VMs, shaping (if {@code rateBitsPerSecond > 0}), the manager, the
     * agents in a star through the proxy; returns once every agent is registered.
     */
    public static AdaptTestbed start(Fabric fabric, int hostCount, int vmsPerHost, long rateBitsPerSecond)
            throws IOException, InterruptedException {
        return start(fabric, hostCount, vmsPerHost, rateBitsPerSecond, false);
    }

    /**
     * As above; with {@code kernelPath} the VM hosts' agents also have VXLAN sockets on the kernel
     * path, so the fast paths the manager adds between them are kernel VXLAN links (the star through
     * the proxy stays as it is).
     */
    public static AdaptTestbed start(Fabric fabric, int hostCount, int vmsPerHost, long rateBitsPerSecond,
                                     boolean kernelPath) throws IOException, InterruptedException {
        return start(fabric, hostCount, vmsPerHost, rateBitsPerSecond, kernelPath, mgr -> List.of());
    }

    /**
     * What a test sets up in the manager's host before the manager starts there (e.g. a database
     * server of its own), and the framework properties ({@code KEY=VALUE}) the manager then gets.
     */
    @FunctionalInterface
    public interface ManagerSetup {
        List<String> prepare(Host managerHost) throws IOException, InterruptedException;
    }

    /** As above; {@code managerSetup} runs in the manager's host before the manager starts. */
    public static AdaptTestbed start(Fabric fabric, int hostCount, int vmsPerHost, long rateBitsPerSecond,
                                     boolean kernelPath, ManagerSetup managerSetup) throws IOException, InterruptedException {
        return startWith(fabric, hostCount, vmsPerHost, rateBitsPerSecond, kernelPath, f -> {
            Host mgr = f.addHost("mgr");
            return List.of(f.startManager(mgr, managerConfig(rateBitsPerSecond), managerSetup.prepare(mgr)));
        });
    }

    /** Starts the manager, or the managers of a cluster (the first is the test bed's {@link #manager()}). */
    @FunctionalInterface
    public interface Managers {
        List<ManagerProcess> start(Fabric fabric) throws IOException, InterruptedException;
    }

    /**
     * As above, with the managers {@code managers} starts (each in a host of its own, before the agents); every
     * agent lists them all.
     */
    public static AdaptTestbed startWith(Fabric fabric, int hostCount, int vmsPerHost, long rateBitsPerSecond,
                                         boolean kernelPath, Managers managers) throws IOException, InterruptedException {
        if (hostCount < 2 || vmsPerHost < 1) {
            throw new IllegalArgumentException("need at least 2 VM hosts and 1 VM per host");
        }
        // the managers first: their hosts keep the first addresses, as before clusters
        List<ManagerProcess> all = managers.start(fabric);
        ManagerProcess manager = all.get(0);
        List<Host> hosts = new ArrayList<>();
        for (int i = 1; i <= hostCount; i++) {
            hosts.add(fabric.addHost("h" + i));
        }
        Host proxy = fabric.addHost(PROXY);
        List<Vm> vms = new ArrayList<>();
        for (int i = 0; i < hostCount * vmsPerHost; i++) {
            vms.add(fabric.addVm(hosts.get(i % hostCount), "p" + i, VNI, 1500));
        }
        List<Host> star = new ArrayList<>(hosts);
        star.add(proxy);
        List<String> shaping = new ArrayList<>();
        if (rateBitsPerSecond > 0) {
            for (Host h : star) {
                shaping.addAll(h.shapeUplink(rateBitsPerSecond));
            }
        }
        Map<String, AgentProcess> agents = new LinkedHashMap<>();
        java.util.function.UnaryOperator<io.vnet.it.fabric.AgentConfigBuilder> settings = b -> {
            if (all.size() == 1) {
                b.manager(manager, REPORT_MS);
            } else {
                b.managers(all, REPORT_MS);
            }
            if (kernelPath && !b.host().name().equals(PROXY)) {
                b.vxlanListen(b.host()).flag("kernelPath", true);
            }
            return b;
        };
        for (AgentProcess a : Patterns.startStar(fabric, star, VNI, settings)) {
            agents.put(a.host().name(), a);
        }
        AdaptTestbed tb = new AdaptTestbed(fabric, manager, hosts, proxy, vms, agents, rateBitsPerSecond, shaping);
        tb.managers = List.copyOf(all);
        tb.awaitRegistered(20_000);
        return tb;
    }

    /**
     * The manager's configuration: VTTIF reactive with a 2 s window, evaluated every 0.5 s (as
     * in ManagerIT); with a rate, VADAPT is told the links' bandwidth ({@code linkMbps}) and that each
     * host's links share its shaped uplink ({@code uplinkMbps}). The history is kept 5 minutes (a
     * deployment's default is a day): a run of minutes then reaches the manager's steady state, where the database
     * and what the manager caches of it stop growing (the soak judges growth over its last 20 minutes).
     */
    public static ObjectNode managerConfig(long rateBitsPerSecond) {
        ObjectNode cfg = Json.object();
        cfg.putObject("vttif").put("mode", "reactive").put("windowMs", 2000).put("evaluateMs", 500)
                .put("minPairRate", 2000).put("matrixEveryMs", 2000).put("historyMinutes", 5);
        if (rateBitsPerSecond > 0) {
            cfg.putObject("adaptation").put("linkMbps", rateBitsPerSecond / 1e6).put("uplinkMbps",
                    rateBitsPerSecond / 1e6);
        }
        return cfg;
    }

    private void awaitRegistered(long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        List<String> missing = List.of();
        while (System.currentTimeMillis() < deadline) {
            missing = new ArrayList<>(agents.keySet());
            for (JsonNode a : manager.get("/agents")) {
                if (a.path("connected").asBoolean()) {
                    missing.remove(a.path("hostId").asText());
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("agents not registered with the manager after " + timeoutMs + " ms: " + missing
                + "\nmanager log:\n" + manager.logText());
    }

    public Fabric fabric() {
        return fabric;
    }

    /** Every manager (more than one in a cluster), the first being {@link #manager()}. */
    public List<ManagerProcess> managers() {
        return managers;
    }

    private List<ManagerProcess> managers = List.of();

    public ManagerProcess manager() {
        return manager;
    }

    public AdaptationApi adaptation() {
        return adaptation;
    }

    public List<Host> vmHosts() {
        return vmHosts;
    }

    public Host proxy() {
        return proxy;
    }

    /** The VMs; rank i of the workload runs in {@code vms().get(i)}. */
    public List<Vm> vms() {
        return vms;
    }

    public AgentProcess agent(Host h) {
        return agents.get(h.name());
    }

    public long rateBitsPerSecond() {
        return rateBitsPerSecond;
    }

    /** The tc commands that shaped the uplinks (two per host), empty if unshaped. */
    public List<String> shapingCommands() {
        return shaping;
    }

    /** Every pair of VM hosts, in a fixed order: (h1,h2), (h1,h3), ..., (h2,h3), ... */
    public List<HostPair> hostPairs() {
        List<HostPair> out = new ArrayList<>();
        for (int i = 0; i < vmHosts.size(); i++) {
            for (int j = i + 1; j < vmHosts.size(); j++) {
                out.add(new HostPair(vmHosts.get(i), vmHosts.get(j)));
            }
        }
        return out;
    }

    /**
     * The desired state that joins the hosts of {@code pairs} directly: on each VM host, one
     * non-flooding link {@code fast-<peer>} per pair it is in (the earlier host of the pair dials
     * the later one's link port, the later one accepts), and a rule per VM of that peer, dst
     * VM -> that link. The star's links stay (they are static), so floods and the traffic of
     * the other pairs still go through the proxy. Local VMs need no rule (learning).
     */
    public Map<String, ObjectNode> desiredState(Collection<HostPair> pairs) {
        Map<String, ObjectNode> out = new TreeMap<>();
        for (Host h : vmHosts) {
            ObjectNode state = Json.object();
            ArrayNode links = state.putArray("links");
            ArrayNode rules = state.putArray("rules");
            for (HostPair p : pairs) {
                if (!p.contains(h)) {
                    continue;
                }
                Host peer = p.other(h);
                String id = FAST_PREFIX + peer.name();
                ObjectNode l = links.addObject().put("id", id).put("peer", peer.name());
                if (p.low().name().equals(h.name())) {
                    l.put("connect", peer.ip() + ":" + AgentConfigBuilder.LINK_PORT);
                }
                l.put("flood", false);
                l.putArray("vnis").add(VNI);
                for (Vm vm : vms) {
                    if (vm.host().name().equals(peer.name())) {
                        rules.addObject().put("vni", VNI).put("src", "any").put("dst", vm.mac()).put("to", "link:" + id);
                    }
                }
            }
            out.put(h.name(), state);
        }
        return out;
    }

    /**
     * Sets every VM host's desired state to {@link #desiredState(Collection)} through
     * {@code PUT /api/hosts/{id}/desired-state}, waits until every agent has applied it and
     * every direct link is up at both ends. Returns the generations, by host.
     */
    public Map<String, Long> applyDirectLinks(Collection<HostPair> pairs) throws IOException, InterruptedException {
        Map<String, Long> gens = put(desiredState(pairs));
        awaitApplied(gens, 20_000);
        for (HostPair p : pairs) {
            agent(p.low()).awaitLinkUp(FAST_PREFIX + p.high().name(), 20_000);
            agent(p.high()).awaitLinkUp(FAST_PREFIX + p.low().name(), 20_000);
        }
        return gens;
    }

    /**
     * Back to the bare star: an empty desired state (no links, no rules) for every host, the
     * proxy included (the closed loop may have given it links), applied by every agent.
     */
    public void clearDesiredState() throws IOException, InterruptedException {
        Map<String, ObjectNode> empty = new TreeMap<>();
        for (String h : agents.keySet()) {
            ObjectNode s = Json.object();
            s.putArray("links");
            s.putArray("rules");
            empty.put(h, s);
        }
        awaitApplied(put(empty), 20_000);
    }

    /**
     * Waits until every VM host has no link but its star link ({@code to-px}), as the agent says
     * and as the manager's view of the agents says: a plan made before then would count links that
     * are going away as the overlay it builds on.
     */
    public void awaitStarOnly(long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String extra;
        do {
            StringBuilder left = new StringBuilder();
            for (Host h : vmHosts) {
                for (JsonNode l : agent(h).op("link-list")) {
                    if (!l.path("id").asText().equals("to-" + PROXY)) {
                        left.append(h.name()).append('/').append(l.path("id").asText()).append(' ');
                    }
                }
            }
            for (JsonNode a : manager.get("/agents")) {
                if (a.path("hostId").asText().equals(PROXY)) {
                    continue;
                }
                for (JsonNode l : a.path("links")) {
                    if (!l.path("id").asText().equals("to-" + PROXY)) {
                        left.append("manager's view of ").append(a.path("hostId").asText()).append('/')
                                .append(l.path("id").asText()).append(' ');
                    }
                }
            }
            extra = left.toString();
            if (extra.isEmpty()) {
                return;
            }
            Thread.sleep(200);
        } while (System.currentTimeMillis() < deadline);
        throw new IllegalStateException("links other than the star left after " + timeoutMs + " ms: " + extra);
    }

    private Map<String, Long> put(Map<String, ObjectNode> states) throws IOException {
        Map<String, Long> gens = new TreeMap<>();
        for (Map.Entry<String, ObjectNode> e : states.entrySet()) {
            ManagerProcess.Response r = manager.rest("PUT", "/hosts/" + e.getKey() + "/desired-state", e.getValue().toString());
            if (r.status() != 200) {
                throw new IllegalStateException("PUT /api/hosts/" + e.getKey() + "/desired-state answered " + r.status()
                        + ": " + r.body() + "\nbody: " + e.getValue());
            }
            gens.put(e.getKey(), r.body().path("generation").asLong());
        }
        return gens;
    }

    /** Waits until each host has applied at least its generation, and applied it without errors. */
    public void awaitApplied(Map<String, Long> generations, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Map<String, JsonNode> last = new TreeMap<>();
        while (true) {
            boolean all = true;
            for (JsonNode a : manager.get("/agents")) {
                String id = a.path("hostId").asText();
                last.put(id, a);
                Long want = generations.get(id);
                if (want != null && a.path("appliedGeneration").asLong() < want) {
                    all = false;
                }
            }
            if (all && last.keySet().containsAll(generations.keySet())) {
                for (String h : generations.keySet()) {
                    JsonNode errors = last.get(h).path("lastErrors");
                    if (errors.size() > 0) {
                        throw new IllegalStateException("agent " + h + " applied generation " + generations.get(h)
                                + " with errors: " + errors);
                    }
                }
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("desired state not applied within " + timeoutMs + " ms: wanted "
                        + generations + ", agents: " + last.values());
            }
            Thread.sleep(100);
        }
    }

    /**
     * The link counters of every agent at one moment: bytes sent per {@code host/link}, and
     * frames dropped per {@code host/link/REASON} (e.g. LINK_DOWN: a rule or learned entry
     * sent the frame to a link that was not up; CONGESTED: the link's send buffer was full).
     */
    public record LinkSnapshot(Map<String, Long> bytesOut, Map<String, Long> drops) {
        /**
         * Of the bytes the VM hosts sent on links since {@code before}, the fraction sent to the
         * proxy (NaN if none was sent). A counter that went down (a link made anew) counts from 0.
         */
        public double proxyShareSince(LinkSnapshot before) {
            long toProxy = 0;
            long total = 0;
            for (Map.Entry<String, Long> e : bytesOut.entrySet()) {
                if (e.getKey().startsWith(PROXY + "/")) {
                    continue;
                }
                long d = delta(before.bytesOut, e);
                total += d;
                if (e.getKey().endsWith("/to-" + PROXY)) {
                    toProxy += d;
                }
            }
            return total == 0 ? Double.NaN : (double) toProxy / total;
        }

        /** Frames dropped on links since {@code before}, by reason (only reasons with drops), over all agents. */
        public Map<String, Long> dropsSince(LinkSnapshot before) {
            Map<String, Long> out = new TreeMap<>();
            for (Map.Entry<String, Long> e : drops.entrySet()) {
                long d = delta(before.drops, e);
                if (d > 0) {
                    out.merge(e.getKey().substring(e.getKey().lastIndexOf('/') + 1), d, Long::sum);
                }
            }
            return out;
        }

        private static long delta(Map<String, Long> before, Map.Entry<String, Long> now) {
            long was = before.getOrDefault(now.getKey(), 0L);
            return now.getValue() >= was ? now.getValue() - was : now.getValue();
        }
    }

    /** The link counters of every agent (VM hosts and proxy) now. */
    public LinkSnapshot linkSnapshot() throws IOException {
        Map<String, Long> bytes = new TreeMap<>();
        Map<String, Long> drops = new TreeMap<>();
        for (AgentProcess a : agents.values()) {
            String h = a.host().name();
            for (JsonNode st : a.op("stats")) {
                if (!st.path("kind").asText().equals("link")) {
                    continue;
                }
                String link = h + "/" + st.path("id").asText();
                bytes.put(link, st.path("bytesOut").asLong());
                st.path("drops").fields().forEachRemaining(d -> drops.put(link + "/" + d.getKey(), d.getValue().asLong()));
            }
        }
        return new LinkSnapshot(bytes, drops);
    }

    /**
     * The frames every agent (VM hosts and proxy) dropped so far, by "host kind:id reason", over every entry of
     * its stats that counts frames: links (and the links removed so far, whose counters the agent keeps),
     * interfaces, LAN devices and the kernel's checks; not the learning table's evictions, which are
     * addresses.
     */
    public Map<String, Long> frameDrops() throws IOException {
        Map<String, Long> out = new TreeMap<>();
        for (AgentProcess a : agents.values()) {
            for (JsonNode st : a.op("stats")) {
                if (st.path("kind").asText().equals("forwarder") && st.path("id").asText().equals("learned")) {
                    continue;
                }
                String where = a.host().name() + " " + st.path("kind").asText() + ":" + st.path("id").asText() + " ";
                st.path("drops").fields().forEachRemaining(d -> out.merge(where + d.getKey(), d.getValue().asLong(),
                        Long::sum));
            }
        }
        return out;
    }

    /**
     * The growth of {@link #frameDrops()} from {@code before} to {@code after} per "host reason" (summed over the
     * host's entries, so a link's drops that moved into its removed links' entry count once); only what grew.
     */
    public static Map<String, Long> dropsBetween(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((key, n) -> out.merge(hostAndReason(key), n, Long::sum));
        before.forEach((key, n) -> out.merge(hostAndReason(key), -n, Long::sum));
        out.values().removeIf(n -> n == 0);
        return out;
    }

    private static String hostAndReason(String key) {
        return key.substring(0, key.indexOf(' ')) + key.substring(key.lastIndexOf(' '));
    }
}
