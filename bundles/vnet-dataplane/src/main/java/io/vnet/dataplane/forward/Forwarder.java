package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;
import io.netty.util.collection.IntObjectHashMap;
import io.vnet.api.DropReason;
import io.vnet.api.ForwardingRule;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import io.vnet.dataplane.count.PairCounters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VNET's forwarding engine. For a frame of network {@code vni} that entered at port {@code in}:
 * <ol>
 * <li>the source address is learned on {@code in} (unless it is a group address);</li>
 * <li>the most specific matching rule decides the output port;</li>
 * <li>else a unicast destination goes where it was learned, if that port is up;</li>
 * <li>else the frame is flooded: to every flooding port of the network but {@code in}. A frame
 * that came in over a non-flooding link (a fast path) is flooded to local interfaces only, so
 * fast paths never carry floods and never make loops.</li>
 * </ol>
 * Frames that enter from a local interface are counted per (network, source, destination)
 * for VTTIF, so each frame is counted once, by the agent where it enters the overlay.
 * Changes (ports, rules) are serialised and publish new immutable snapshots; forwarding
 * reads them without locks.
 */
public final class Forwarder {
    private static final class Net {
        final int vni;
        final LearnTable learn = new LearnTable();
        volatile RuleTable rules = RuleTable.EMPTY;
        volatile Port[] flood = new Port[0];
        volatile Port[] local = new Port[0];

        Net(int vni) {
            this.vni = vni;
        }
    }

    private volatile IntObjectHashMap<Net> nets = new IntObjectHashMap<>();
    private final PairCounters pairs;
    private final Map<String, Port> ports = new LinkedHashMap<>();
    private final Map<String, Integer> interfaceNetwork = new HashMap<>();
    private final Map<ForwardingRule.Key, ForwardingRule> rules = new LinkedHashMap<>();

    /** A forwarder that counts no VM pairs. */
    public Forwarder() {
        this(null);
    }

    /** A forwarder that counts, in {@code pairs}, every frame entering from a local interface. */
    public Forwarder(PairCounters pairs) {
        this.pairs = pairs;
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
            if (pairs != null && !in.isLink()) {
                pairs.count(vni, src, dst, frame.readableBytes());
            }
            long now = System.nanoTime();
            if (!MacAddress.isGroup(src)) {
                net.learn.learn(src, in, now);
            }
            Port out = net.rules.lookup(src, dst);
            if (out == null && !MacAddress.isGroup(dst)) {
                out = net.learn.lookup(dst, now);
                if (out != null && !out.isUp()) {
                    out = null; // learned behind a link that is down: flood instead
                }
            }
            // the IP packet (or segment) size, to compare with each output port's MTU
            int size = TooBig.wireSize(frame, offload) - Frames.l3Offset(frame);
            if (out != null) {
                if (out == in) {
                    in.counters().drop(DropReason.REFLECTED);
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
            Port[] targets = (in.isLink() && !in.floods()) ? net.local : net.flood;
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
        } finally {
            if (frame != null) {
                frame.release();
            }
        }
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
        next.put(vni, new Net(vni));
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

    /** Adds a link; links carry every network. */
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
        if (rule.target().kind() == RuleTarget.Kind.INTERFACE && interfaceNetwork.get(target) != vni) {
            throw new IllegalArgumentException("rule " + rule + ": " + target + " carries network "
                    + interfaceNetwork.get(target) + ", not " + vni);
        }
        rules.put(rule.key(), rule);
        rebuildRules(net);
    }

    public synchronized boolean removeRule(ForwardingRule.Key key) {
        ForwardingRule r = rules.remove(key);
        if (r == null) {
            return false;
        }
        Net net = nets.get(key.network().vni());
        if (net != null) {
            rebuildRules(net);
        }
        return true;
    }

    public synchronized List<ForwardingRule> rules() {
        return List.copyOf(rules.values());
    }

    public synchronized List<String> learned() {
        long now = System.nanoTime();
        List<String> out = new ArrayList<>();
        for (Net n : nets.values()) {
            out.addAll(n.learn.describe(n.vni, now));
        }
        return out;
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
                    if (p.floods()) {
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
