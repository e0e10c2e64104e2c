package io.vnet.dataplane.kernel;

import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.api.MacAddress;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import io.vnet.dataplane.link.LinkTransport;
import io.vnet.dataplane.link.OverlayLink;
import io.vnet.dataplane.sys.Command;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The VXLAN links of a daemon on the kernel path: each is a kernel vxlan device per network it
 * carries, on that network's bridge, plus the user-space VXLAN port it wraps for what reaches the
 * agent (see {@link KernelLink}). The forwarder's rules with an exact destination and any source
 * become the bridges' static forwarding entries (to a kernel link's device, or to the agent's TAP
 * for a rule to any other port), so the bridge follows the rules before it follows what it
 * learned; the nftables tables of {@link KernelTables} keep the rest of the forwarding semantics.
 *
 * <p>What it needs and refuses: every network of a kernel link has a bridge here (an interface of
 * it was added first); each kernel link has its own UDP port (its endpoint's port, which both ends
 * use), and an IPv4 peer. A failure to program the kernel while the link is added refuses the link;
 * a failure later (a rule's entry, the tables) is logged and shown in the link's state.
 */
public final class KernelLinks implements LinkTransport, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(KernelLinks.class.getName());
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Where network frames meet the agent on this host: its bridge, the agent's TAP on it, the TAP's MTU. */
    public record Bridge(String bridge, String tap, int mtu) {
    }

    /** How often the bridges' forwarding entries are read for the held addresses. */
    static final long HOLD_POLL_MS = 1000;

    private final LinkTransport sender;
    private final IntFunction<Bridge> bridges;
    private final int maxLearned;
    private final Map<String, KernelLink> byId = new TreeMap<>();
    /** The static entries made: "bridge mac" to the device (or TAP) it sends to. */
    private final Map<String, String> entries = new HashMap<>();
    private Map<Integer, long[]> here = Map.of();
    private Map<Integer, long[]> elsewhere = Map.of();
    /** The addresses the bridges have on VM ports now, per network (empty while holds are off). */
    private Map<Integer, long[]> held = Map.of();
    private boolean holds = true;
    /** Addresses on VM ports beyond {@link HeldAddresses#CAP} at the last reading. */
    private long heldOverCap;
    /** The bridges' listings are read into this (by the poller only). */
    private final byte[] fdbBuffer = new byte[io.vnet.dataplane.tap.BridgeFdb.MAX_BYTES];
    /** Reads the bridges' forwarding entries once a second for {@link #held}. */
    private final java.util.concurrent.ScheduledExecutorService poller =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "vnet-kernel-holds");
                t.setDaemon(true);
                return t;
            });
    private Collection<String> taps = List.of();
    private List<ForwardingRule> rules = List.of();
    private String failure;
    private long failures;
    /** Announcements that moved a MAC off its rule's entry: "bridge mac" to the port it announced itself on ("" local). */
    private final Map<String, Moved> overrides = new HashMap<>();
    private long macMoves;
    /** The announcements the kernel copies here (null if NFLOG could not be opened). */
    private NfLogSocket announcements;

    /** A MAC that announced itself on {@code port} while its rules sent it to {@code ruled} (ended when that changes). */
    private record Moved(String port, String ruled) {
    }

    /**
     * @param sender  the user-space VXLAN links that send what reaches the agent (bound to a port
     *                of its own: the kernel devices listen on the links' ports)
     * @param bridges a network's bridge here, or null if it has none
     */
    public KernelLinks(LinkTransport sender, IntFunction<Bridge> bridges) throws IOException {
        this(sender, bridges, 4096);
    }

    /**
     * @param maxLearned the most addresses learned per network from the kernel devices (see
     *                   {@link KernelTables}: beyond it a new source's frames are dropped, counted
     *                   {@code learn-cap})
     */
    public KernelLinks(LinkTransport sender, IntFunction<Bridge> bridges, int maxLearned) throws IOException {
        this.sender = sender;
        this.bridges = bridges;
        this.maxLearned = maxLearned;
        sweepLeftovers();
        applyTables();
        try {
            announcements = NfLogSocket.open(KernelTables.LOG_GROUP, this::logged);
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "on the kernel path a gratuitous ARP will not override a rule (NFLOG: " + e.getMessage()
                    + ")");
        }
        poller.scheduleWithFixedDelay(this::pollHeld, HOLD_POLL_MS, HOLD_POLL_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "VXLAN links on the kernel path: kernel vxlan devices on the networks' bridges, nftables"
                + " tables bridge " + KernelTables.BRIDGE_TABLE + " and inet " + KernelTables.INET_TABLE);
    }

    @Override
    public synchronized OverlayLink add(LinkSpec spec) {
        if (!spec.isVxlan()) {
            throw new IllegalArgumentException("link " + spec.id() + ": only VXLAN links take the kernel path");
        }
        if (byId.containsKey(spec.id())) {
            throw new IllegalArgumentException("link " + spec.id() + " exists already");
        }
        int port = spec.connect().port();
        for (KernelLink other : byId.values()) {
            if (other.spec().connect().port() == port) {
                throw new IllegalArgumentException("link " + spec.id() + ": UDP port " + port + " is link "
                        + other.spec().id() + "'s; on the kernel path each VXLAN link needs a port of its own");
            }
        }
        String peer = peerAddress(spec);
        OverlayLink user = sender.add(spec);
        List<KernelDevice> made = new ArrayList<>();
        try {
            for (NetworkId n : spec.networks()) {
                made.add(make(spec, n.vni(), peer, user.maxFrame() - 18));
            }
        } catch (IOException | IllegalArgumentException e) {
            made.forEach(KernelLinks::delete);
            sender.remove(spec.id());
            throw new IllegalArgumentException("link " + spec.id() + ": " + e.getMessage(), e);
        }
        KernelLink link = new KernelLink(user, this, made);
        byId.put(spec.id(), link);
        applyTables();
        LOG.log(Level.INFO, "link " + spec.id() + " on the kernel path: " + made.stream().map(d -> d.name() + " (vni "
                + d.vni() + " on " + d.bridge() + ", udp " + d.port() + ", mtu " + d.mtu() + ")").toList());
        return link;
    }

    private static String peerAddress(LinkSpec spec) {
        try {
            InetAddress a = InetAddress.getByName(spec.connect().host());
            if (!(a instanceof Inet4Address)) {
                throw new IllegalArgumentException("link " + spec.id() + ": the kernel path takes IPv4 peers only, not "
                        + a.getHostAddress());
            }
            return a.getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("link " + spec.id() + ": cannot resolve " + spec.connect().host());
        }
    }

    /** Makes (or remakes) the device of link {@code spec} for network {@code vni}. */
    private KernelDevice make(LinkSpec spec, int vni, String peer, int linkMtu) throws IOException {
        Bridge b = bridges.apply(vni);
        if (b == null) {
            throw new IllegalArgumentException("the kernel path needs network " + vni + "'s bridge on this host, and"
                    + " it has none: add an interface of network " + vni + " first");
        }
        int port = spec.connect().port();
        // the network's MTU, as the VMs have it: where the underlay cannot carry that less the
        // encapsulation, the kernel fragments the outer packets (VXLAN's default, DF unset), so a
        // full-sized frame still arrives whole instead of being dropped by the bridge in silence
        KernelDevice d = new KernelDevice(KernelDevice.nameOf(port, vni), spec.id(), vni, b.bridge(), peer, port,
                b.mtu(), spec.floods(vni));
        if (b.mtu() > linkMtu) {
            LOG.log(Level.INFO, "link " + spec.id() + ": network " + vni + "'s MTU " + b.mtu() + " is above what the"
                    + " underlay carries in one packet (" + linkMtu + "): the kernel fragments its larger packets");
        }
        Command.run(null, "ip", "link", "del", "dev", d.name()); // one a crashed agent left
        Command.must(null, "ip", "link", "add", d.name(), "type", "vxlan", "id", Integer.toString(vni), "remote", peer,
                "dstport", Integer.toString(port), "nolearning");
        try {
            Command.must(null, "ip", "link", "set", "dev", d.name(), "mtu", Integer.toString(d.mtu()), "master", d.bridge());
            // learned behind like any port (the forwarder learns on every link too; a forged source was
            // dropped before the bridge learns it); only a tree link is flooded to: a fast path gets
            // what a rule's static entry or a learned address sends it
            bridgeFlags(d);
            Command.must(null, "ip", "link", "set", "dev", d.name(), "up");
        } catch (IOException e) {
            delete(d);
            throw e;
        }
        return d;
    }

    private static void delete(KernelDevice d) {
        try {
            Command.run(null, "ip", "link", "del", "dev", d.name());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "removing kernel device " + d.name() + ": " + e.getMessage());
        }
    }

    /**
     * Link {@code link} now carries {@code next}'s networks: devices made and deleted to match, and
     * each kept device's flooding set as {@code next} floods its network.
     */
    synchronized void carry(KernelLink link, LinkSpec next) {
        LinkSpec before = link.spec();
        List<KernelDevice> keep = new ArrayList<>();
        List<KernelDevice> made = new ArrayList<>();
        String peer = peerAddress(next);
        try {
            for (NetworkId n : next.networks()) {
                KernelDevice have = link.devices().stream().filter(d -> d.vni() == n.vni()).findFirst().orElse(null);
                if (have != null && have.flood() != next.floods(n.vni())) {
                    keep.add(flooding(have, next.floods(n.vni())));
                } else if (have != null) {
                    keep.add(have);
                } else {
                    made.add(make(next, n.vni(), peer, link.user().maxFrame() - 18));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            made.forEach(KernelLinks::delete);
            throw new IllegalArgumentException("link " + next.id() + ": " + e.getMessage(), e);
        }
        java.util.Set<String> kept = new java.util.HashSet<>();
        keep.forEach(d -> kept.add(d.name()));
        for (KernelDevice d : link.devices()) {
            if (!kept.contains(d.name())) {
                delete(d);
                forget(d.name());
            }
        }
        keep.addAll(made);
        link.user().carry(next);
        link.devices(keep);
        applyTables();
        LOG.log(Level.DEBUG, "link " + next.id() + " carried " + before.networks() + ", now " + next.networks());
    }

    private static void bridgeFlags(KernelDevice d) throws IOException {
        String on = d.flood() ? "on" : "off";
        Command.must(null, "bridge", "link", "set", "dev", d.name(), "learning", "on", "flood", on, "mcast_flood", on,
                "bcast_flood", on);
    }

    /** Device {@code d} put on its network's flooding tree or taken off it, in place (it keeps its traffic). */
    private static KernelDevice flooding(KernelDevice d, boolean flood) throws IOException {
        KernelDevice next = new KernelDevice(d.name(), d.link(), d.vni(), d.bridge(), d.peer(), d.port(), d.mtu(), flood);
        bridgeFlags(next);
        LOG.log(Level.INFO, "link " + d.link() + ": network " + d.vni() + (flood ? " now floods on it" : " no longer floods on it"));
        return next;
    }

    @Override
    public synchronized OverlayLink remove(String id) {
        KernelLink link = byId.remove(id);
        if (link == null) {
            return null;
        }
        for (KernelDevice d : link.devices()) {
            delete(d);
            forget(d.name());
        }
        sender.remove(id);
        applyTables();
        return link;
    }

    /** The entries the kernel deleted with device {@code name}. */
    private void forget(String name) {
        entries.values().removeIf(name::equals);
    }

    @Override
    public synchronized OverlayLink get(String id) {
        return byId.get(id);
    }

    @Override
    public synchronized List<KernelLink> all() {
        return List.copyOf(byId.values());
    }

    /** Every kernel device now. */
    public synchronized List<KernelDevice> devices() {
        List<KernelDevice> out = new ArrayList<>();
        byId.values().forEach(l -> out.addAll(l.devices()));
        return out;
    }

    /** The agent's TAPs now (the kernel's frames never reach them). */
    public synchronized void taps(Collection<String> names) {
        taps = List.copyOf(names);
        applyTables();
    }

    /**
     * The addresses of the VMs registered here (a kernel link never brings them) and on other hosts
     * (a local port never sends them into a link), per network.
     */
    public synchronized void owners(Map<Integer, long[]> here, Map<Integer, long[]> elsewhere) {
        this.here = Map.copyOf(here);
        this.elsewhere = Map.copyOf(elsewhere);
        applyTables();
    }

    /**
     * Whether addresses on the bridges' VM ports are held against claims from links ({@code
     * macHoldMs} above 0), as the forwarder holds what it learned on a local interface: a frame
     * from a kernel link with such a source is dropped (counted spoofed on the link) while the
     * bridge has it on a VM's port (its entries age out after 300 s, and go with the port).
     */
    public synchronized void holds(boolean on) {
        holds = on;
        if (!on && !held.isEmpty()) {
            held = Map.of();
            applyTables();
        }
    }

    /** Reads which addresses the bridges have on VM ports (not links, not the agent's TAPs) and updates the sets. */
    private void pollHeld() {
        Map<String, Integer> vniOf = new HashMap<>();
        java.util.Set<String> skip = new java.util.HashSet<>();
        synchronized (this) {
            if (!holds || byId.isEmpty()) {
                return;
            }
            for (KernelDevice d : devices()) {
                vniOf.put(d.bridge(), d.vni());
                skip.add(d.name());
            }
            skip.addAll(taps);
        }
        java.nio.file.Path sys = java.nio.file.Path.of("/sys/class/net");
        Map<Integer, long[]> next = new TreeMap<>();
        long over = 0;
        for (Map.Entry<String, Integer> b : vniOf.entrySet()) {
            try {
                java.util.Set<Integer> vmPorts = new java.util.HashSet<>();
                try (java.util.stream.Stream<java.nio.file.Path> ports = java.nio.file.Files.list(
                        sys.resolve(b.getKey()).resolve("brif"))) {
                    for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) ports::iterator) {
                        String port = p.getFileName().toString();
                        if (!skip.contains(port)) {
                            vmPorts.add(io.vnet.dataplane.tap.BridgeFdb.portNumber(sys, port));
                        }
                    }
                }
                int len = io.vnet.dataplane.tap.BridgeFdb.read(sys, b.getKey(), fdbBuffer);
                HeldAddresses.Result r = HeldAddresses.parse(fdbBuffer, len, vmPorts, HeldAddresses.CAP);
                over += r.overCap();
                if (r.held().length > 0) {
                    next.put(b.getValue(), r.held());
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, "reading bridge " + b.getKey() + "'s entries for the held addresses: " + e.getMessage());
                return;
            }
        }
        synchronized (this) {
            heldOverCap = over;
            if (!holds || sameSets(held, next)) {
                return;
            }
            held = next;
            applyTables();
        }
    }

    private static boolean sameSets(Map<Integer, long[]> a, Map<Integer, long[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<Integer, long[]> e : a.entrySet()) {
            if (!java.util.Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The forwarder's rules now: each with any source and an exact destination becomes its
     * bridge's static entry, to the kernel device of the rule's link, or to the agent's TAP when
     * the rule sends elsewhere (a TCP link, an interface); entries of rules that went are deleted.
     */
    public synchronized void rules(List<ForwardingRule> next) {
        rules = List.copyOf(next);
        syncEntries();
    }

    private void syncEntries() {
        Map<String, String> want = wanted(rules);
        java.util.Set<String> names = new java.util.HashSet<>();
        byId.values().forEach(l -> l.devices().forEach(d -> names.add(d.name())));
        overrides.entrySet().removeIf(e -> !java.util.Objects.equals(want.get(e.getKey()), e.getValue().ruled())
                || !e.getValue().port().isEmpty() && !names.contains(e.getValue().port()));
        overrides.forEach((key, o) -> {
            if (o.port().isEmpty()) {
                want.remove(key); // the VM is here now: the bridge learns it on its port
            } else {
                want.put(key, o.port());
            }
        });
        StringBuilder batch = new StringBuilder();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (!e.getValue().equals(want.get(e.getKey()))) {
                String[] bm = e.getKey().split(" ");
                batch.append("fdb del ").append(bm[1]).append(" dev ").append(e.getValue()).append(" master\n");
            }
        }
        for (Map.Entry<String, String> e : want.entrySet()) {
            if (!e.getValue().equals(entries.get(e.getKey()))) {
                String[] bm = e.getKey().split(" ");
                batch.append("fdb replace ").append(bm[1]).append(" dev ").append(e.getValue())
                        .append(" master static sticky\n");
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            Command.must(batch.toString(), "bridge", "-force", "-batch", "-");
            failure = null;
        } catch (IOException e) {
            failures++;
            failure = e.getMessage();
            LOG.log(Level.WARNING, "updating the bridges' entries for the rules (frames for those addresses take the agent's"
                    + " path or the bridge's learning): " + e.getMessage());
        }
        entries.clear();
        entries.putAll(want);
    }

    /**
     * "bridge mac" to the port it must send to, for {@code rules}. A destination's entry follows its
     * rule with any source, unless pair rules (an exact source) name it: then, if they all send to
     * one port, that port (VADAPT's fast paths are pair rules, one per pair of VMs, all to the
     * same link from one host), and if they disagree, the agent's TAP, so that the forwarder
     * applies each pair's rule itself. A bridge entry cannot tell sources apart, so with one port
     * it also carries the frames of sources no pair rule names, and frames passing through this
     * host; both reach the destination.
     */
    private Map<String, String> wanted(List<ForwardingRule> rules) {
        Map<String, String> byDst = new TreeMap<>();
        Map<String, java.util.Set<String>> byPair = new TreeMap<>();
        Map<String, String> tapOf = new HashMap<>();
        for (ForwardingRule r : rules) {
            if (r.dst().kind() != MacMatch.Kind.EXACT) {
                continue;
            }
            int vni = r.network().vni();
            Bridge b = bridges.apply(vni);
            if (b == null) {
                continue;
            }
            String to = portOf(r, vni, b);
            if (to == null) {
                continue;
            }
            String key = b.bridge() + " " + MacAddress.format(r.dst().address().bits());
            if (r.src().kind() == MacMatch.Kind.ANY) {
                byDst.put(key, to);
            } else {
                byPair.computeIfAbsent(key, k -> new java.util.TreeSet<>()).add(to);
                tapOf.put(key, b.tap());
            }
        }
        Map<String, String> want = new TreeMap<>(byDst);
        byPair.forEach((key, targets) -> want.put(key, targets.size() == 1 ? targets.iterator().next() : tapOf.get(key)));
        return want;
    }

    /**
     * The bridge port rule {@code r} sends to: its kernel link's device, else (a user-space link) the
     * agent's TAP; null for a rule to a local interface, which the bridge's learning already follows.
     */
    private String portOf(ForwardingRule r, int vni, Bridge b) {
        if (r.target().kind() == RuleTarget.Kind.LINK) {
            KernelLink k = byId.get(r.target().id());
            if (k != null) {
                return k.devices().stream().filter(d -> d.vni() == vni).map(KernelDevice::name).findFirst().orElse(b.tap());
            }
            return b.tap();
        }
        return null; // a local interface: the bridge delivers to the VM itself, by what it learned
    }

    /**
     * A frame the kernel logged: if it is a VM announcing itself (gratuitous ARP, RARP) on a port
     * other than the one its rule's entry names, the entry follows it until the rules for that
     * address change, as the forwarder's override does; an announcement of an address this host
     * must not take from there (registered or held here, from a link; registered elsewhere or not
     * among the registered here, from a VM's port) changes nothing.
     */
    private void logged(NfLogMessages.Packet p) {
        io.netty.buffer.ByteBuf f = io.netty.buffer.Unpooled.wrappedBuffer(p.frame());
        if (f.readableBytes() < io.vnet.dataplane.forward.Frames.ETH_HEADER) {
            return;
        }
        long src = io.vnet.dataplane.forward.Frames.src(f);
        int type = f.getUnsignedShort(12);
        if (!io.vnet.dataplane.forward.Frames.isAnnouncement(f, type, io.vnet.dataplane.forward.Frames.ETH_HEADER, src)) {
            return;
        }
        announced(p.port(), src);
    }

    /** VM {@code mac} of network {@code vni} is on this host now (the agent announces it): its rule's entry gives way. */
    public synchronized void announcedHere(int vni, long mac) {
        for (KernelDevice d : devices()) {
            if (d.vni() == vni) {
                moved(d.bridge() + " " + MacAddress.format(mac), "");
                return;
            }
        }
    }

    private synchronized void announced(int ifindex, long mac) {
        String port = null;
        String bridge = null;
        int vni = -1;
        for (KernelDevice d : devices()) {
            if (ifindex(d.name()) == ifindex) {
                port = d.name();
                bridge = d.bridge();
                vni = d.vni();
            }
        }
        if (port != null) {
            if (contains(here.get(vni), mac) || contains(held.get(vni), mac)) {
                return; // this host's address: nftables dropped its frames from links already
            }
        } else {
            String name = nameOf(ifindex);
            if (name == null || taps.contains(name)) {
                return;
            }
            bridge = master(name);
            for (KernelDevice d : devices()) {
                if (d.bridge().equals(bridge)) {
                    vni = d.vni();
                }
            }
            long[] mine = here.get(vni);
            if (vni < 0 || contains(elsewhere.get(vni), mac) || mine != null && mine.length > 0 && !contains(mine, mac)) {
                return;
            }
            port = ""; // a VM's port on this host
        }
        moved(bridge + " " + MacAddress.format(mac), port);
    }

    /** The address of {@code key} ("bridge mac") announced itself on {@code port} ("": a VM's port here). */
    private void moved(String key, String port) {
        String installed = entries.get(key);
        if (installed == null && !overrides.containsKey(key) || port.equals(installed)) {
            return; // no rule's entry for it, or the entry already sends it there
        }
        overrides.put(key, new Moved(port, wanted(rules).get(key)));
        macMoves++;
        LOG.log(Level.INFO, key.substring(key.indexOf(' ') + 1) + " announced itself " + (port.isEmpty() ? "on this host"
                : "behind " + port) + ": its frames follow it until its rules change");
        syncEntries();
    }

    private static boolean contains(long[] sorted, long mac) {
        if (sorted == null) {
            return false;
        }
        for (long m : sorted) {
            if (m == mac) {
                return true;
            }
        }
        return false;
    }

    private static int ifindex(String name) {
        try {
            return Integer.parseInt(java.nio.file.Files.readString(java.nio.file.Path.of("/sys/class/net", name,
                    "ifindex")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The interface with index {@code ifindex}, or null. */
    private static String nameOf(int ifindex) {
        try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.list(java.nio.file.Path.of("/sys/class/net"))) {
            return all.map(p -> p.getFileName().toString()).filter(n -> ifindex(n) == ifindex).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** The bridge interface {@code name} is a port of, or "". */
    private static String master(String name) {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/sys/class/net", name, "master"))
                    .getFileName().toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** How many announcements moved an address off its rule's entry. */
    public synchronized long macMoves() {
        return macMoves;
    }

    /**
     * Removes what an agent that did not stop cleanly left: kernel devices named as this path names
     * its own ({@link KernelDevice#nameOf}: "vk", port and VNI in base 36) and both tables (their
     * learned sets may have another size). The links the agent is given again are made afresh.
     */
    private static void sweepLeftovers() {
        int removed = 0;
        try {
            Command r = Command.must(null, "ip", "-j", "-d", "link", "show", "type", "vxlan");
            for (com.fasterxml.jackson.databind.JsonNode l : JSON.readTree(r.out().isBlank() ? "[]" : r.out())) {
                String name = l.path("ifname").asText();
                if (KernelDevice.isOurs(name)) {
                    Command.run(null, "ip", "link", "del", "dev", name);
                    removed++;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "looking for kernel devices a crashed agent left: " + e.getMessage());
        }
        deleteTables();
        if (removed > 0) {
            LOG.log(Level.WARNING, "removed " + removed + " kernel device(s) an earlier agent left");
        }
    }

    /** Rewrites both nftables tables for the devices, TAPs and owned addresses now. */
    private void applyTables() {
        List<KernelDevice> devices = devices();
        try {
            Command.must(KernelTables.bridge(devices, taps, new KernelTables.Owners(here, elsewhere, held), maxLearned)
                    + KernelTables.inet(devices), "nft", "-f", "-");
            failure = null;
        } catch (IOException e) {
            failures++;
            failure = e.getMessage();
            LOG.log(Level.ERROR, "updating the kernel path's nftables tables: " + e.getMessage());
        }
    }

    /**
     * The kernel path's own entry in {@code vnetctl stats}: its devices (framesIn), its state, and
     * the frames its nftables rules dropped, by counter ({@code spoofed}, {@code split}, {@code
     * to-agent}, {@code unidentified}).
     */
    public io.vnet.api.PortStats stats() {
        Map<String, Long> drops = new TreeMap<>();
        String state;
        synchronized (this) {
            state = (failure == null ? "programmed" : "failed: " + failure()) + ", overriding:" + overrides.size();
        }
        for (String[] t : List.of(new String[] {"bridge", KernelTables.BRIDGE_TABLE},
                new String[] {"inet", KernelTables.INET_TABLE})) {
            try {
                Command r = Command.must(null, "nft", "-j", "list", "counters", "table", t[0], t[1]);
                for (com.fasterxml.jackson.databind.JsonNode item : JSON.readTree(r.out()).path("nftables")) {
                    com.fasterxml.jackson.databind.JsonNode c = item.path("counter");
                    if (c.hasNonNull("name")) {
                        drops.put(c.path("name").asText(), c.path("packets").asLong());
                    }
                }
            } catch (IOException e) {
                state = "cannot read its counters: " + e.getMessage();
            }
        }
        synchronized (this) {
            drops.put("held-over-cap", heldOverCap);
        }
        return new io.vnet.api.PortStats("kernel", "path", state, devices().size() + " kernel device(s), "
                + macMoves() + " announcement(s) moved an address off its rule", devices().size(), 0, macMoves(), 0, drops);
    }

    /** The datagrams of networks it does not carry that arrived for link port {@code port} (0 if unknown). */
    long notCarried(int port) {
        return counter("inet", KernelTables.INET_TABLE, KernelTables.notCarried(port));
    }

    /** The frames device {@code name} brought from an address of this host (its {@code spoofed} drops). */
    long spoofed(String name) {
        return counter("bridge", KernelTables.BRIDGE_TABLE, KernelTables.spoofed(name));
    }

    /** The packets nftables counter {@code name} of table {@code table} counted (0 if it cannot be read). */
    private static long counter(String family, String table, String name) {
        try {
            Command r = Command.run(null, "nft", "-j", "list", "counter", family, table, name);
            if (r.exit() == 0) {
                for (com.fasterxml.jackson.databind.JsonNode item : JSON.readTree(r.out()).path("nftables")) {
                    if (item.has("counter")) {
                        return item.path("counter").path("packets").asLong();
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "reading nftables counter " + name + ": " + e.getMessage());
        }
        return 0;
    }

    /** The last failure to program the kernel (null if the last change worked), with how many there were. */
    public synchronized String failure() {
        return failure == null ? null : failure + " (" + failures + " failed update(s))";
    }

    @Override
    public synchronized void close() {
        poller.shutdownNow();
        if (announcements != null) {
            announcements.close();
        }
        for (String id : List.copyOf(byId.keySet())) {
            remove(id);
        }
        deleteTables();
    }

    /** Deletes both nftables tables (where there are none, nft says so and nothing happens). */
    private static void deleteTables() {
        for (String[] t : List.of(new String[] {"bridge", KernelTables.BRIDGE_TABLE},
                new String[] {"inet", KernelTables.INET_TABLE})) {
            try {
                Command.run(null, "nft", "delete", "table", t[0], t[1]);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "removing nftables table " + t[1] + ": " + e.getMessage());
            }
        }
    }
}
