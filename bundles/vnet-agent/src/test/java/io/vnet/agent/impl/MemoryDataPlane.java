package io.vnet.agent.impl;

import io.vnet.api.ForwardingRule;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.LanSpec;
import io.vnet.api.LinkSpec;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.api.PortStats;
import io.vnet.dataplane.DataPlane;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A data plane that only keeps its links and rules, with the real one's rules for both; its
 * local addresses and traffic are what a test sets.
 */
final class MemoryDataPlane implements DataPlane {
    final Map<String, LinkSpec> links = new LinkedHashMap<>();
    final Map<ForwardingRule.Key, ForwardingRule> rules = new LinkedHashMap<>();
    final TreeSet<NetworkId> networks = new TreeSet<>();
    final List<InterfaceSpec> interfaces = new java.util.ArrayList<>();
    /** "vni mac" of every forgotten and every announced address, in order. */
    final List<String> forgotten = new java.util.ArrayList<>();
    final List<String> announced = new java.util.ArrayList<>();
    /** What {@link #localMacs()} answers: the addresses "learned" on local interfaces. */
    Map<NetworkId, List<MacAddress>> localMacs = Map.of();
    /** Where set, what every {@link #trafficGrowth()} answers (called on the reporting thread). */
    volatile java.util.function.Supplier<io.vnet.dataplane.TrafficGrowth> growthEach;
    /** What the next {@link #trafficGrowth()} answers (then nothing). */
    io.vnet.dataplane.TrafficGrowth growth = io.vnet.dataplane.TrafficGrowth.NONE;
    int linkAdds;
    int linkRemovals;
    int linkUpdates;

    @Override
    public String hostId() {
        return "mem";
    }

    @Override
    public int listenPort() {
        return 5800;
    }

    @Override
    public void addNetwork(NetworkId network) {
        networks.add(network);
    }

    @Override
    public List<NetworkId> networks() {
        return List.copyOf(networks);
    }

    @Override
    public void addInterface(InterfaceSpec spec) {
        networks.add(spec.network());
        interfaces.add(spec);
    }

    @Override
    public boolean forgetMac(NetworkId network, MacAddress mac) {
        forgotten.add(network.vni() + " " + mac);
        return true;
    }

    /** The owned addresses per network as last set, "MAC here|elsewhere", sorted. */
    final Map<NetworkId, List<String>> owners = new java.util.TreeMap<>();
    /** Every call of {@link #setOwners} and {@link #announce}, in order ("owners 100", "announce 100 MAC"). */
    final List<String> calls = new java.util.ArrayList<>();

    @Override
    public int setOwners(NetworkId network, java.util.Collection<MacAddress> here, java.util.Collection<MacAddress> elsewhere) {
        List<String> list = new java.util.ArrayList<>();
        here.forEach(m -> list.add(m + " here"));
        elsewhere.forEach(m -> list.add(m + " elsewhere"));
        list.sort(null);
        if (list.isEmpty()) {
            owners.remove(network);
        } else {
            owners.put(network, list);
        }
        calls.add("owners " + network.vni() + " " + list);
        return 0;
    }

    @Override
    public boolean announce(NetworkId network, MacAddress mac) {
        announced.add(network.vni() + " " + mac);
        calls.add("announce " + network.vni() + " " + mac);
        return interfaces.stream().anyMatch(i -> i.network().equals(network));
    }

    @Override
    public boolean removeInterface(String id) {
        return interfaces.removeIf(i -> i.id().equals(id));
    }

    @Override
    public List<InterfaceSpec> interfaces() {
        return List.copyOf(interfaces);
    }

    @Override
    public void addLan(LanSpec spec) {
        networks.add(spec.network());
    }

    @Override
    public boolean removeLan(String device) {
        return false;
    }

    @Override
    public List<LanSpec> lans() {
        return List.of();
    }

    @Override
    public void addLink(LinkSpec spec) {
        if (links.putIfAbsent(spec.id(), spec) != null) {
            throw new IllegalArgumentException("link " + spec.id() + " exists already");
        }
        linkAdds++;
    }

    @Override
    public void updateLink(LinkSpec spec) {
        LinkSpec before = links.get(spec.id());
        if (before == null || !before.sameConnection(spec)) {
            throw new IllegalArgumentException("link " + spec.id() + ": no such link, or it differs in more than its"
                    + " networks");
        }
        links.put(spec.id(), spec);
        linkUpdates++;
        rules.values().removeIf(r -> r.target().toString().equals("link:" + spec.id()) && !spec.carries(r.network().vni()));
    }

    /** The manager's list of revoked certificates, as last pushed. */
    java.util.List<String> revoked = java.util.List.of();

    @Override
    public void revokeCertificates(java.util.Collection<String> fingerprints) {
        revoked = java.util.List.copyOf(fingerprints);
    }

    @Override
    public boolean removeLink(String id) {
        if (links.remove(id) == null) {
            return false;
        }
        linkRemovals++;
        rules.values().removeIf(r -> r.target().toString().equals("link:" + id));
        return true;
    }

    @Override
    public List<LinkSpec> links() {
        return List.copyOf(links.values());
    }

    @Override
    public void addRule(ForwardingRule rule) {
        if (!networks.contains(rule.network())) {
            throw new IllegalArgumentException("rule " + rule + ": this daemon does not carry network " + rule.network());
        }
        if (rule.target().kind() == io.vnet.api.RuleTarget.Kind.LINK && !links.containsKey(rule.target().id())) {
            throw new IllegalArgumentException("rule " + rule + ": no " + rule.target() + " on this daemon");
        }
        if (rule.target().kind() == io.vnet.api.RuleTarget.Kind.LINK
                && !links.get(rule.target().id()).carries(rule.network().vni())) {
            throw new IllegalArgumentException("rule " + rule + ": " + rule.target() + " does not carry network "
                    + rule.network());
        }
        rules.put(rule.key(), rule);
    }

    @Override
    public boolean removeRule(ForwardingRule.Key key) {
        return rules.remove(key) != null;
    }

    @Override
    public List<ForwardingRule> rules() {
        return List.copyOf(rules.values());
    }

    @Override
    public Map<NetworkId, List<MacAddress>> localMacs() {
        return localMacs;
    }

    @Override
    public List<String> learned() {
        return List.of();
    }

    @Override
    public List<PairCount> pairCounts() {
        return List.of();
    }

    @Override
    public io.vnet.dataplane.TrafficGrowth trafficGrowth() {
        java.util.function.Supplier<io.vnet.dataplane.TrafficGrowth> each = growthEach;
        if (each != null) {
            return each.get();
        }
        io.vnet.dataplane.TrafficGrowth g = growth;
        growth = io.vnet.dataplane.TrafficGrowth.NONE;
        return g;
    }

    /** What {@link #stats()} answers. */
    final List<PortStats> stats = new ArrayList<>();

    @Override
    public List<PortStats> stats() {
        return new ArrayList<>(stats);
    }

    @Override
    public List<io.vnet.api.LinkPath> linkPaths() {
        List<io.vnet.api.LinkPath> out = new ArrayList<>();
        for (io.vnet.api.LinkSpec l : links()) {
            out.add(new io.vnet.api.LinkPath(l.id(), l.peerHost(), l.isVxlan() ? "vxlan" : "tcp", true, -1, -1, 0, 0,
                    l.networks()));
        }
        return out;
    }

    @Override
    public PortStats listenerStats() {
        return new PortStats("listener", "listener", "none", "accepted 0", 0, 0, 0, 0, Map.of());
    }

    @Override
    public void close() {
    }
}
