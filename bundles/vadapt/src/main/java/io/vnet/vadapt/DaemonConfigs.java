package io.vnet.vadapt;

import io.vnet.api.Endpoint;
import io.vnet.api.ForwardingRule;
import io.vnet.api.Ids;
import io.vnet.api.LinkSpec;
import io.vnet.api.MacAddress;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Plan} as every daemon's desired state in one network.
 *
 * <ul>
 *   <li>Links: one per overlay link on each side, with the peer's host id as link id, carrying
 *       this network only (the manager merges the links of several networks). The side
 *       with the smaller host id dials the other at its endpoint; the other side accepts. Links
 *       of the flooding tree are marked {@code flood}, fast paths are not.</li>
 *   <li>Rules: on a VM's host, {@code dst VM -> interface}. Elsewhere, {@code dst VM ->} the
 *       tree link toward the VM's host, so traffic no route names still follows the loop-free
 *       tree. Along the route of each communicating pair, {@code src A dst B ->} the next link,
 *       where it differs from the tree's (exact source and destination are more specific than
 *       the destination alone, so each pair keeps its own widest route).</li>
 *   <li>A host of the overlay that the flooding tree does not span (its center died and the
 *       tree was rebuilt over the other hosts' links) gets its links and no rules; no rule sends
 *       toward VMs there, and no route through it is given (traffic for them falls back to
 *       learning and the tree).</li>
 * </ul>
 */
public final class DaemonConfigs {
    private DaemonConfigs() {
    }

    /**
     * @param endpoints where every daemon that is dialled accepts links (the larger host id of each link)
     * @param interfaceId the id of the interface through which each daemon reaches its local VMs
     */
    public static Map<String, DaemonConfig> of(Plan plan, NetworkId network, Map<String, Endpoint> endpoints,
                                               String interfaceId) {
        if (plan == null || network == null || endpoints == null) {
            throw new IllegalArgumentException("invalid daemon configs: plan, network and endpoints are required");
        }
        Ids.check("interface id", interfaceId);
        String root = plan.floodRoot();
        Map<String, List<LinkSpec>> links = new TreeMap<>();
        Map<String, List<ForwardingRule>> rules = new TreeMap<>();
        for (HostLink l : plan.overlay().links()) {
            boolean flood = plan.floodTree().contains(l);
            Endpoint ep = endpoints.get(l.b());
            if (ep == null) {
                throw new IllegalArgumentException("no endpoint for host " + l.b() + ", which " + l.a()
                        + " must dial for link " + l);
            }
            List<NetworkId> carried = List.of(network);
            links.computeIfAbsent(l.a(), k -> new ArrayList<>()).add(LinkSpec.dial(l.b(), l.b(), ep, flood, carried));
            links.computeIfAbsent(l.b(), k -> new ArrayList<>()).add(LinkSpec.accept(l.a(), l.a(), flood, carried));
            rules.computeIfAbsent(l.a(), k -> new ArrayList<>());
            rules.computeIfAbsent(l.b(), k -> new ArrayList<>());
        }
        Map<String, String> parent = FloodTree.parents(root, plan.floodTree());
        RuleTarget local = RuleTarget.iface(interfaceId);
        for (Map.Entry<MacAddress, String> e : plan.placement().hosts().entrySet()) {
            MacMatch dst = MacMatch.exact(e.getKey());
            String home = e.getValue();
            if (!parent.containsKey(home)) {
                continue; // off the tree: no way there that the tree knows
            }
            for (String h : rules.keySet()) {
                if (!parent.containsKey(h)) {
                    continue;
                }
                RuleTarget t = h.equals(home) ? local : RuleTarget.link(treeNextHop(parent, h, home));
                rules.get(h).add(new ForwardingRule(network, MacMatch.ANY, dst, t));
            }
        }
        for (Map.Entry<VmPair, List<String>> e : plan.routes().entrySet()) {
            List<String> path = e.getValue();
            if (!parent.keySet().containsAll(path)) {
                continue;
            }
            addRoute(rules, parent, network, e.getKey().a(), e.getKey().b(), path);
            addRoute(rules, parent, network, e.getKey().b(), e.getKey().a(), reversed(path));
        }
        Map<String, DaemonConfig> out = new TreeMap<>();
        for (String h : rules.keySet()) {
            out.put(h, new DaemonConfig(h, links.getOrDefault(h, List.of()), rules.get(h)));
        }
        return out;
    }

    private static void addRoute(Map<String, List<ForwardingRule>> rules, Map<String, String> parent,
                                 NetworkId network, MacAddress src, MacAddress dst, List<String> path) {
        String home = path.get(path.size() - 1);
        for (int i = 0; i + 1 < path.size(); i++) {
            String next = path.get(i + 1);
            if (!next.equals(treeNextHop(parent, path.get(i), home))) {
                rules.get(path.get(i)).add(new ForwardingRule(network, MacMatch.exact(src), MacMatch.exact(dst),
                        RuleTarget.link(next)));
            }
        }
    }

    /** The tree's next hop from {@code from} toward {@code to} ({@code parent}: the tree's parents). */
    static String treeNextHop(Map<String, String> parent, String from, String to) {
        String prev = to;
        for (String v = to; v != null; v = parent.get(v)) {
            if (v.equals(from)) {
                return prev;
            }
            prev = v;
        }
        return parent.get(from);
    }

    private static List<String> reversed(List<String> l) {
        List<String> r = new ArrayList<>(l);
        Collections.reverse(r);
        return r;
    }
}
