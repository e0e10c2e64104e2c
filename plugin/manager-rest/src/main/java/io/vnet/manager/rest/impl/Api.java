package io.vnet.manager.rest.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.manager.AgentRegistry;
import io.vnet.manager.DesiredStateService;
import io.vnet.manager.HostInfo;
import io.vnet.manager.rest.Identity;
import io.vnet.manager.store.DesiredStateRecord;
import io.vnet.manager.store.Host;
import io.vnet.manager.store.ManagerStore;
import io.vnet.manager.store.Network;
import io.vnet.manager.store.TopologyRecord;
import io.vnet.manager.store.TrafficMatrixRecord;
import io.vnet.manager.store.Vm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The API's routes, independent of the servlet container: {@link #get} maps a path below /api,
 * its query parameters and the signed-in user to a JSON document, or throws {@link ApiError}.
 * An admin sees everything; a tenant sees only its networks (403 for any other), their VMs and
 * their overlay (without the links' utilisation, which includes other tenants' traffic), and is
 * refused the routes about hosts, agents and the audit log.
 */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_LIMIT = 100;

    private final ManagerStore store;
    private final AgentRegistry agents;
    private final io.vnet.manager.AdaptationService adaptation;
    private final DesiredStateService desired;
    private final io.vnet.manager.AuditLog audit;
    private final io.vnet.manager.TopologyService vttif;
    private final JsonNode openApi;

    private volatile TenantLimits tenantLimits = TenantLimits.DEFAULT;
    /** One-time enrolment tokens (null: the manager's configuration has no "enrolment"). */
    private volatile io.vnet.manager.EnrolmentService enrolments;
    /** Checked before every write (null: not checked, the write itself fails if the database is away). */
    private volatile StoreHealth health;

    Api(ManagerStore store) {
        this(store, null, null, null, null, null);
    }

    /** With the live services: any of them may be null (then its routes answer 503). */
    Api(ManagerStore store, AgentRegistry agents, DesiredStateService desired,
        io.vnet.manager.AdaptationService adaptation, io.vnet.manager.AuditLog audit,
        io.vnet.manager.TopologyService vttif) {
        this.store = store;
        this.vttif = vttif;
        this.audit = audit;
        this.adaptation = adaptation;
        this.agents = agents;
        this.desired = desired;
        try (InputStream in = Api.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the bundle");
            }
            this.openApi = JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What tenants may set in their networks' adaptation settings (the admin's configuration). */
    void tenantLimits(TenantLimits limits) {
        this.tenantLimits = limits;
    }

    /** Refuse writes (503) while {@code h} says the database is away, before they change anything. */
    void storeHealth(StoreHealth h) {
        this.health = h;
    }

    private void requireStore(String what) {
        StoreHealth h = health;
        if (h != null) {
            h.requireUp(what);
        }
    }

    /**
     * {@code fromStore}, or while the database is away ({@link StoreUnavailableException}) what
     * the manager holds in memory, marked {@code "source": "memory"}; without that (null), the
     * exception goes on (503).
     */
    private static JsonNode orFromMemory(java.util.function.Supplier<JsonNode> fromStore,
                                         java.util.function.Supplier<JsonNode> fromMemory) {
        try {
            return fromStore.get();
        } catch (io.vnet.manager.store.StoreUnavailableException e) {
            JsonNode m = fromMemory.get();
            if (m == null) {
                throw e;
            }
            if (m instanceof ObjectNode o) {
                o.put("source", "memory");
            } else {
                m.forEach(x -> ((ObjectNode) x).put("source", "memory"));
            }
            return m;
        }
    }

    /** The hosts as the agents' sessions know them (connected now or since the manager started). */
    private JsonNode hostsFromMemory() {
        if (agents == null) {
            return null;
        }
        return array(agents.hosts(), h -> JSON.createObjectNode().put("hostId", h.hostId()).put("address", h.linkAddress())
                .put("role", h.role()).put("lastSeen", h.lastSeen().toString()));
    }

    /** The networks the agents carry and VTTIF sees, as the store names those the agents reported ("vni N"). */
    private JsonNode networksFromMemory(Identity who) {
        if (agents == null && vttif == null) {
            return null;
        }
        java.util.TreeSet<Integer> vnis = new java.util.TreeSet<>();
        if (agents != null) {
            agents.hosts().forEach(h -> h.networks().forEach(n -> vnis.add(n.vni())));
        }
        if (vttif != null) {
            vttif.networks().forEach(n -> vnis.add(n.vni()));
        }
        return array(vnis.stream().filter(who::maySee).toList(), v -> network(new Network(v, "vni " + v)));
    }

    /** VTTIF's topology of the network now, as {@link #topology(TopologyRecord)} gives the stored one. */
    private JsonNode topologyFromMemory(int vni) {
        if (vttif == null) {
            return null;
        }
        io.vnet.api.NetworkId n = io.vnet.api.NetworkId.of(vni);
        var g = vttif.topology(n);
        if (g.isEmpty()) {
            throw notFound("no topology for vni " + vni);
        }
        List<io.vnet.vttif.TopologyChange> history = vttif.history(n);
        Instant at = history.isEmpty() ? Instant.now() : Instant.ofEpochMilli(history.get(history.size() - 1).timeMillis());
        ObjectNode o = JSON.createObjectNode().put("vni", vni).put("time", at.toString())
                .put("class", g.get().topologyClass().name());
        o.set("graph", io.vnet.manager.records.TopologyJson.graph(g.get()));
        return o;
    }

    /** The network's traffic matrix as VTTIF holds it now (its owner's; the recorded ones are /traffic). */
    private JsonNode liveMatrix(int vni) {
        if (vttif == null) {
            throw new ApiError(503, "the manager's VTTIF service is not running");
        }
        ObjectNode o = JSON.createObjectNode().put("vni", vni).put("time", Instant.now().toString());
        o.set("matrix", io.vnet.manager.records.TopologyJson.matrix(vttif.matrix(io.vnet.api.NetworkId.of(vni))));
        return o;
    }

    /** The host's desired state the manager holds (the newest, whether or not it reached the database). */
    private JsonNode desiredFromMemory(String hostId) {
        if (desired == null) {
            return null;
        }
        io.vnet.manager.DesiredState d = desired.get(hostId)
                .orElseThrow(() -> notFound("no desired state for host '" + hostId + "'"));
        ObjectNode o = JSON.createObjectNode().put("hostId", d.hostId()).put("generation", d.generation());
        o.putNull("createdAt");
        o.set("document", io.vnet.protocol.Json.writeState(d.links(), d.rules(), d.quiet()));
        return o;
    }

    JsonNode openApi() {
        return openApi;
    }

    /** The resources only an admin may read, by their first segment. */
    private static final java.util.Set<String> ADMIN_ONLY = java.util.Set.of("audit", "agents", "hosts", "cluster");

    /** The GET routes, first match wins; under a host or a network, the id is checked before an unknown sub-path is 404. */
    private final Routes gets = getRoutes();

    private Routes getRoutes() {
        return new Routes()
                .on("openapi.json", (v, q, who) -> openApi)
                .on("audit", (v, q, who) -> array(auditLog().entries(time(q, "from"), time(q, "to"), limit(q)),
                        Api::auditEntry))
                .on("agents", (v, q, who) -> array(registry().hosts(), Api::agent))
                .on("version", (v, q, who) -> version())
                .on("cluster", (v, q, who) -> cluster())
                .on("enrolments", (v, q, who) -> enrolmentList(who))
                .on("vms", (v, q, who) -> array(visibleVms(who), Api::instance))
                .on("vms/{uuid}", (v, q, who) -> vm(visibleVms(who), segment(v.get("uuid"), "uuid"), who))
                .on("hosts", (v, q, who) -> orFromMemory(() -> array(store.hosts(), Api::host), this::hostsFromMemory))
                .on("hosts/{id}", (v, q, who) -> {
                    String id = hostId(v);
                    return host(store.host(id).orElseThrow(() -> notFound("no host '" + id + "'")));
                })
                .on("hosts/{id}/vms", (v, q, who) -> array(store.vmsOnHost(hostId(v)), Api::vm))
                .on("hosts/{id}/desired-state", (v, q, who) -> {
                    String id = hostId(v);
                    return orFromMemory(() -> desired(store.desiredState(id)
                            .orElseThrow(() -> notFound("no desired state for host '" + id + "'"))), () -> desiredFromMemory(id));
                })
                .on("hosts/{id}/**", (v, q, who) -> unknown(hostId(v)))
                .on("networks", (v, q, who) -> orFromMemory(() -> array(store.networks().stream()
                        .filter(n -> who.maySee(n.vni())).toList(), Api::network), () -> networksFromMemory(who)))
                .on("networks/{vni}", (v, q, who) -> {
                    int vni = visible(vni(v.get("vni")), who);
                    return network(store.network(vni).orElseThrow(() -> notFound("no network with vni " + vni)));
                })
                .on("networks/{vni}/vms", (v, q, who) -> array(store.vmsOfNetwork(visible(vni(v.get("vni")), who)), Api::vm))
                .on("networks/{vni}/topology", (v, q, who) -> {
                    int vni = visible(vni(v.get("vni")), who);
                    return orFromMemory(() -> topology(store.latestTopology(vni)
                            .orElseThrow(() -> notFound("no topology for vni " + vni))), () -> topologyFromMemory(vni));
                })
                .on("networks/{vni}/topologies", (v, q, who) -> array(store.topologies(visible(vni(v.get("vni")), who),
                        time(q, "from"), time(q, "to"), limit(q)), Api::topology))
                .on("networks/{vni}/traffic", (v, q, who) -> array(store.trafficMatrices(visible(vni(v.get("vni")), who),
                        time(q, "from"), time(q, "to"), limit(q)), Api::matrix))
                .on("networks/{vni}/plan", (v, q, who) -> plan(visible(vni(v.get("vni")), who), q))
                .on("networks/{vni}/adaptation", (v, q, who) -> adaptation(visible(vni(v.get("vni")), who)))
                .on("networks/{vni}/overlay", (v, q, who) -> overlay(visible(vni(v.get("vni")), who), who))
                .on("networks/{vni}/matrix", (v, q, who) -> liveMatrix(visible(vni(v.get("vni")), who)))
                .on("networks/{vni}/snapshot", (v, q, who) -> snapshot(visible(vni(v.get("vni")), who), who, Instant.now()))
                .on("networks/{vni}/**", (v, q, who) -> unknown(visible(vni(v.get("vni")), who)));
    }

    /**
     * @param path the path below /api, e.g. "/hosts"
     * @param who  the signed-in user
     */
    JsonNode get(String path, Map<String, String> query, Identity who) {
        String[] p = path == null || path.equals("/") ? new String[0] : path.substring(1).split("/", -1);
        if (p.length >= 1 && ADMIN_ONLY.contains(p[0])) {
            adminOnly(who, "/api/" + p[0]);
        }
        JsonNode answer = gets.dispatch(p, query, who);
        if (answer == null) {
            throw notFound("no resource /api" + (path == null ? "" : path));
        }
        return answer;
    }

    /** A sub-path no route has, below a host or network that was checked: the caller's 404 follows. */
    private static JsonNode unknown(Object checked) {
        return null;
    }

    private static String hostId(Map<String, String> params) {
        return segment(params.get("id"), "hostId");
    }

    private io.vnet.manager.AuditLog auditLog() {
        if (audit == null) {
            throw new ApiError(503, "the manager's audit log is not running");
        }
        return audit;
    }

    private AgentRegistry registry() {
        if (agents == null) {
            throw new ApiError(503, "the manager's agent registry is not running");
        }
        return agents;
    }

    /** The VMs agents registered, as far as {@code who} may see them (the parts on its networks). */
    private List<io.vnet.manager.VmInstance> visibleVms(Identity who) {
        return registry().hosts().stream().flatMap(h -> h.instances().stream())
                .map(v -> visiblePart(v, who)).filter(v -> v != null).toList();
    }

    private static JsonNode vm(List<io.vnet.manager.VmInstance> all, String uuid, Identity who) {
        return instance(all.stream().filter(v -> v.uuid().equalsIgnoreCase(uuid)).findFirst()
                .orElseThrow(() -> notFound("no VM '" + uuid + "' is registered by an agent"
                        + (who.admin() ? "" : " on one of your networks"))));
    }

    /** PUT: a network's adaptation settings, or (admins) a host's desired state. */
    JsonNode put(String path, JsonNode body, Identity who) {
        String[] p = path == null ? new String[0] : path.substring(1).split("/", -1);
        if (p.length == 3 && p[0].equals("networks") && p[2].equals("adaptation")) {
            return putAdaptation(visible(vni(p[1]), who), body, who);
        }
        if (!(p.length == 3 && p[0].equals("hosts") && p[2].equals("desired-state"))) {
            throw new ApiError(405, "only PUT /api/hosts/{hostId}/desired-state and /api/networks/{vni}/adaptation"
                    + " write; not /api" + path);
        }
        adminOnly(who, "PUT /api/hosts/{hostId}/desired-state");
        if (desired == null) {
            throw new ApiError(503, "the manager's desired-state service is not running");
        }
        requireStore("PUT /api" + path);
        String hostId = segment(p[1], "hostId");
        if (body == null || !body.isObject()) {
            throw new ApiError(400, "body: expected a JSON object with links and rules");
        }
        io.vnet.protocol.Json.onlyFields(body, "", java.util.Set.of("links", "rules", "quiet"));
        List<LinkSpec> links = io.vnet.protocol.Json.links(body.path("links"), "links");
        List<ForwardingRule> rules = io.vnet.protocol.Json.rules(body.path("rules"), "rules");
        List<io.vnet.api.QuietLink> quiet = io.vnet.protocol.Json.quietLinks(body.path("quiet"), "quiet");
        io.vnet.manager.DesiredState d = desired.set(hostId, links, rules, quiet);
        if (audit != null) {
            audit.record(actor(who), "desired-state", "host " + hostId, "generation " + d.generation() + ", " + links.size()
                    + " link(s), " + rules.size() + " rule(s)");
        }
        return JSON.createObjectNode().put("hostId", d.hostId()).put("generation", d.generation());
    }

    /** POST: a network's rollback, or applying its recommendation now. */
    JsonNode post(String path, Identity who) {
        String[] p = path == null ? new String[0] : path.substring(1).split("/", -1);
        if (!(p.length == 4 && p[0].equals("networks") && p[2].equals("adaptation")
                && (p[3].equals("rollback") || p[3].equals("apply")))) {
            throw new ApiError(405, "only POST /api/networks/{vni}/adaptation/rollback and .../apply; not /api" + path);
        }
        io.vnet.api.NetworkId n = io.vnet.api.NetworkId.of(visible(vni(p[1]), who));
        requireStore("POST /api" + path);
        try {
            io.vnet.manager.AdaptationService a = adaptationService();
            return io.vnet.manager.AdaptationJson.decision(p[3].equals("rollback") ? a.rollback(n, actor(who))
                    : a.apply(n, actor(who)));
        } catch (IllegalStateException e) {
            throw new ApiError(409, e.getMessage());
        }
    }

    /** Who did it, as the audit log names people: "local:admin", "cloudstack:alice". */
    static String actor(Identity who) {
        return who.source() + ":" + who.user();
    }

    private static void adminOnly(Identity who, String what) {
        if (!who.admin()) {
            throw new ApiError(403, what + ": for admins only (" + who.user() + " is a tenant)");
        }
    }

    /** The VNI, if the user may see its network. */
    static int visible(int vni, Identity who) {
        if (!who.maySee(vni)) {
            throw new ApiError(403, "network " + vni + " is not one of " + who.user() + "'s networks");
        }
        return vni;
    }

    /** The VM with only the NICs the user may see; null when it has none. */
    private static io.vnet.manager.VmInstance visiblePart(io.vnet.manager.VmInstance v, Identity who) {
        return who.admin() ? v : withNicsOn(v, who::maySee);
    }

    /** The VM with only its NICs on the networks {@code vnis} accepts; null when it has none there. */
    private static io.vnet.manager.VmInstance withNicsOn(io.vnet.manager.VmInstance v, java.util.function.IntPredicate vnis) {
        List<io.vnet.manager.VmInstance.Nic> nics = v.nics().stream().filter(n -> vnis.test(n.network().vni())).toList();
        return nics.isEmpty() ? null : v.withNics(nics);
    }

    /**
     * The network's overlay: the agents that carry it (the proxy among them), each with only this
     * network's VMs, and the links among them. Tenants get no utilisation (null): a link between two
     * hosts carries every tenant's traffic.
     */
    JsonNode overlay(int vni, Identity who) {
        if (agents == null) {
            throw new ApiError(503, "the manager's agent registry is not running");
        }
        io.vnet.api.NetworkId n = io.vnet.api.NetworkId.of(vni);
        List<HostInfo> carrying = agents.hosts().stream().filter(h -> h.networks().contains(n)).toList();
        java.util.Set<String> ids = new java.util.HashSet<>();
        carrying.forEach(h -> ids.add(h.hostId()));
        ObjectNode o = JSON.createObjectNode().put("vni", vni);
        ArrayNode hosts = o.putArray("hosts");
        for (HostInfo h : carrying) {
            ObjectNode a = hosts.addObject().put("hostId", h.hostId()).put("role", h.role())
                    .put("connected", h.connected()).put("lastSeen", h.lastSeen().toString());
            a.putArray("networks").add(vni);
            ArrayNode vms = a.putArray("vms");
            h.vms().getOrDefault(n, List.of()).forEach(m -> vms.addObject().put("vni", vni).put("mac", m.toString()));
            ArrayNode named = a.putArray("instances");
            h.instances().stream().map(v -> withNicsOn(v, x -> x == vni)).filter(v -> v != null)
                    .forEach(v -> named.add(instance(v)));
            ArrayNode links = a.putArray("links");
            h.links().stream().filter(l -> ids.contains(l.peerHost())).forEach(l -> links.add(link(l, who.admin())));
        }
        return o;
    }

    /**
     * What the page's live stream sends each second: the network's latest topology (null before the
     * first), its overlay, its adaptation settings and decisions, and its traffic rate now (VTTIF's
     * smoothed matrix, bytes/s).
     */
    ObjectNode snapshot(int vni, Identity who, Instant now) {
        visible(vni, who);
        ObjectNode o = JSON.createObjectNode().put("vni", vni).put("time", now.toString());
        JsonNode topology;
        try {
            topology = store.latestTopology(vni).<JsonNode>map(Api::topology).orElse(JSON.nullNode());
        } catch (io.vnet.manager.store.StoreUnavailableException e) {
            io.vnet.api.NetworkId n = io.vnet.api.NetworkId.of(vni);
            topology = vttif == null || vttif.topology(n).isEmpty() ? JSON.nullNode() : topologyFromMemory(vni);
        }
        o.set("topology", topology);
        o.set("overlay", overlay(vni, who));
        o.set("adaptation", adaptation == null ? JSON.nullNode() : adaptation(vni));
        ObjectNode rate = o.putObject("rate").put("time", now.toString());
        if (vttif == null) {
            rate.putNull("bytesPerSecond");
        } else {
            rate.put("bytesPerSecond", vttif.matrix(io.vnet.api.NetworkId.of(vni)).totalWeight());
        }
        return o;
    }

    void enrolments(io.vnet.manager.EnrolmentService e) {
        this.enrolments = e;
    }

    private volatile io.vnet.manager.ClusterService clusterService;

    void cluster(io.vnet.manager.ClusterService c) {
        this.clusterService = c;
    }

    /** GET /api/cluster: this manager, the live managers and each network's owner. */
    JsonNode cluster() {
        io.vnet.manager.ClusterService c = clusterService;
        if (c == null) {
            throw new ApiError(503, "the manager's cluster service is not running");
        }
        ObjectNode o = JSON.createObjectNode().put("self", c.self()).put("clustered", c.clustered());
        ArrayNode members = o.putArray("members");
        for (io.vnet.manager.ClusterService.Member m : c.members()) {
            ObjectNode e = members.addObject().put("id", m.id()).put("agentAddress", m.agentAddress());
            if (m.apiAddress() != null) {
                e.put("apiAddress", m.apiAddress());
            }
        }
        ObjectNode owners = o.putObject("owners");
        c.owners().forEach((n, id) -> owners.put(Integer.toString(n.vni()), id));
        return o;
    }

    private io.vnet.manager.EnrolmentService enrolmentService() {
        io.vnet.manager.EnrolmentService e = enrolments;
        if (e == null) {
            throw new ApiError(409, "this manager does not enrol hosts: add \"enrolment\": {\"signCommand\": ...} to its"
                    + " configuration (README, Installing on a real cloud)");
        }
        return e;
    }

    /**
     * POST /api/enrolments (admin): a one-time token for a new host, {@code {"hostId", "role": "host" | "proxy",
     * "tenant" (a proxy's), "ttlMinutes"}}; the answer holds the token, shown this once.
     */
    JsonNode enrol(JsonNode body, Identity who) {
        adminOnly(who, "/api/enrolments");
        if (body == null || !body.isObject()) {
            throw new ApiError(400, "body: expected {\"hostId\", \"role\": \"host\" | \"proxy\", \"tenant\", \"ttlMinutes\"}");
        }
        io.vnet.protocol.Json.onlyFields(body, "", java.util.Set.of("hostId", "role", "tenant", "ttlMinutes"));
        String host = io.vnet.protocol.Json.text(body, "", "hostId");
        String role = io.vnet.protocol.Json.optText(body, "", "role", "host");
        String tenant = io.vnet.protocol.Json.optText(body, "", "tenant", null);
        Integer ttl = body.has("ttlMinutes") ? io.vnet.protocol.Json.integer(body, "", "ttlMinutes", 1, 30 * 24 * 60, 0) : null;
        requireStore("POST /api/enrolments");
        io.vnet.manager.EnrolmentService.Issued i;
        try {
            i = enrolmentService().issue(host, role, tenant, ttl == null ? null : java.time.Duration.ofMinutes(ttl), actor(who));
        } catch (IllegalStateException e) {
            throw new ApiError(409, e.getMessage());
        }
        ObjectNode o = JSON.createObjectNode().put("token", i.token()).put("id", i.id()).put("hostId", i.hostId())
                .put("role", i.role()).put("tenant", i.tenant()).put("expiresAt", i.expiresAt().toString());
        return o;
    }

    private JsonNode enrolmentList(Identity who) {
        adminOnly(who, "/api/enrolments");
        ArrayNode a = JSON.createArrayNode();
        for (io.vnet.manager.EnrolmentService.Listed l : enrolmentService().list(100)) {
            a.addObject().put("id", l.id()).put("hostId", l.hostId()).put("role", l.role()).put("tenant", l.tenant())
                    .put("createdBy", l.createdBy()).put("createdAt", l.createdAt().toString())
                    .put("expiresAt", l.expiresAt().toString()).put("usedAt", l.usedAt() == null ? null : l.usedAt().toString());
        }
        return a;
    }

    private io.vnet.manager.AdaptationService adaptationService() {
        if (adaptation == null) {
            throw new ApiError(503, "the manager's adaptation service is not running");
        }
        return adaptation;
    }

    /** The network's adaptation settings and its recorded decisions, newest first. */
    private JsonNode adaptation(int vni) {
        io.vnet.api.NetworkId n = io.vnet.api.NetworkId.of(vni);
        io.vnet.manager.AdaptationService a = adaptationService();
        ObjectNode o = JSON.createObjectNode().put("vni", vni);
        o.setAll(io.vnet.manager.AdaptationJson.settings(a.settings(n)));
        ArrayNode ds = o.putArray("decisions");
        a.decisions(n).forEach(d -> ds.add(io.vnet.manager.AdaptationJson.decision(d)));
        return o;
    }

    private JsonNode putAdaptation(int vni, JsonNode body, Identity who) {
        if (body == null || !body.isObject()) {
            throw new ApiError(400, "body: expected {\"mode\": \"off\" | \"recommend\" | \"automatic\", \"algorithm\": ...,"
                    + " \"migrate\": false, \"maxMigrationsPerHour\": 4}");
        }
        io.vnet.api.NetworkId n = io.vnet.api.NetworkId.of(vni);
        io.vnet.manager.AdaptationService a = adaptationService();
        io.vnet.manager.AdaptationService.Settings current = a.settings(n);
        io.vnet.manager.AdaptationService.Settings next = io.vnet.manager.AdaptationJson.settings(body, current);
        String refused = who.admin() ? null : tenantLimits.refusal(current, next);
        if (refused != null) {
            throw new ApiError(403, refused);
        }
        requireStore("PUT /api/networks/" + vni + "/adaptation");
        a.configure(n, next, actor(who));
        return adaptation(vni);
    }

    /** A dry run of VADAPT on the network now: what it would change and the gain it predicts. */
    private JsonNode plan(int vni, Map<String, String> query) {
        io.vnet.manager.AdaptationService a = adaptationService();
        String migrate = query.getOrDefault("migrate", "false");
        if (!migrate.equals("true") && !migrate.equals("false")) {
            throw new ApiError(400, "migrate: expected true or false, got '" + migrate + "'");
        }
        io.vnet.manager.AdaptationService.Recommendation r;
        try {
            r = a.recommend(io.vnet.api.NetworkId.of(vni), query.get("algorithm"), migrate.equals("true"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiError(409, e.getMessage());
        }
        return io.vnet.manager.AdaptationJson.recommendation(r);
    }

    static ObjectNode auditEntry(io.vnet.manager.AuditLog.Entry e) {
        return JSON.createObjectNode().put("id", e.id()).put("time", e.time().toString()).put("actor", e.actor())
                .put("action", e.action()).put("target", e.target()).put("detail", e.detail());
    }

    /** The manager's version (its REST bundle's) and the agent protocols it serves. */
    static ObjectNode version() {
        org.osgi.framework.Bundle b = org.osgi.framework.FrameworkUtil.getBundle(Api.class);
        return JSON.createObjectNode().put("software", b == null ? null : b.getVersion().toString())
                .put("protocol", io.vnet.protocol.messages.Hello.PROTOCOL)
                .put("minProtocol", io.vnet.protocol.messages.Hello.MIN_PROTOCOL);
    }

    static ObjectNode agent(HostInfo h) {
        ObjectNode o = JSON.createObjectNode().put("hostId", h.hostId()).put("role", h.role())
                .put("linkAddress", h.linkAddress()).put("connected", h.connected()).put("security", h.security())
                .put("software", h.software()).put("protocol", h.protocol());
        ArrayNode nets = o.putArray("networks");
        h.networks().forEach(n -> nets.add(n.vni()));
        ArrayNode vms = o.putArray("vms");
        h.vms().forEach((n, macs) -> macs.forEach(m -> vms.addObject().put("vni", n.vni()).put("mac", m.toString())));
        o.put("desiredGeneration", h.desiredGeneration()).put("appliedGeneration", h.appliedGeneration());
        ArrayNode errs = o.putArray("lastErrors");
        h.lastErrors().forEach(errs::add);
        ArrayNode named = o.putArray("instances");
        h.instances().forEach(v -> named.add(instance(v)));
        ArrayNode links = o.putArray("links");
        h.links().forEach(l -> links.add(link(l, true)));
        return o.put("lastSeen", h.lastSeen().toString());
    }

    /** An overlay link as measured; without {@code rates} its utilisation is null (what tenants get). */
    static ObjectNode link(io.vnet.manager.MeasuredLink l, boolean rates) {
        ObjectNode j = JSON.createObjectNode().put("id", l.id()).put("peer", l.peerHost()).put("transport", l.transport())
                .put("up", l.up()).put("rttMicros", l.rttMicros()).put("minRttMicros", l.minRttMicros());
        if (rates) {
            // the networks a link carries name other tenants' too: the admin's view only
            com.fasterxml.jackson.databind.node.ArrayNode vnis = j.putArray("vnis");
            l.networks().forEach(n -> vnis.add(n.vni()));
            return j.put("outBitsPerSecond", l.outBitsPerSecond()).put("inBitsPerSecond", l.inBitsPerSecond());
        }
        return j.putNull("outBitsPerSecond").putNull("inBitsPerSecond");
    }

    // ---- parameters

    private static ApiError notFound(String message) {
        return new ApiError(404, message);
    }

    private static String segment(String s, String field) {
        if (s.isEmpty()) {
            throw new ApiError(400, field + ": must not be empty");
        }
        return s;
    }

    static int vni(String s) {
        try {
            int v = Integer.parseInt(s);
            if (v >= 0 && v < (1 << 24)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiError(400, "vni: expected an integer 0..16777215, got '" + s + "'");
    }

    static Instant time(Map<String, String> q, String field) {
        String s = q.get(field);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new ApiError(400, field + ": expected an ISO-8601 instant like 2026-01-01T00:00:00Z, got '" + s + "'");
        }
    }

    static int limit(Map<String, String> q) {
        String s = q.get("limit");
        if (s == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int l = Integer.parseInt(s);
            if (l >= 1 && l <= 10_000) {
                return l;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiError(400, "limit: expected an integer 1..10000, got '" + s + "'");
    }

    // ---- JSON

    private static <T> ArrayNode array(List<T> items, Function<T, JsonNode> f) {
        ArrayNode a = JSON.createArrayNode();
        items.forEach(i -> a.add(f.apply(i)));
        return a;
    }

    static ObjectNode host(Host h) {
        return JSON.createObjectNode().put("hostId", h.hostId()).put("address", h.address())
                .put("role", h.role()).put("lastSeen", h.lastSeen().toString());
    }

    static ObjectNode network(Network n) {
        return JSON.createObjectNode().put("vni", n.vni()).put("name", n.name());
    }

    /** A VM an agent registered by name, with its NICs. */
    static ObjectNode instance(io.vnet.manager.VmInstance v) {
        ObjectNode o = JSON.createObjectNode().put("uuid", v.uuid()).put("name", v.name()).put("hostId", v.hostId())
                .put("source", v.source()).put("registeredAt", v.registeredAt().toString());
        ArrayNode nics = o.putArray("nics");
        for (io.vnet.manager.VmInstance.Nic n : v.nics()) {
            nics.addObject().put("vni", n.network().vni()).put("mac", n.mac().toString()).put("tap", n.tap())
                    .put("bridge", n.bridge());
        }
        return o;
    }

    static ObjectNode vm(Vm v) {
        return JSON.createObjectNode().put("mac", v.mac()).put("vni", v.vni()).put("hostId", v.hostId());
    }

    static ObjectNode desired(DesiredStateRecord d) {
        ObjectNode o = JSON.createObjectNode().put("hostId", d.hostId()).put("generation", d.generation())
                .put("createdAt", d.createdAt().toString());
        o.set("document", parse(d.document()));
        return o;
    }

    static ObjectNode topology(TopologyRecord t) {
        ObjectNode o = JSON.createObjectNode().put("vni", t.vni()).put("time", t.time().toString())
                .put("class", t.topologyClass());
        o.set("graph", parse(t.graph()));
        return o;
    }

    static ObjectNode matrix(TrafficMatrixRecord m) {
        ObjectNode o = JSON.createObjectNode().put("vni", m.vni()).put("time", m.time().toString());
        o.set("matrix", parse(m.document()));
        return o;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(json); // stored text that is not valid JSON: give it as is
        }
    }
}
