package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.LongObjectHashMap;
import io.vnet.api.DropReason;
import io.vnet.api.ForwardingRule;
import io.vnet.api.MacAddress;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import io.vnet.dataplane.count.PairCounters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * VNET's forwarding engine. For a frame of network {@code vni} that entered at port {@code in}:
 * <ol>
 * <li>the source address is learned on {@code in} (unless it is a group address, or {@code in}
 * is a non-flooding link: a fast path carries what rules send it, and a return path learned on it
 * would keep traffic on it after the rules moved off, up to its removal);</li>
 * <li>the most specific matching rule whose port is up decides the output port; if rules match
 * but none of their ports is up (a fast path still connecting, or whose peer stopped answering),
 * the frame goes on as if no rule matched, counted as a fallback ({@link #fallbacks}), so it takes
 * the flooding tree instead of being dropped;</li>
 * <li>else a unicast destination goes where it was learned, if that port is up;</li>
 * <li>else the frame is flooded: to every flooding port of the network but {@code in} (a link
 * floods only the networks it carries, and of those the ones whose tree it is on: {@link Port#floods(int)}).
 * A frame that came in over a link that does not flood its network (a fast path) is flooded to
 * local interfaces only, so fast paths never carry floods and never make loops; a network's
 * flooding can move from one tree to another host by host, each host at once, without a loop
 * (a frame crosses only links that flood its network at both ends).</li>
 * </ol>
 * A VM that moved announces itself with a gratuitous ARP or a RARP from its new place. When one
 * arrives on port {@code p} from MAC {@code m} while rules with destination exactly {@code m}
 * send elsewhere, an override "m is behind p" is recorded: it takes precedence over those rules
 * until the rules for {@code m} change (the manager rewrote them) or {@code p} is removed.
 * Learning alone never overrides a rule.
 * <p>
 * A frame is never sent on a link that does not carry its network: a rule or learned address
 * that would send it there drops it instead, counted {@code not-carried} on that link.
 * <p>
 * <b>Owned addresses.</b> Before anything else, a frame whose source belongs to someone else is
 * dropped, counted {@code spoofed} on the port it came in by: from a link, the address of a
 * registered VM on this host ({@link #setOwners}), or one learned on a local interface and held
 * there (seen there within the hold time, {@link #holdLocal}, while the interface says the
 * address may still be behind it, {@link Port#stillBehind}); from a local interface, the
 * address of a registered VM on another host ({@link #ownedSourcesOnly}: or one of no VM
 * registered here, where there are such VMs). So neither a link peer nor a local VM can take over
 * another VM's address, by learning or by a gratuitous ARP: announcements pass the same check.
 * When a link claims a held address, the interface is asked (at most every
 * {@value #RECHECK_MILLIS} ms per address, and {@value #CHECKS_PER_WINDOW} times per
 * {@value #CHECK_WINDOW_MILLIS} ms in all) whether the address is still behind it; if not (the
 * VM's bridge port is gone: it left), the hold ends and the frame is forwarded.
 * <p>
 * Frames that enter from a local interface are counted per (network, source, destination)
 * for VTTIF, so each frame is counted once, by the agent where it enters the overlay.
 * Changes (ports, rules) are serialised and publish new immutable snapshots; forwarding
 * reads them without locks.
 */
public final class Forwarder {
    private static final System.Logger LOG = System.getLogger(Forwarder.class.getName());

    /** An override: the MAC announced itself behind {@code port}, where {@code rules} rules did not send it. */
    private record Moved(Port port, int rules) {
    }

    private interface MovedFilter {
        boolean test(long mac, Moved moved);
    }

    private static final class Net {
        final int vni;
        final LearnTable learn;
        volatile RuleTable rules = RuleTable.EMPTY;
        /** MAC → override; null when there is none, so that forwarding pays one read for it. Copied on write. */
        volatile LongObjectHashMap<Moved> moved;
        volatile Port[] flood = new Port[0];
        volatile Port[] local = new Port[0];
        /** The registered VMs' addresses; null when there are none, so that forwarding pays one read. */
        volatile OwnedMacs owned;

        Net(int vni, int maxLearned) {
            this.vni = vni;
            this.learn = new LearnTable(maxLearned);
        }
    }

    private volatile IntObjectHashMap<Net> nets = new IntObjectHashMap<>();
    private final PairCounters pairs;
    private final int maxLearned;
    private final Map<String, Port> ports = new LinkedHashMap<>();
    private final Map<String, Integer> interfaceNetwork = new HashMap<>();
    private final Map<ForwardingRule.Key, ForwardingRule> rules = new LinkedHashMap<>();
    private final AtomicLong macMoves = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong faults = new AtomicLong();
    /** Owned addresses of networks not (yet) carried here, applied when they are. */
    private final Map<Integer, OwnedMacs> ownedPending = new HashMap<>();
    private final AtomicLong holdsEnded = new AtomicLong();
    private final AtomicLong checkWindow = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger checksInWindow = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long holdNanos = LearnTable.AGE_NANOS;
    private volatile boolean ownedSourcesOnly;

    static final long RECHECK_MILLIS = 20;
    static final long CHECK_WINDOW_MILLIS = 100;
    static final int CHECKS_PER_WINDOW = 100;

    /** A forwarder that counts no VM pairs. */
    public Forwarder() {
        this(null);
    }

    /** A forwarder that counts, in {@code pairs}, every frame entering from a local interface. */
    public Forwarder(PairCounters pairs) {
        this(pairs, LearnTable.DEFAULT_MAX_PER_NETWORK);
    }

    /**
     * A forwarder that learns at most {@code maxLearned} addresses per network (and on any one
     * port): a new address beyond that evicts the one least recently seen, counted
     * ({@link #learnEvictions()}).
     */
    public Forwarder(PairCounters pairs, int maxLearned) {
        if (maxLearned < 1 || maxLearned > LearnTable.MAX_CAP) {
            throw new IllegalArgumentException("at most " + maxLearned + " learned addresses per network: expected 1.."
                    + LearnTable.MAX_CAP);
        }
        this.pairs = pairs;
        this.maxLearned = maxLearned;
    }

    /** Forwards one ordinary frame; takes ownership of {@code frame}. */
    public void forward(Port in, int vni, ByteBuf frame) {
        forward(in, vni, frame, Offload.NONE);
    }

    /**
     * Forwards one frame that may carry offload work ({@link Offload}: a large TCP segment or
     * a checksum to complete); each output port receives it whole or segmented, as it can
     * carry it. Takes ownership of {@code frame}.
     */
    public void forward(Port in, int vni, ByteBuf frame, long offload) {
        try {
            if (!in.carries(vni)) {
                in.counters().drop(DropReason.NOT_CARRIED);
                return;
            }
            Net net = nets.get(vni);
            if (net == null) {
                in.counters().drop(DropReason.UNKNOWN_VNI);
                return;
            }
            if (frame.readableBytes() < Frames.ETH_HEADER) {
                in.counters().drop(DropReason.RUNT);
                return;
            }
            long dst = Frames.dst(frame);
            long src = Frames.src(frame);
            long now = System.nanoTime();
            boolean unicastSrc = !MacAddress.isGroup(src);
            if (unicastSrc && spoofed(net, in, src, now)) {
                in.counters().drop(DropReason.SPOOFED);
                return;
            }
            if (pairs != null && !in.isLink()) {
                pairs.count(vni, src, dst, frame.readableBytes());
            }
            int l3 = Frames.l3Offset(frame);
            if (unicastSrc) {
                if (!in.isLink() || in.floods(vni)) {
                    net.learn.learn(src, in, now);
                }
                int type = Frames.etherType(frame, l3);
                if ((type == Frames.ETH_P_ARP || type == Frames.ETH_P_RARP)
                        && Frames.isAnnouncement(frame, type, l3, src)) {
                    announced(net, src, in);
                }
            }
            RuleTable ruleTable = net.rules;
            Port out = ruleTable.lookup(src, dst);
            if (out != null && !out.isUp()) {
                fallbacks.incrementAndGet(); // the rule's link is down: as if no rule matched
                out = null;
            }
            if (out != null) {
                LongObjectHashMap<Moved> moved = net.moved;
                if (moved != null) {
                    Moved m = moved.get(dst);
                    if (m != null && m.port().isUp() && ruleTable.decidedByExactDst(src, dst)) {
                        out = m.port();
                    }
                }
            } else if (!MacAddress.isGroup(dst)) {
                out = net.learn.lookup(dst, now);
                if (out != null && !out.isUp()) {
                    out = null; // learned behind a link that is down: flood instead
                }
            }
            // the IP packet (or segment) size, to compare with each output port's MTU
            int size = TooBig.wireSize(frame, offload) - l3;
            if (out != null) {
                if (out == in) {
                    in.counters().drop(DropReason.REFLECTED);
                    return;
                }
                if (!out.carries(vni)) {
                    out.counters().drop(DropReason.NOT_CARRIED);
                    return;
                }
                if (size > TooBig.mtu(out)) {
                    tooBig(in, out, vni, frame, offload);
                    return;
                }
                ByteBuf f = frame;
                frame = null;
                out.send(vni, f, offload);
                return;
            }
            Port[] targets = (in.isLink() && !in.floods(vni)) ? net.local : net.flood;
            Port last = null;
            for (Port p : targets) {
                if (p == in) {
                    continue;
                }
                if (size > TooBig.mtu(p)) {
                    tooBig(in, p, vni, frame, offload);
                    continue;
                }
                if (last != null) {
                    last.send(vni, frame.retainedDuplicate(), offload);
                }
                last = p;
            }
            if (last == null) {
                if (!tooBigSeen(targets, in, size)) {
                    in.counters().drop(DropReason.NO_ROUTE);
                }
                return;
            }
            ByteBuf f = frame;
            frame = null;
            last.send(vni, f, offload);
        } catch (RuntimeException e) {
            faulted(in, e); // a frame no check foresaw: dropped; the loop or reader goes on
        } finally {
            if (frame != null) {
                frame.release();
            }
        }
    }

    /**
     * Whether a frame from {@code src} on {@code in} claims an address that belongs to someone
     * else (see the class comment); a held address whose interface says it is no longer behind it
     * is released here.
     */
    private boolean spoofed(Net net, Port in, long src, long now) {
        OwnedMacs owned = net.owned;
        if (owned != null) {
            Boolean here = owned.owner(src);
            if (here != null) {
                return in.isLink() == here;
            }
        }
        if (!in.isLink()) {
            return ownedSourcesOnly && owned != null && owned.anyHere() && in.vmFacing();
        }
        long hold = holdNanos;
        if (hold <= 0) {
            return false;
        }
        LearnedEntry held = net.learn.heldLocally(src, now, hold);
        Port local = held == null ? null : held.port;
        if (local == null || local.isLink()) {
            return false;
        }
        if (now - held.contestedNanos < RECHECK_MILLIS * 1_000_000L || !mayCheck(now)) {
            return true;
        }
        held.contestedNanos = now;
        if (local.isUp() && local.stillBehind(src)) {
            return true;
        }
        long n = holdsEnded.incrementAndGet();
        if (Long.bitCount(n) == 1 || n % 1024 == 0) {
            LOG.log(System.Logger.Level.INFO, "mac " + MacAddress.format(src) + " is no longer behind " + local.id()
                    + ": its hold there ended, and " + in.id() + " may claim it (vni " + net.vni + "; hold ended " + n
                    + " time(s))");
        }
        return false;
    }

    /** Whether another check of a held address fits in this window's budget. */
    private boolean mayCheck(long now) {
        long w = now / (CHECK_WINDOW_MILLIS * 1_000_000L);
        if (checkWindow.get() != w) {
            checkWindow.set(w);
            checksInWindow.set(0);
        }
        return checksInWindow.incrementAndGet() <= CHECKS_PER_WINDOW;
    }

    /**
     * How long a MAC learned on a local interface is held against claims from links, counted
     * from when it was last seen there (0: not at all; at most the learning age, 300 s).
     */
    public void holdLocal(long millis) {
        if (millis < 0 || millis * 1_000_000L > LearnTable.AGE_NANOS) {
            throw new IllegalArgumentException("a hold of " + millis + " ms: expected 0.." + LearnTable.AGE_NANOS / 1_000_000L);
        }
        holdNanos = millis * 1_000_000L;
    }

    /**
     * Port security: with {@code on}, a frame from a VM-facing interface ({@link Port#vmFacing})
     * of a network that has VMs registered here is dropped ({@code spoofed}) unless its source is
     * one of them, so a VM can send only from its own registered addresses (and a VM sending from
     * random addresses costs the forwarder one lookup per frame). Off by default: a VM that
     * bridges other machines (nested containers) sends from addresses no one registered.
     */
    public void ownedSourcesOnly(boolean on) {
        ownedSourcesOnly = on;
    }

    /** How many holds ended because their interface said the address had left. */
    public long holdsEnded() {
        return holdsEnded.get();
    }

    /**
     * The addresses of network {@code vni} that belong to registered VMs: {@code here} on this
     * host, {@code elsewhere} on others (an address in both is here). Replaces the earlier set;
     * an address learned where it cannot be (a VM's of this host on a link, another host's on a
     * local interface) is forgotten, and so is an override that sent it there. At most
     * {@value OwnedMacs#MAX} addresses per network are kept; returns how many did not fit.
     */
    public synchronized int setOwners(int vni, long[] here, long[] elsewhere) {
        NetworkId.of(vni);
        OwnedMacs owned = OwnedMacs.of(here, elsewhere);
        Net net = nets.get(vni);
        if (net == null) {
            if (owned.isEmpty()) {
                ownedPending.remove(vni);
            } else {
                ownedPending.put(vni, owned);
            }
            return owned.refused();
        }
        applyOwners(net, owned);
        return owned.refused();
    }

    private void applyOwners(Net net, OwnedMacs owned) {
        net.owned = owned.isEmpty() ? null : owned;
        long now = System.nanoTime();
        owned.forEach((mac, here) -> {
            Port p = net.learn.lookup(mac, now);
            if (p != null && p.isLink() == here) {
                net.learn.forget(mac);
            }
        });
        endOverrides(net, (m, mv) -> {
            Boolean here = owned.owner(m);
            return here != null && mv.port().isLink() == here;
        }, "its owner is on the other side");
    }

    /** The owned addresses, "vni V MAC here|elsewhere", sorted by network. */
    public synchronized List<String> owners() {
        List<String> out = new ArrayList<>();
        for (Net n : nets.values()) {
            OwnedMacs o = n.owned;
            if (o != null) {
                out.addAll(o.describe(n.vni));
            }
        }
        out.sort(null);
        return out;
    }

    /** How many owned addresses this forwarder knows, over the networks it carries. */
    public long ownedCount() {
        long n = 0;
        for (Net net : nets.values()) {
            OwnedMacs o = net.owned;
            n += o == null ? 0 : o.size();
        }
        return n;
    }

    /**
     * An exception while forwarding one frame: counted {@code malformed} on the port it came in
     * by and logged (the 1st, 2nd, 4th, 8th... time), never thrown to the caller, which is a
     * Netty event loop (an exception there stalls every port it serves) or a reader thread.
     */
    private void faulted(Port in, RuntimeException e) {
        in.counters().drop(DropReason.MALFORMED);
        long n = faults.incrementAndGet();
        if (Long.bitCount(n) == 1) {
            LOG.log(System.Logger.Level.WARNING, "a frame from " + in.id() + " could not be forwarded (fault " + n
                    + "; dropped and counted malformed)", e);
        }
    }

    /** How many frames were dropped because forwarding them threw (see {@link #faulted}). */
    public long faults() {
        return faults.get();
    }

    /**
     * MAC {@code mac} announced itself (gratuitous ARP, RARP) on port {@code at}: if rules for
     * it send elsewhere, override them; if none does any more, drop an override that points
     * elsewhere. Cheap when nothing changes, so that repeated announcements cost little.
     */
    private void announced(Net net, long mac, Port at) {
        LongObjectHashMap<Moved> moved = net.moved;
        Moved cur = moved == null ? null : moved.get(mac);
        if (cur != null && cur.port() == at) {
            return;
        }
        if (cur == null && net.rules.sendingElsewhere(mac, at) == 0) {
            return;
        }
        synchronized (this) {
            if (ports.get(at.id()) != at) {
                return; // the port is being removed
            }
            moved = net.moved;
            cur = moved == null ? null : moved.get(mac);
            if (cur != null && cur.port() == at) {
                return;
            }
            int n = net.rules.sendingElsewhere(mac, at);
            if (n == 0) {
                if (cur != null) {
                    endOverrides(net, (m, mv) -> m == mac, "its rules send it to " + at.id() + " where it announced itself");
                }
                return;
            }
            LongObjectHashMap<Moved> next = new LongObjectHashMap<>();
            if (moved != null) {
                next.putAll(moved);
            }
            next.put(mac, new Moved(at, n));
            net.moved = next;
            macMoves.incrementAndGet();
            LOG.log(System.Logger.Level.INFO, "mac " + MacAddress.format(mac) + " moved to port " + at.id()
                    + ": overriding " + n + " rule(s) (vni " + net.vni + ")");
        }
    }

    /** Ends the overrides of {@code net} whose MAC passes {@code which}; call with the lock held. */
    private static void endOverrides(Net net, MovedFilter which, String why) {
        LongObjectHashMap<Moved> moved = net.moved;
        if (moved == null) {
            return;
        }
        LongObjectHashMap<Moved> next = new LongObjectHashMap<>();
        for (LongObjectHashMap.PrimitiveEntry<Moved> e : moved.entries()) {
            if (which.test(e.key(), e.value())) {
                LOG.log(System.Logger.Level.INFO, "mac " + MacAddress.format(e.key()) + ": override to port "
                        + e.value().port().id() + " ended, " + why + " (vni " + net.vni + ")");
            } else {
                next.put(e.key(), e.value());
            }
        }
        if (next.size() != moved.size()) {
            net.moved = next.isEmpty() ? null : next;
        }
    }

    /** A rule of {@code key} was added, changed or removed: ends the override of its exact destination; call with the lock held. */
    private void rulesChanged(ForwardingRule.Key key, String why) {
        Net net = nets.get(key.network().vni());
        if (net != null && key.dst().kind() == MacMatch.Kind.EXACT) {
            long dst = key.dst().address().bits();
            endOverrides(net, (m, mv) -> m == dst, why);
        }
    }

    /** Learned addresses evicted to make room (a network or port at its cap), over every network. */
    public long learnEvictions() {
        long n = 0;
        for (Net net : nets.values()) {
            n += net.learn.evicted();
        }
        return n;
    }

    /** Addresses learned now, over every network. */
    public long learnedCount() {
        long n = 0;
        for (Net net : nets.values()) {
            n += net.learn.size();
        }
        return n;
    }

    /** How many times a gratuitous ARP or RARP made a MAC override its rules (see the class comment). */
    /** Frames whose matching rules all named ports that were down, so they went by learning or the flooding tree. */
    public long fallbacks() {
        return fallbacks.get();
    }

    public long macMoves() {
        return macMoves.get();
    }

    /** The overrides in force: "vni V MAC => PORT (overrides N rule(s))". */
    public synchronized List<String> overrides() {
        List<String> out = new ArrayList<>();
        for (Net n : nets.values()) {
            LongObjectHashMap<Moved> moved = n.moved;
            if (moved != null) {
                for (LongObjectHashMap.PrimitiveEntry<Moved> e : moved.entries()) {
                    out.add("vni " + n.vni + " " + MacAddress.format(e.key()) + " => " + e.value().port().id()
                            + " (moved: overrides " + e.value().rules() + " rule(s))");
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Counts a frame too big for {@code out} and answers or fragments it (see {@link TooBig}); does not release it. */
    private static void tooBig(Port in, Port out, int vni, ByteBuf frame, long offload) {
        out.counters().drop(DropReason.TOO_BIG);
        TooBig.handle(in, out, vni, frame, offload, TooBig.mtu(out), frame.alloc());
    }

    private static boolean tooBigSeen(Port[] targets, Port in, int size) {
        for (Port p : targets) {
            if (p != in && size > TooBig.mtu(p)) {
                return true;
            }
        }
        return false;
    }

    public synchronized void addNetwork(int vni) {
        NetworkId.of(vni);
        if (nets.get(vni) != null) {
            return;
        }
        IntObjectHashMap<Net> next = copyNets();
        Net net = new Net(vni, maxLearned);
        OwnedMacs owned = ownedPending.remove(vni);
        if (owned != null) {
            net.owned = owned;
        }
        next.put(vni, net);
        nets = next;
        rebuildPorts();
    }

    public synchronized List<NetworkId> networks() {
        List<NetworkId> out = new ArrayList<>();
        for (int vni : nets.keySet()) {
            out.add(NetworkId.of(vni));
        }
        out.sort(null);
        return out;
    }

    /** Adds a local interface of network {@code vni} (which is added if new). */
    public synchronized void addInterface(int vni, Port port) {
        addNetwork(vni);
        putPort(port);
        interfaceNetwork.put(port.id(), vni);
        rebuildPorts();
    }

    /** Adds a link; it floods and accepts only the networks it carries ({@link Port#carries}). */
    public synchronized void addLink(Port port) {
        if (!port.isLink()) {
            throw new IllegalArgumentException(port.id() + " is not a link");
        }
        putPort(port);
        rebuildPorts();
    }

    private void putPort(Port port) {
        if (ports.containsKey(port.id())) {
            throw new IllegalArgumentException(port.id() + " exists already");
        }
        ports.put(port.id(), port);
    }

    /**
     * Link {@code portId} now carries other networks ({@link Port#carries} answers anew): floods
     * follow, and of the networks it no longer carries, the addresses learned on it, the overrides
     * to it and the rules that send to it go. Returns the rules removed.
     */
    public synchronized List<ForwardingRule> networksChanged(String portId) {
        Port p = ports.get(portId);
        if (p == null || !p.isLink()) {
            throw new IllegalArgumentException("no link " + portId + " on this daemon");
        }
        List<ForwardingRule> removed = new ArrayList<>();
        rules.values().removeIf(r -> {
            if (r.target().toString().equals(portId) && !p.carries(r.network().vni())) {
                removed.add(r);
                return true;
            }
            return false;
        });
        rebuildPorts();
        for (Net n : nets.values()) {
            if (!p.carries(n.vni)) {
                rebuildRules(n);
                n.learn.forget(p);
                endOverrides(n, (m, mv) -> mv.port() == p, "port " + portId + " no longer carries network " + n.vni);
            }
        }
        for (ForwardingRule r : removed) {
            rulesChanged(r.key(), "link " + portId + " no longer carries its network");
        }
        return removed;
    }

    /** Removes a port, every rule that sends to it and every address learned on it. */
    public synchronized List<ForwardingRule> removePort(String portId) {
        Port p = ports.remove(portId);
        if (p == null) {
            return List.of();
        }
        interfaceNetwork.remove(portId);
        List<ForwardingRule> removed = new ArrayList<>();
        rules.values().removeIf(r -> {
            if (r.target().toString().equals(portId)) {
                removed.add(r);
                return true;
            }
            return false;
        });
        rebuildPorts();
        for (Net n : nets.values()) {
            rebuildRules(n);
            n.learn.forget(p);
            endOverrides(n, (m, mv) -> mv.port() == p, "port " + portId + " was removed");
        }
        for (ForwardingRule r : removed) {
            rulesChanged(r.key(), "a rule for it went with port " + portId);
        }
        return removed;
    }

    public synchronized void addRule(ForwardingRule rule) {
        int vni = rule.network().vni();
        Net net = nets.get(vni);
        if (net == null) {
            throw new IllegalArgumentException("rule " + rule + ": this daemon does not carry network " + vni);
        }
        String target = rule.target().toString();
        if (!ports.containsKey(target)) {
            throw new IllegalArgumentException("rule " + rule + ": no " + target + " on this daemon");
        }
        if (rule.target().kind() == RuleTarget.Kind.LINK && !ports.get(target).carries(vni)) {
            throw new IllegalArgumentException("rule " + rule + ": " + target + " does not carry network " + vni);
        }
        if (rule.target().kind() == RuleTarget.Kind.INTERFACE && interfaceNetwork.get(target) != vni) {
            throw new IllegalArgumentException("rule " + rule + ": " + target + " carries network "
                    + interfaceNetwork.get(target) + ", not " + vni);
        }
        ForwardingRule before = rules.put(rule.key(), rule);
        rebuildRules(net);
        if (!rule.equals(before)) {
            rulesChanged(rule.key(), "its rules changed (" + rule + ")");
        }
    }

    public synchronized boolean removeRule(ForwardingRule.Key key) {
        ForwardingRule r = rules.remove(key);
        if (r == null) {
            return false;
        }
        Net net = nets.get(key.network().vni());
        if (net != null) {
            rebuildRules(net);
            rulesChanged(key, "its rule " + r + " was removed");
        }
        return true;
    }

    public synchronized List<ForwardingRule> rules() {
        return List.copyOf(rules.values());
    }

    /** The learned addresses, "vni V MAC -> PORT (seen S s ago)", then the overrides in force ({@link #overrides()}). */
    public synchronized List<String> learned() {
        long now = System.nanoTime();
        List<String> out = new ArrayList<>();
        for (Net n : nets.values()) {
            out.addAll(n.learn.describe(n.vni, now));
        }
        out.addAll(overrides());
        return out;
    }

    /**
     * Forgets where {@code mac} of network {@code vni} was learned (a VM that stopped or left
     * this host), so that it is no longer reported as local; false if it was not known.
     */
    public boolean forgetAddress(int vni, long mac) {
        Net net = nets.get(vni);
        return net != null && net.learn.forget(mac);
    }

    /** Per network, the unicast addresses learned on local interfaces: the local VMs. */
    public Map<Integer, List<Long>> localAddresses() {
        long now = System.nanoTime();
        Map<Integer, List<Long>> out = new LinkedHashMap<>();
        for (Net n : nets.values()) {
            List<Long> macs = new ArrayList<>();
            n.learn.collectLocal(macs, now);
            out.put(n.vni, macs);
        }
        return out;
    }

    public synchronized Port port(String id) {
        return ports.get(id);
    }

    private IntObjectHashMap<Net> copyNets() {
        IntObjectHashMap<Net> next = new IntObjectHashMap<>();
        next.putAll(nets);
        return next;
    }

    private void rebuildRules(Net net) {
        List<ForwardingRule> mine = new ArrayList<>();
        for (ForwardingRule r : rules.values()) {
            if (r.network().vni() == net.vni) {
                mine.add(r);
            }
        }
        net.rules = mine.isEmpty() ? RuleTable.EMPTY : new RuleTable(mine, ports);
    }

    private void rebuildPorts() {
        for (Net n : nets.values()) {
            List<Port> flood = new ArrayList<>();
            List<Port> local = new ArrayList<>();
            for (Port p : ports.values()) {
                if (p.isLink()) {
                    if (p.floods(n.vni) && p.carries(n.vni)) {
                        flood.add(p);
                    }
                } else if (interfaceNetwork.get(p.id()) == n.vni) {
                    flood.add(p);
                    local.add(p);
                }
            }
            n.flood = flood.toArray(new Port[0]);
            n.local = local.toArray(new Port[0]);
        }
    }
}
