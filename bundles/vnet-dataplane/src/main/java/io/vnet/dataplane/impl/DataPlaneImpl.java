package io.vnet.dataplane.impl;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.vnet.api.Endpoint;
import io.vnet.api.ForwardingRule;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.LanSpec;
import io.vnet.api.LinkSpec;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.api.PortStats;
import io.vnet.dataplane.DataPlane;
import io.vnet.dataplane.DataPlaneConfig;
import io.vnet.dataplane.TrafficGrowth;
import io.vnet.dataplane.count.BridgePairCounter;
import io.vnet.dataplane.count.PairCounters;
import io.vnet.dataplane.forward.Forwarder;
import io.vnet.dataplane.link.LinkTransport;
import io.vnet.dataplane.link.OverlayLink;
import io.vnet.dataplane.link.Links;
import io.vnet.dataplane.link.VxlanLinks;
import io.vnet.dataplane.pcap.PcapPort;
import io.vnet.dataplane.tap.TapPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A data plane: one forwarder, the links on Netty event loops, and the TAPs read by those loops (a queue per loop). */
public final class DataPlaneImpl implements DataPlane {
    private static final System.Logger LOG = System.getLogger(DataPlaneImpl.class.getName());

    private final DataPlaneConfig config;
    private final PairCounters pairs;
    private final Forwarder forwarder;
    private final RemovedLinks removedLinks = new RemovedLinks();
    private BridgePairCounter bridgePairs;
    /** The kernel's early drop of forged sources, while {@link #ownedSourcesOnly} is on (null otherwise). */
    private io.vnet.dataplane.tap.BridgeGuard guard;
    /** What {@link #setOwners} last said is owned here, per network (the guard is filled from it). */
    private final Map<Integer, long[]> ownedHere = new HashMap<>();
    /** What {@link #setOwners} last said is owned on other hosts, per network (for the kernel path). */
    private final Map<Integer, long[]> ownedElsewhere = new HashMap<>();
    /** Why the guard could not start (null if it did or was not asked for). */
    private String guardFailure;
    private final Transport transport;
    private final Links links;
    private final VxlanLinks vxlan;
    /** The VXLAN links when they take the kernel path (then {@link #vxlan} only sends for them), else null. */
    private final io.vnet.dataplane.kernel.KernelLinks kernel;
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private volatile long holdMillis = 300_000;
    private final Map<String, TapPort> taps = new LinkedHashMap<>();
    private final Map<String, PcapPort> lans = new LinkedHashMap<>();
    /** The reporter's view of the same-host pairs (the kernel's counters are cumulative). */
    private final io.vnet.dataplane.count.CounterDeltas<SameHostKey> sameHostDeltas =
            new io.vnet.dataplane.count.CounterDeltas<>();

    public DataPlaneImpl(DataPlaneConfig config) {
        this.config = config;
        this.pairs = config.countPairs() ? new PairCounters() : null;
        this.forwarder = new Forwarder(pairs, config.maxLearned());
        if (config.countPairs()) {
            try {
                bridgePairs = BridgePairCounter.start();
            } catch (IOException e) {
                LOG.log(Level.ERROR, "traffic between VMs on this host will not be counted: " + e.getMessage());
            }
        }
        this.transport = Transport.create(config.eventLoops(), config.realtimePriority());
        this.links = new Links(config.hostId(), config.listen(), config.maxFrame(), config.keepalive(),
                config.backoffMin(), config.backoffMax(), transport.group(), transport.channel(),
                transport.server(), forwarder);
        try {
            if (config.tls() != null) {
                links.useTls(io.vnet.protocol.Tls.load(config.tls()));
            }
            links.readOffloads(config.offloads());
            links.useLanes(config.linkLanes());
            links.detectAfter(config.linkTimeout());
            links.start();
            // on the kernel path the links' devices listen on their ports; the agent's own socket
            // only sends what reaches it, from a port of its own
            Endpoint vx = config.vxlanListen();
            vxlan = vx == null ? null : new VxlanLinks(new java.net.InetSocketAddress(vx.host(),
                    config.kernelPath() ? 0 : vx.port()), transport.group(), transport.datagram(), forwarder,
                    config.offloads());
            kernel = config.kernelPath() ? new io.vnet.dataplane.kernel.KernelLinks(vxlan, this::bridgeOf, config.maxLearned()) : null;
            if (vxlan != null && !config.kernelPath()) {
                vxlan.probe(config.keepalive(), config.linkTimeout()); // kernel-path links: judged by their devices
            }
        } catch (IOException e) {
            links.close();
            transport.group().shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new UncheckedIOException(e);
        }
        LOG.log(Level.INFO, "data plane of host " + config.hostId() + " started (" + transport.name()
                + " transport, max frame " + config.maxFrame() + " bytes, TCP links "
                + (config.tls() != null ? "with mutual TLS (" + io.vnet.protocol.Tls.providerName() + "), CA "
                + config.tls().ca() : "in plain TCP")
                + (config.offloads() ? ", TAP offloads on" : ", TAP offloads off") + ")");
    }

    @Override
    public String hostId() {
        return config.hostId();
    }

    @Override
    public int listenPort() {
        return links.listenPort();
    }

    @Override
    public void addNetwork(NetworkId network) {
        forwarder.addNetwork(network.vni());
    }

    @Override
    public List<NetworkId> networks() {
        return forwarder.networks();
    }

    @Override
    public synchronized void addInterface(InterfaceSpec spec) throws IOException {
        if (taps.containsKey(spec.id()) || lans.containsKey(spec.id())) {
            throw new IllegalArgumentException("interface " + spec.id() + " exists already");
        }
        if (spec.maxFrame() > config.maxFrame()) {
            throw new IllegalArgumentException("interface " + spec.id() + ": MTU " + spec.mtu()
                    + " needs frames of " + spec.maxFrame() + " bytes, above this daemon's maximum " + config.maxFrame());
        }
        TapPort tap = TapPort.open(spec, forwarder, alloc, config.offloads(), tapQueues());
        forwarder.addInterface(spec.network().vni(), tap);
        taps.put(spec.id(), tap);
        tap.start(transport.group());
        updateBridgeTaps();
        if (guard != null && spec.bridge() != null) {
            guard.tap(spec.id(), spec.network().vni());
        }
        String readers = !tap.readsOnEventLoop() ? (tap.queues() > 1 ? "a thread each" : "a thread")
                : tap.readLoops() > 1 ? tap.readLoops() + " event loops" : "an event loop";
        LOG.log(Level.INFO, "interface " + spec.id() + " up: vni " + spec.network() + " on bridge " + spec.bridge()
                + ", MTU " + spec.mtu() + (tap.offloads() ? ", offloads (TSO, checksum)" : "")
                + ", " + tap.queues() + (tap.queues() > 1 ? " queues" : " queue") + " read by " + readers);
    }

    /**
     * How many queues a TAP gets: one per event loop where the epoll transport has more than one
     * loop (so that every loop reads a share of the VMs' flows; at most {@link
     * io.vnet.dataplane.tap.TapDevice#MAX_QUEUES}), else one, an ordinary TAP.
     */
    private int tapQueues() {
        if (!"epoll".equals(transport.name())) {
            return 1;
        }
        int loops = 0;
        for (io.netty.util.concurrent.EventExecutor ignored : transport.group()) {
            loops++;
        }
        return Math.min(Math.max(loops, 1), io.vnet.dataplane.tap.TapDevice.MAX_QUEUES);
    }

    @Override
    public synchronized boolean removeInterface(String id) {
        TapPort tap = taps.remove(id);
        if (tap == null) {
            return false;
        }
        forwarder.removePort(tap.id());
        tap.close();
        updateBridgeTaps();
        if (guard != null) {
            guard.untap(id);
        }
        return true;
    }

    @Override
    public synchronized List<InterfaceSpec> interfaces() {
        List<InterfaceSpec> out = new ArrayList<>();
        for (TapPort t : taps.values()) {
            out.add(t.spec());
        }
        return out;
    }

    @Override
    public synchronized void addLan(LanSpec spec) throws IOException {
        if (taps.containsKey(spec.device()) || lans.containsKey(spec.device())) {
            throw new IllegalArgumentException("interface " + spec.device() + " exists already");
        }
        if (spec.maxFrame() > config.maxFrame()) {
            throw new IllegalArgumentException("LAN device " + spec.device() + ": MTU " + spec.mtu()
                    + " needs frames of " + spec.maxFrame() + " bytes, above this daemon's maximum " + config.maxFrame());
        }
        PcapPort port;
        try {
            port = PcapPort.open(spec, forwarder, alloc);
        } catch (NoClassDefFoundError e) {
            throw new IOException("LAN device " + spec.device() + " needs pcap4j, and its bundle (io.vnet.wrap.pcap4j)"
                    + " is not in this runtime: " + e.getMessage(), e);
        }
        forwarder.addInterface(spec.network().vni(), port);
        lans.put(spec.device(), port);
        port.start();
        LOG.log(Level.INFO, "LAN device " + spec.device() + " up: vni " + spec.network()
                + ", captured promiscuously and injected with pcap, MTU " + spec.mtu());
    }

    @Override
    public synchronized boolean removeLan(String device) {
        PcapPort port = lans.remove(device);
        if (port == null) {
            return false;
        }
        forwarder.removePort(port.id());
        port.close();
        return true;
    }

    @Override
    public synchronized List<LanSpec> lans() {
        List<LanSpec> out = new ArrayList<>();
        for (PcapPort p : lans.values()) {
            out.add(p.spec());
        }
        return out;
    }

    /** The transports links are made by: TCP and TLS, and VXLAN where this daemon has a VXLAN socket. */
    private List<LinkTransport> transports() {
        return vxlan == null ? List.of(links) : List.of(links, kernel != null ? kernel : vxlan);
    }

    /** Network {@code vni}'s bridge here, with the agent's TAP on it (null if it has none). */
    private io.vnet.dataplane.kernel.KernelLinks.Bridge bridgeOf(int vni) {
        synchronized (this) {
            for (TapPort t : taps.values()) {
                if (t.spec().bridge() != null && t.spec().network().vni() == vni) {
                    return new io.vnet.dataplane.kernel.KernelLinks.Bridge(t.spec().bridge(), t.spec().id(), t.spec().mtu());
                }
            }
        }
        return null;
    }

    /** Tells the kernel path what changed in the rules (its bridges' static entries follow them). */
    private void kernelRules() {
        if (kernel != null) {
            kernel.rules(forwarder.rules());
        }
    }

    /** Tells the pair counter which bridge ports are kernel links. */
    private void kernelDevices() {
        if (kernel != null && bridgePairs != null) {
            try {
                bridgePairs.setLinks(kernel.devices().stream().map(io.vnet.dataplane.kernel.KernelDevice::name).toList());
            } catch (IOException e) {
                LOG.log(Level.WARNING, "updating the kernel links counted as the overlay: " + e.getMessage());
            }
        }
    }

    /** The link {@code id}, whatever carries it, or null. */
    private OverlayLink link(String id) {
        for (LinkTransport t : transports()) {
            OverlayLink l = t.get(id);
            if (l != null) {
                return l;
            }
        }
        return null;
    }

    /** Every link: TCP and TLS ones first, each transport's by id. */
    private List<OverlayLink> allLinks() {
        List<OverlayLink> out = new ArrayList<>();
        for (LinkTransport t : transports()) {
            out.addAll(t.all());
        }
        return out;
    }

    @Override
    public synchronized void addLink(LinkSpec spec) {
        if (link(spec.id()) != null) {
            throw new IllegalArgumentException("link " + spec.id() + " exists already");
        }
        if (spec.isVxlan() && vxlan == null) {
            throw new IllegalArgumentException("link " + spec.id() + " is a VXLAN link, but this daemon has no VXLAN"
                    + " socket (set vxlanListen)");
        }
        LinkTransport transport = spec.isVxlan() ? (kernel != null ? kernel : vxlan) : links;
        OverlayLink port = transport.add(spec);
        try {
            forwarder.addLink(port);
        } catch (IllegalArgumentException e) {
            transport.remove(spec.id());
            throw e;
        }
        transport.open(port);
        kernelDevices();
        kernelRules();
        LOG.log(Level.INFO, "link " + spec.id() + " added: peer " + spec.peerHost()
                + (spec.isVxlan() ? " via vxlan " + spec.connect() : spec.dials() ? " via " + spec.connect() : " (accepting)")
                + (spec.flood() ? ", flooding" : ""));
    }

    @Override
    public synchronized void updateLink(LinkSpec spec) {
        OverlayLink link = link(spec.id());
        if (link == null) {
            throw new IllegalArgumentException("no link " + spec.id());
        }
        LinkSpec before = link.spec();
        if (!before.sameConnection(spec)) {
            throw new IllegalArgumentException("link " + spec.id() + " differs in more than its networks: remove it and"
                    + " add it again");
        }
        link.carry(spec);
        List<ForwardingRule> gone = forwarder.networksChanged(link.id());
        kernelDevices();
        kernelRules();
        LOG.log(Level.INFO, "link " + spec.id() + " now carries networks " + spec.networks() + " (was "
                + before.networks() + ")" + (spec.flooded().equals(before.flooded()) ? ""
                : ", floods " + spec.flooded() + " (was " + before.flooded() + ")")
                + (gone.isEmpty() ? "" : "; rules removed " + gone));
    }

    @Override
    public void revokeCertificates(java.util.Collection<String> fingerprints) {
        links.revokedByManager(fingerprints);
    }

    @Override
    public synchronized boolean removeLink(String id) {
        for (LinkTransport t : transports()) {
            OverlayLink port = t.get(id);
            if (port != null) {
                // first stop forwarding to it (its rules and learned addresses go), then close it:
                // the other way round, frames still routed to it in between would be lost
                List<ForwardingRule> gone = forwarder.removePort(port.id());
                t.remove(id);
                removedLinks.add(port.counters());
                kernelDevices();
                kernelRules();
                LOG.log(Level.INFO, "link " + id + " removed" + (gone.isEmpty() ? "" : " with its rules " + gone));
                return true;
            }
        }
        return false;
    }

    @Override
    public List<LinkSpec> links() {
        List<LinkSpec> out = new ArrayList<>();
        for (OverlayLink l : allLinks()) {
            out.add(l.spec());
        }
        return out;
    }

    @Override
    public synchronized void addRule(ForwardingRule rule) {
        forwarder.addRule(rule);
        kernelRules();
    }

    @Override
    public synchronized boolean removeRule(ForwardingRule.Key key) {
        boolean removed = forwarder.removeRule(key);
        kernelRules();
        return removed;
    }

    @Override
    public List<ForwardingRule> rules() {
        return forwarder.rules();
    }

    @Override
    public Map<NetworkId, List<MacAddress>> localMacs() {
        Map<NetworkId, List<MacAddress>> out = new java.util.TreeMap<>();
        forwarder.localAddresses().forEach((vni, macs) ->
                out.put(NetworkId.of(vni), macs.stream().sorted().map(MacAddress::of).toList()));
        return out;
    }

    @Override
    public boolean forgetMac(NetworkId network, MacAddress mac) {
        return forwarder.forgetAddress(network.vni(), mac.bits());
    }

    @Override
    public synchronized boolean announce(NetworkId network, MacAddress mac) {
        for (TapPort tap : taps.values()) {
            if (tap.spec().network().equals(network)) {
                forwarder.forward(tap, network.vni(),
                        io.vnet.dataplane.forward.Frames.rarpAnnouncement(alloc, mac.bits()));
                if (kernel != null) {
                    // the kernel's links get it through the bridge: written to the TAP, it enters the
                    // bridge and floods to the tree's devices (their hosts' agents see it logged)
                    kernel.announcedHere(network.vni(), mac.bits());
                    tap.send(network.vni(), io.vnet.dataplane.forward.Frames.rarpAnnouncement(alloc, mac.bits()));
                }
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized int setOwners(NetworkId network, java.util.Collection<MacAddress> here,
            java.util.Collection<MacAddress> elsewhere) {
        long[] mine = bits(here);
        long[] theirs = bits(elsewhere);
        int refused = forwarder.setOwners(network.vni(), mine, theirs);
        ownedHere.put(network.vni(), mine);
        ownedElsewhere.put(network.vni(), theirs);
        if (guard != null) {
            guard.owned(network.vni(), mine);
        }
        if (kernel != null) {
            kernel.owners(ownedHere, ownedElsewhere);
        }
        return refused;
    }

    private static long[] bits(java.util.Collection<MacAddress> macs) {
        return macs.stream().mapToLong(MacAddress::bits).toArray();
    }

    @Override
    public List<String> owners() {
        return forwarder.owners();
    }

    @Override
    public synchronized void ownedSourcesOnly(boolean on) {
        if (on && guard == null) {
            try {
                guard = io.vnet.dataplane.tap.BridgeGuard.start();
                ownedHere.forEach(guard::owned);
                for (TapPort t : taps.values()) {
                    if (t.spec().bridge() != null) {
                        guard.tap(t.spec().id(), t.spec().network().vni());
                    }
                }
                guardFailure = null;
            } catch (IOException e) {
                guardFailure = e.getMessage();
                LOG.log(Level.ERROR, "forged source addresses are dropped by the agent only, after the TAP's queue: "
                        + e.getMessage());
            }
        } else if (!on && guard != null) {
            guard.close();
            guard = null;
        }
        forwarder.ownedSourcesOnly(on);
    }

    @Override
    public boolean kernelPath() {
        return kernel != null;
    }

    @Override
    public void holdLocalMacs(java.time.Duration hold) {
        forwarder.holdLocal(hold.toMillis());
        holdMillis = hold.toMillis();
        if (kernel != null) {
            kernel.holds(hold.toMillis() > 0);
        }
    }

    @Override
    public List<String> learned() {
        return forwarder.learned();
    }

    private void updateBridgeTaps() {
        if (kernel != null) {
            kernel.taps(taps.keySet());
        }
        if (bridgePairs != null) {
            try {
                bridgePairs.setTaps(taps.keySet());
            } catch (IOException e) {
                LOG.log(Level.WARNING, "updating the TAPs excluded from same-host counting: " + e.getMessage());
            }
        }
    }

    @Override
    public List<PairCount> pairCounts() {
        List<PairCount> out = new ArrayList<>();
        if (pairs == null) {
            return out;
        }
        for (PairCounters.Count c : pairs.snapshot()) {
            out.add(new PairCount(NetworkId.of(c.vni()), MacAddress.of(c.src()), MacAddress.of(c.dst()),
                    c.frames(), c.bytes(), false));
        }
        for (SameHostPair p : sameHostPairs()) {
            out.add(new PairCount(p.network(), MacAddress.of(p.src()), MacAddress.of(p.dst()), p.frames(), p.bytes(),
                    !p.key().overlay()));
        }
        return out;
    }

    @Override
    public TrafficGrowth trafficGrowth() {
        if (pairs == null) {
            return TrafficGrowth.NONE;
        }
        PairCounters.Counts c = pairs.interval();
        List<PairCount> out = new ArrayList<>();
        for (PairCounters.Count p : c.pairs()) {
            out.add(new PairCount(NetworkId.of(p.vni()), MacAddress.of(p.src()), MacAddress.of(p.dst()),
                    p.frames(), p.bytes(), false));
        }
        List<SameHostPair> sameHost = sameHostPairs();
        synchronized (sameHostDeltas) {
            sameHostDeltas.begin();
            for (SameHostPair p : sameHost) {
                long[] g = sameHostDeltas.growth(p.key(), p.frames(), p.bytes());
                if (g[0] > 0 || g[1] > 0) {
                    out.add(new PairCount(p.network(), MacAddress.of(p.src()), MacAddress.of(p.dst()), g[0], g[1],
                            !p.key().overlay()));
                }
            }
            sameHostDeltas.end();
        }
        List<TrafficGrowth.Overflow> overflow = new ArrayList<>();
        for (PairCounters.Overflow o : c.overflow()) {
            overflow.add(new TrafficGrowth.Overflow(NetworkId.of(o.vni()), o.frames(), o.bytes()));
        }
        return new TrafficGrowth(out, overflow, c.refusedPairs());
    }

    /**
     * A pair as the kernel counts it: by the bridge port it was sent from; {@code overlay} when it
     * was sent into a kernel link rather than to a VM on this host.
     */
    private record SameHostKey(String port, NetworkId network, long src, long dst, boolean overlay) {
    }

    /** A same-host pair's cumulative count. */
    private record SameHostPair(SameHostKey key, long frames, long bytes) {
        NetworkId network() {
            return key.network();
        }

        long src() {
            return key.src();
        }

        long dst() {
            return key.dst();
        }
    }

    /** What the kernel counted between VMs on this host's bridges, cumulative; empty if it does not count. */
    private List<SameHostPair> sameHostPairs() {
        List<SameHostPair> out = new ArrayList<>();
        BridgePairCounter bp;
        Map<String, Integer> bridgeVni = new HashMap<>();
        synchronized (this) {
            bp = bridgePairs;
            for (TapPort t : taps.values()) {
                if (t.spec().bridge() != null) {
                    bridgeVni.put(t.spec().bridge(), t.spec().network().vni());
                }
            }
        }
        if (bp != null && !bridgeVni.isEmpty()) {
            try {
                Map<String, String> portBridge = BridgePairCounter.portBridges();
                for (BridgePairCounter.Entry e : bp.read()) {
                    Integer vni = bridgeVni.get(portBridge.get(e.port()));
                    if (vni != null) {
                        out.add(new SameHostPair(new SameHostKey(e.port(), NetworkId.of(vni), e.src(), e.dst(), e.overlay()), e.frames(),
                                e.bytes()));
                    }
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "reading same-host pair counters: " + e.getMessage());
            }
        }
        return out;
    }

    @Override
    public long[] pairTable() {
        return pairs == null ? new long[] {-1, -1} : new long[] {pairs.size(), pairs.refusedPairs()};
    }

    @Override
    public synchronized List<PortStats> stats() {
        List<PortStats> out = new ArrayList<>();
        for (TapPort t : taps.values()) {
            out.add(t.stats());
        }
        for (PcapPort p : lans.values()) {
            out.add(p.stats());
        }
        for (OverlayLink l : allLinks()) {
            out.add(l.stats());
        }
        if (vxlan != null) {
            out.add(vxlan.listenerStats());
        }
        if (kernel != null) {
            out.add(kernel.stats());
        }
        int overriding = forwarder.overrides().size();
        out.add(new PortStats(FORWARDER_STATS_KIND, MAC_MOVES_STATS_ID, overriding == 0 ? "idle" : "overriding:" + overriding,
                "", forwarder.macMoves(), 0, 0, 0, Map.of()));
        // frames whose rules named only ports that were down, sent by learning or the flooding tree instead (framesIn)
        out.add(new PortStats(FORWARDER_STATS_KIND, FALLBACKS_STATS_ID, "rule's port down: learning or flooding tree",
                "", forwarder.fallbacks(), 0, 0, 0, Map.of()));
        // what removed links counted, their drops included
        out.add(removedLinks.stats(FORWARDER_STATS_KIND));
        // learned addresses now (framesIn) and those evicted at the cap (drops: evicted)
        out.add(new PortStats(FORWARDER_STATS_KIND, LEARNED_STATS_ID, "cap " + config.maxLearned() + " per network",
                "", forwarder.learnedCount(), 0, 0, 0, Map.of("evicted", forwarder.learnEvictions())));
        // owned addresses now (framesIn); the state says the hold and how many holds ended
        out.add(new PortStats(FORWARDER_STATS_KIND, OWNED_STATS_ID, "hold " + holdMillis + " ms, ended "
                + forwarder.holdsEnded(), "", forwarder.ownedCount(), 0, 0, 0, Map.of()));
        io.vnet.dataplane.sys.RealtimeGuard rt = transport.guard().get();
        if (rt != null) {
            // the event loops' scheduling: how many are in SCHED_RR, and how often one went back to normal (framesIn)
            out.add(new PortStats(FORWARDER_STATS_KIND, "realtime", rt.state(), "", rt.demotions(), 0, 0, 0, Map.of()));
        }
        guardStats(out);
        return out;
    }

    /**
     * One entry per TAP on a bridge while {@link #ownedSourcesOnly} is on: whether the kernel checks
     * the sources of the frames its bridge forwards to it, how many addresses pass (framesIn), and
     * the frames it dropped (drops: spoofed, per network).
     */
    private void guardStats(List<PortStats> out) {
        io.vnet.dataplane.tap.BridgeGuard g = guard;
        if (g == null && guardFailure == null) {
            return;
        }
        Map<Integer, Long> dropped = Map.of();
        String failed = g == null ? "cannot start: " + guardFailure : g.failure();
        try {
            if (g != null) {
                dropped = g.dropped();
            }
        } catch (IOException e) {
            failed = "cannot read its counters: " + e.getMessage();
        }
        for (TapPort t : taps.values()) {
            if (t.spec().bridge() == null) {
                continue;
            }
            int vni = t.spec().network().vni();
            String state = failed != null ? "failed: " + failed
                    : g.guards(vni) ? "checking" : "open (no VM registered in network " + vni + ")";
            out.add(new PortStats(GUARD_STATS_KIND, t.spec().id(), state, t.spec().bridge(), g == null ? 0 : g.ownedCount(vni), 0, 0, 0,
                    Map.of("spoofed", dropped.getOrDefault(vni, 0L))));
        }
    }

    @Override
    public long macMoves() {
        return forwarder.macMoves();
    }

    @Override
    public List<String> macOverrides() {
        return forwarder.overrides();
    }

    @Override
    public List<io.vnet.api.LinkPath> linkPaths() {
        List<io.vnet.api.LinkPath> out = new ArrayList<>();
        for (OverlayLink l : allLinks()) {
            out.add(l.path());
        }
        return out;
    }

    @Override
    public PortStats listenerStats() {
        return links.listenerStats();
    }

    @Override
    public synchronized void close() {
        for (String id : List.copyOf(taps.keySet())) {
            removeInterface(id);
        }
        for (String device : List.copyOf(lans.keySet())) {
            removeLan(device);
        }
        links.close();
        if (kernel != null) {
            kernel.close();
        }
        if (vxlan != null) {
            vxlan.close();
        }
        if (bridgePairs != null) {
            bridgePairs.close();
            bridgePairs = null;
        }
        if (guard != null) {
            guard.close();
            guard = null;
        }
        io.vnet.dataplane.sys.RealtimeGuard rt = transport.guard().get();
        if (rt != null) {
            rt.close();
        }
        transport.group().shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        LOG.log(Level.INFO, "data plane of host " + config.hostId() + " stopped");
    }
}
