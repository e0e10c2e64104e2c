package io.vnet.manager.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.AgentRegistry;
import io.vnet.manager.DesiredState;
import io.vnet.manager.HostInfo;
import io.vnet.manager.Recorder;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import io.vnet.protocol.messages.Ack;
import io.vnet.protocol.messages.Hello;
import io.vnet.protocol.messages.Inventory;
import io.vnet.protocol.messages.Report;
import io.vnet.protocol.messages.StateMessage;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The agents known to this manager, their connections and what they told it. */
final class AgentSessions implements AgentRegistry {
    private static final System.Logger LOG = System.getLogger(AgentSessions.class.getName());

    private static final class Session {
        volatile Channel channel;
        volatile String role = "host";
        volatile String linkAddress;
        volatile List<NetworkId> networks = List.of();
        volatile Map<NetworkId, List<MacAddress>> vms = Map.of();
        volatile long applied = -1;
        volatile List<String> errors = List.of();
        volatile Instant lastSeen = Instant.now();
        volatile List<io.vnet.manager.MeasuredLink> links = List.of();
        volatile List<io.vnet.manager.VmInstance> instances = List.of();
        volatile String security = HostInfo.UNKNOWN;
        volatile boolean kernelPath;
        volatile String software;
        volatile int protocol;
        /** The owners last sent on {@link #channel}; null: none yet on this connection. */
        Map<NetworkId, Map<MacAddress, String>> ownersSent;
        /** What its certificate lets it carry (a proxy's tenant's networks); null: not narrowed. */
        volatile java.util.Set<NetworkId> allowed;
        volatile java.util.Set<NetworkId> ignoredNetworks = java.util.Set.of();
        /** The interval of its reports (0: none yet). */
        volatile long reportIntervalMs;
        /** The connection its last report (with its links) came on: what it says of its links is current there. */
        volatile Channel reportedOn;
        /** In a cluster: the manager the agent is connected to when that is another one (null: here, or none). */
        volatile String home;
    }

    /** A session that sent nothing for this long (or three report intervals, if longer) is not live. */
    static final long LIVE_MS = 10_000;

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Where each registered VM's address is, kept host by host. */
    private final OwnerIndex ownerIndex = new OwnerIndex();
    /** Each network's carriers (host ids), kept as sessions' networks change. */
    private final Map<NetworkId, java.util.Set<String>> carriers = new ConcurrentHashMap<>();
    /** Told of every acknowledgement of a connected agent (host, generation, errors); none by default. */
    private volatile AckListener ackListener = (h, g, e) -> { };

    /** Hears what an agent connected here applied. */
    interface AckListener {
        void acked(String hostId, long generation, List<String> errors);
    }

    void ackListener(AckListener l) {
        this.ackListener = l;
    }
    private final Map<String, DesiredState> desired = new ConcurrentHashMap<>();
    private final Recorder records;
    private final ProxyScope scope;

    AgentSessions(Recorder records) {
        this(records, ProxyScope.unscoped());
    }

    AgentSessions(Recorder records, ProxyScope scope) {
        this.records = records;
        this.scope = scope;
    }

    /** An agent said hello on {@code ch} (its JSON, read here); returns its desired state to push, if any. */
    Optional<DesiredState> hello(Channel ch, JsonNode hello) {
        return hello(ch, Hello.read(hello), null);
    }

    /**
     * An agent said hello on {@code ch}, holding a certificate for {@code identity} (null: none, or
     * not known); returns its desired state to push, if any. A proxy's networks are narrowed to
     * its tenant's ({@link ProxyScope}).
     */
    Optional<DesiredState> hello(Channel ch, JsonNode hello, io.vnet.protocol.CertIdentity identity) {
        return hello(ch, Hello.read(hello), identity);
    }

    /** As {@link #hello(Channel, JsonNode, io.vnet.protocol.CertIdentity)}, read. */
    Optional<DesiredState> hello(Channel ch, Hello hello, io.vnet.protocol.CertIdentity identity) {
        String hostId = hello.hostId();
        // everything the hello says is checked before the session changes (its reader checked its addresses and
        // networks): a bad hello changes nothing
        String linkAddress = reachable(hello.linkAddress(), ch);
        java.util.Set<NetworkId> allowed = scope.allowed(identity);
        Session s = sessions.computeIfAbsent(hostId, h -> new Session());
        Channel old = s.channel;
        s.channel = ch;
        s.home = null;
        take(hostId, s, hello, identity, allowed, linkAddress);
        int dropped = hello.inventory().macs().size() - s.vms.values().stream().mapToInt(List::size).sum();
        java.util.Set<NetworkId> touched = indexInstances(hostId, s);
        s.security = io.vnet.protocol.Tls.peerId(ch) != null ? HostInfo.MUTUAL_TLS : HostInfo.INSECURE;
        if (old != null && old != ch) {
            old.close();
        }
        synchronized (this) {
            s.ownersSent = null;
        }
        pushOwners(touched, hostId);
        records.host(hostId, s.linkAddress, s.role);
        records.vms(hostId, s.vms);
        LOG.log(Level.INFO, "agent " + hostId + " (" + s.role + ") registered from " + ch.remoteAddress() + ": networks "
                + s.networks + ", " + s.vms.values().stream().mapToInt(List::size).sum() + " VM(s)"
                + omitted(hello.inventory().macsOmitted(), dropped) + ", links at " + s.linkAddress
                + ", applied generation " + s.applied + ", protocol " + hello.protocol()
                + (hello.software() != null ? ", software " + hello.software() : ""));
        DesiredState d = desired.get(hostId);
        return d != null && d.generation() != s.applied ? Optional.of(scope.desired(allowed, d)) : Optional.empty();
    }

    /**
     * What a hello says of its agent, taken into its session (here, or relayed from its manager): the
     * networks, VMs and VM registrations the agent may carry ({@code allowed}), its role, addresses, versions
     * and applied generation.
     */
    private void take(String hostId, Session s, Hello hello, Object identity, java.util.Set<NetworkId> allowed,
                      String linkAddress) {
        List<NetworkId> reported = hello.inventory().networks();
        List<NetworkId> networks = scope.networks(allowed, reported);
        Map<NetworkId, List<MacAddress>> vms = scope.vms(allowed, vms(hello.inventory().macs()));
        List<io.vnet.manager.VmInstance> instances = scope.instances(allowed, instances(hostId, hello.inventory()));
        s.allowed = allowed;
        ignoring(hostId, s, identity, reported);
        s.role = hello.role();
        s.linkAddress = linkAddress;
        s.kernelPath = hello.kernelPath();
        s.software = hello.software();
        s.protocol = hello.protocol();
        setNetworks(hostId, s, networks);
        s.vms = vms;
        s.instances = keepTimes(s.instances, instances);
        s.applied = hello.generation();
        s.lastSeen = Instant.now();
    }

    /** Logs the networks a narrowed agent reports outside what it may carry, when they change. */
    private static void ignoring(String hostId, Session s, Object who, List<NetworkId> reported) {
        java.util.Set<NetworkId> outside = ProxyScope.outside(s.allowed, reported);
        if (!outside.equals(s.ignoredNetworks)) {
            s.ignoredNetworks = outside;
            if (!outside.isEmpty()) {
                LOG.log(Level.WARNING, "agent " + hostId + (who != null ? " (" + who + ")" : "") + " reports networks "
                        + outside + " outside what its certificate lets it carry (" + ProxyScope.describe(s.allowed)
                        + "); they are ignored");
            }
        }
    }

    /** Whether {@code hostId} has reported its links on its current connection (so its links are known). */
    boolean linksKnown(String hostId) {
        Session s = sessions.get(hostId);
        return s != null && s.channel != null && s.reportedOn == s.channel;
    }

    /** What the agent's certificate lets it carry (null: not narrowed). */
    java.util.Set<NetworkId> allowed(String hostId) {
        Session s = sessions.get(hostId);
        return s == null ? null : s.allowed;
    }

    /**
     * The connection of {@code hostId}'s live session, or null: open, and heard from within
     * {@value #LIVE_MS} ms or three of its report intervals (the manager channel has no keepalive
     * of its own; a half-open connection of a crashed agent must not lock its host out).
     */
    Channel liveChannel(String hostId) {
        Session s = sessions.get(hostId);
        Channel ch = s == null ? null : s.channel;
        long quiet = java.time.Duration.between(s == null ? Instant.EPOCH : s.lastSeen, Instant.now()).toMillis();
        long limit = Math.max(LIVE_MS, 3 * (s == null ? 0 : s.reportIntervalMs));
        return ch != null && ch.isActive() && quiet <= limit ? ch : null;
    }

    ProxyScope scope() {
        return scope;
    }

    /** How many reported entries of networks outside a proxy's tenant were ignored. */
    long ignoredOutsideTenant() {
        return scope.ignored();
    }

    /** A listen address of 0.0.0.0 means "where you see me": take the connection's source address. */
    private static String reachable(String linkAddress, Channel ch) {
        return reachable(linkAddress, ch.remoteAddress() instanceof InetSocketAddress isa
                ? isa.getAddress().getHostAddress() : null);
    }

    /** As above, seen from {@code fromHost} (an address without a port; null: not known). */
    static String reachable(String linkAddress, String fromHost) {
        if (linkAddress == null) {
            return null;
        }
        io.vnet.api.Endpoint.parse(linkAddress); // HOST:PORT, else IllegalArgumentException naming it
        int colon = linkAddress.lastIndexOf(':');
        String host = linkAddress.substring(0, colon);
        if ((host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) && fromHost != null) {
            return fromHost + linkAddress.substring(colon);
        }
        return linkAddress;
    }

    /**
     * An agent's VM addresses per network: at most {@link ManagerProtocol#MAX_MACS_PER_NETWORK} per
     * network and {@link ManagerProtocol#MAX_MACS} in all, in the order listed (an agent lists no
     * more; one from before the bound, or a faulty one, might).
     */
    static Map<NetworkId, List<MacAddress>> vms(List<Inventory.VmAddress> macs) {
        Map<NetworkId, List<MacAddress>> out = new TreeMap<>();
        int total = 0;
        for (Inventory.VmAddress m : macs) {
            NetworkId n = m.network();
            MacAddress mac = m.mac();
            List<MacAddress> list = out.get(n);
            if (total < ManagerProtocol.MAX_MACS && (list == null || list.size() < ManagerProtocol.MAX_MACS_PER_NETWORK)) {
                out.computeIfAbsent(n, k -> new ArrayList<>()).add(mac);
                total++;
            }
        }
        out.replaceAll((k, v) -> List.copyOf(v));
        return out;
    }

    private static String omitted(long byAgent, int here) {
        return byAgent <= 0 && here <= 0 ? "" : " (" + (byAgent + here) + " more address(es) left out: "
                + ManagerProtocol.MAX_MACS_PER_NETWORK + " per network, " + ManagerProtocol.MAX_MACS + " in all)";
    }

    /** The VMs an agent registered by name ({@code vms[]}, read here); entries it could not have meant are skipped and logged. */
    static List<io.vnet.manager.VmInstance> instances(String hostId, JsonNode a) {
        com.fasterxml.jackson.databind.node.ObjectNode m = Json.object();
        m.set("vms", a);
        return instances(hostId, Inventory.read(m));
    }

    /** The VMs of an inventory; registrations that are not valid are skipped and logged. */
    static List<io.vnet.manager.VmInstance> instances(String hostId, Inventory inventory) {
        inventory.badVms().forEach(bad -> LOG.log(Level.WARNING, "agent " + hostId + " registered a bad VM " + bad));
        if (inventory.badVmsOmitted() > 0) {
            LOG.log(Level.WARNING, "agent " + hostId + " registered " + inventory.badVmsOmitted()
                    + " more bad VM(s), not shown");
        }
        List<io.vnet.manager.VmInstance> out = new ArrayList<>();
        for (Inventory.RegisteredVm v : inventory.vms() == null ? List.<Inventory.RegisteredVm>of() : inventory.vms()) {
            try {
                List<io.vnet.manager.VmInstance.Nic> nics = new ArrayList<>();
                for (Inventory.RegisteredVm.Nic n : v.nics()) {
                    nics.add(new io.vnet.manager.VmInstance.Nic(n.network(), n.mac(), n.tap(), n.bridge()));
                }
                out.add(new io.vnet.manager.VmInstance(v.uuid(), v.name(), hostId, v.source(), nics, Instant.now()));
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "agent " + hostId + " registered a bad VM " + v + ": " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    /** {@code now}, where a VM was registered before as it is: with its earlier registration time. */
    static List<io.vnet.manager.VmInstance> keepTimes(List<io.vnet.manager.VmInstance> before,
                                                      List<io.vnet.manager.VmInstance> now) {
        List<io.vnet.manager.VmInstance> out = new ArrayList<>();
        for (io.vnet.manager.VmInstance v : now) {
            io.vnet.manager.VmInstance old = before.stream().filter(b -> b.uuid().equals(v.uuid())).findFirst().orElse(null);
            out.add(v.sameAs(old) ? old : v);
        }
        return List.copyOf(out);
    }

    /**
     * An agent's networks, VM addresses or named VMs changed ({@code vms} message), or its
     * periodic report carries them again.
     */
    void inventory(String hostId, JsonNode msg) {
        inventory(hostId, Inventory.read(msg), ManagerProtocol.VMS.equals(msg.path("type").asText()));
    }

    /** As {@link #inventory(String, JsonNode)}, read; {@code update}: a vms message (its changes are logged). */
    void inventory(String hostId, Inventory inv, boolean update) {
        Session s = sessions.get(hostId);
        if (s == null) {
            return;
        }
        s.lastSeen = Instant.now();
        boolean networksChanged = false;
        boolean vmsMoved = false;
        if (inv.networks() != null) {
            List<NetworkId> reported = inv.networks();
            ignoring(hostId, s, null, reported);
            List<NetworkId> now = scope.networks(s.allowed, reported);
            networksChanged = !now.equals(s.networks);
            if (networksChanged) {
                setNetworks(hostId, s, now);
            }
        }
        if (inv.macs() != null) {
            // every inventory goes to the store (which writes a VM seen in two of them in a row): agents carry it
            // when it changed, in the report after that, and every 30 s, not in every report
            s.vms = scope.vms(s.allowed, vms(inv.macs()));
            records.vms(hostId, s.vms);
        }
        if (inv.vms() != null) {
            List<io.vnet.manager.VmInstance> now = keepTimes(s.instances,
                    scope.instances(s.allowed, instances(hostId, inv)));
            if (!now.equals(s.instances) && update) {
                LOG.log(Level.INFO, "agent " + hostId + " runs " + now.size() + " VM(s) by name: "
                        + now.stream().map(io.vnet.manager.VmInstance::name).toList());
            }
            // only host agents' VMs place addresses (VmOwners): a proxy's list changes nobody's owners
            vmsMoved = !now.equals(s.instances) && io.vnet.protocol.CertIdentity.HOST.equals(s.role);
            s.instances = now;
        }
        java.util.Set<NetworkId> touched = vmsMoved ? indexInstances(hostId, s) : java.util.Set.of();
        if (!touched.isEmpty() || networksChanged) {
            pushOwners(touched, networksChanged ? hostId : null);
        }
    }

    /** A session's networks are now {@code now}: the carriers' index follows. */
    private void setNetworks(String hostId, Session s, List<NetworkId> now) {
        List<NetworkId> before = s.networks;
        s.networks = now;
        for (NetworkId n : before) {
            if (!now.contains(n)) {
                java.util.Set<String> c = carriers.get(n);
                if (c != null) {
                    c.remove(hostId);
                }
            }
        }
        for (NetworkId n : now) {
            carriers.computeIfAbsent(n, k -> ConcurrentHashMap.newKeySet()).add(hostId);
        }
    }

    /** The session's registrations into the owners' index (a host agent's only); the networks that touched. */
    private java.util.Set<NetworkId> indexInstances(String hostId, Session s) {
        return ownerIndex.replace(hostId, io.vnet.protocol.CertIdentity.HOST.equals(s.role) ? s.instances : List.of());
    }

    /**
     * Sends the agents connected here that carry a network of {@code touched} their owners ({@link OwnerIndex}),
     * where they differ from what their connection was last sent, and agent {@code also} (null: none) all of its
     * own. Called when an agent registers and when an agent's VMs or networks change, so an agent hears of a VM
     * that moved as soon as the manager does; it costs the touched networks' agents, not the zone's. With a
     * {@link #coalesceOwners coalescing period}, the agents are marked and sent once per period instead: a
     * thousand hosts saying hello within a second make each agent of their networks one message, not a thousand.
     */
    synchronized void pushOwners(java.util.Set<NetworkId> touched, String also) {
        java.util.Set<String> to = new java.util.TreeSet<>();
        for (NetworkId n : touched) {
            java.util.Set<String> c = carriers.get(n);
            if (c != null) {
                to.addAll(c);
            }
        }
        if (also != null) {
            to.add(also);
        }
        if (ownersDue != null) {
            ownersDue.addAll(to);
            return;
        }
        sendOwners(to);
    }

    /** How often the manager's channel sends the owners that became due. */
    static final long OWNERS_PERIOD_MS = 100;

    /** The agents whose owners are due at the next period (null: sent at once, no period). */
    private java.util.Set<String> ownersDue;

    /**
     * Sends owners every {@code periodMs} on {@code executor} to the agents that became due since, instead of at
     * once (the channel's choice: an agent hears of a moved VM within the period).
     */
    synchronized void coalesceOwners(java.util.concurrent.ScheduledExecutorService executor, long periodMs) {
        ownersDue = new java.util.HashSet<>();
        executor.scheduleWithFixedDelay(this::sendDueOwners, periodMs, periodMs, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private synchronized void sendDueOwners() {
        try {
            if (ownersDue.isEmpty()) {
                return;
            }
            sendOwners(ownersDue);
            ownersDue.clear();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "sending owners failed: " + e);
        }
    }

    /** Sends every connected agent its owners where they changed (tests; the channel uses {@link #pushOwners(java.util.Set, String)}). */
    synchronized void pushOwners() {
        sendOwners(sessions.keySet());
    }

    /** Sends each of {@code hosts} its owners where they changed, each network's owners looked up once. */
    private void sendOwners(java.util.Collection<String> hosts) {
        Map<NetworkId, Map<MacAddress, String>> cache = new java.util.HashMap<>();
        for (String h : hosts) {
            Session s = sessions.get(h);
            if (s != null) {
                sendOwners(s, cache);
            }
        }
    }

    /** Sends {@code s} the owners of its networks, if they differ from what its connection was sent. */
    private void sendOwners(Session s, Map<NetworkId, Map<MacAddress, String>> cache) {
        Channel ch = s.channel;
        if (ch == null || !ch.isActive()) {
            return;
        }
        Map<NetworkId, Map<MacAddress, String>> mine = new java.util.LinkedHashMap<>();
        for (NetworkId n : s.networks) {
            mine.put(n, cache.computeIfAbsent(n, ownerIndex::owners));
        }
        if (!mine.equals(s.ownersSent)) {
            ch.writeAndFlush(io.vnet.protocol.OwnersMessage.write(mine));
            s.ownersSent = mine;
        }
    }

    void report(String hostId, JsonNode report) {
        report(hostId, Report.read(report));
    }

    void report(String hostId, Report report) {
        Session s = sessions.get(hostId);
        if (s != null) {
            s.reportIntervalMs = Math.max(0, Math.min(3_600_000, report.intervalMs() == null ? 0 : report.intervalMs()));
            inventory(hostId, report.inventory(), false);
            if (report.links() != null) {
                s.links = links(report.links());
                s.reportedOn = s.channel;
            }
        }
    }

    /** The links of a report, as the manager's API says them. */
    static List<io.vnet.manager.MeasuredLink> links(List<Report.LinkReport> links) {
        List<io.vnet.manager.MeasuredLink> out = new java.util.ArrayList<>();
        for (Report.LinkReport l : links) {
            out.add(new io.vnet.manager.MeasuredLink(l.id(), l.peer(), l.transport(), l.up(), l.rttMicros(),
                    l.minRttMicros(), l.outBitsPerSecond(), l.inBitsPerSecond(), l.vnis()));
        }
        return List.copyOf(out);
    }

    void ack(String hostId, JsonNode ack) {
        ack(hostId, Ack.read(ack));
    }

    void ack(String hostId, Ack ack) {
        Session s = sessions.get(hostId);
        if (s == null) {
            return;
        }
        s.applied = ack.generation();
        List<String> errors = ack.errors();
        s.errors = errors;
        if (s.home == null) {
            ackListener.acked(hostId, s.applied, errors);
        }
        LOG.log(errors.isEmpty() ? Level.INFO : Level.WARNING, "agent " + hostId + " applied generation " + s.applied
                + (errors.isEmpty() ? "" : " with errors " + errors));
    }

    /**
     * In a cluster: agent {@code hello.hostId()} said hello to manager {@code home}, which relays it
     * (its certificate was checked there). The session is the agent's here too, with no channel:
     * this manager sends it nothing (its manager does), and counts it connected while the relay
     * brings its messages.
     */
    void helloRelayed(String home, Hello hello, io.vnet.protocol.CertIdentity identity, String security, String remote) {
        String hostId = hello.hostId();
        Session s = sessions.computeIfAbsent(hostId, h -> new Session());
        Channel old = s.channel;
        if (old != null) {
            s.channel = null; // it moved to another manager: a connection here is a stale one
            old.close();
        }
        s.home = home;
        take(hostId, s, hello, identity, scope.allowed(identity), reachable(hello.linkAddress(), remote));
        s.security = security == null ? HostInfo.UNKNOWN : security;
        s.reportedOn = null;
        pushOwners(indexInstances(hostId, s), null);
        LOG.log(Level.INFO, "agent " + hostId + " (" + s.role + ") registered with manager " + home + ": networks "
                + s.networks + ", " + s.vms.values().stream().mapToInt(List::size).sum() + " VM(s)");
    }

    /** Agent {@code hostId} left manager {@code home} (or {@code home} went away): not connected any more. */
    void goneRelayed(String hostId, String home) {
        Session s = sessions.get(hostId);
        if (s != null && home.equals(s.home)) {
            s.home = null; // neither here nor relayed: not connected (its last-seen time stays what it was)
            LOG.log(Level.WARNING, "agent " + hostId + " disconnected from manager " + home);
        }
    }

    /** Manager {@code home} went away: every agent connected to it is gone from here too (until it says hello again). */
    void peerGone(String home) {
        sessions.forEach((id, s) -> goneRelayed(id, home));
    }

    /** The manager agent {@code hostId} is connected to if that is another one (empty: here, or nowhere). */
    Optional<String> home(String hostId) {
        Session s = sessions.get(hostId);
        return s == null ? Optional.empty() : Optional.ofNullable(s.home);
    }

    /** Whether {@code ch} is agent {@code hostId}'s connection here. */
    boolean onChannel(String hostId, Channel ch) {
        Session s = sessions.get(hostId);
        return s != null && s.channel == ch;
    }

    /** Whether agent {@code hostId} is connected here (not through another manager). */
    boolean here(String hostId) {
        return liveChannel(hostId) != null;
    }

    void closed(String hostId, Channel ch) {
        Session s = sessions.get(hostId);
        if (s != null && s.channel == ch) {
            s.channel = null;
            LOG.log(Level.WARNING, "agent " + hostId + " disconnected");
        }
    }

    /** Recorder {@code d} and sends it to its agent if connected. */
    void desire(DesiredState d) {
        desired.put(d.hostId(), d);
        records.desired(d);
        Session s = sessions.get(d.hostId());
        Channel ch = s == null ? null : s.channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(message(scope.desired(s.allowed, d)));
        }
    }

    /** A desired state kept from before a manager restart: sent when its agent next says hello. */
    void restore(DesiredState d) {
        desired.put(d.hostId(), d);
    }

    Optional<DesiredState> desired(String hostId) {
        return Optional.ofNullable(desired.get(hostId));
    }

    static ObjectNode message(DesiredState d) {
        return new StateMessage(d.generation(), d.links(), d.rules(), d.quiet()).toJson();
    }

    @Override
    public List<HostInfo> hosts() {
        List<HostInfo> out = new ArrayList<>();
        new TreeMap<>(sessions).forEach((id, s) -> out.add(info(id, s)));
        return out;
    }

    @Override
    public Optional<HostInfo> host(String hostId) {
        Session s = sessions.get(hostId);
        return s == null ? Optional.empty() : Optional.of(info(hostId, s));
    }

    private HostInfo info(String id, Session s) {
        DesiredState d = desired.get(id);
        // connected: open and heard from lately (a host whose underlay died leaves a half-open connection)
        boolean relayedLive = s.home != null && java.time.Duration.between(s.lastSeen, Instant.now()).toMillis()
                <= Math.max(LIVE_MS, 3 * s.reportIntervalMs);
        return new HostInfo(id, s.role, s.linkAddress, liveChannel(id) != null || relayedLive, s.networks, s.vms,
                d == null ? -1 : d.generation(), s.applied, s.errors, s.lastSeen, s.links, s.instances, s.security,
                s.kernelPath, s.software, s.protocol);
    }
}
