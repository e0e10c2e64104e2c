package io.vnet.manager.agents;

import io.netty.channel.Channel;
import io.vnet.api.Endpoint;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.manager.DesiredState;
import io.vnet.manager.DesiredStateService;
import io.vnet.manager.HostInfo;
import io.vnet.manager.MeasuredLink;
import io.vnet.protocol.messages.Members;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Membership links: a host whose configuration links it nowhere in a network it carries (an
 * enrolled host, a proxy that joined later) is put on that network's flooding tree by a link to the
 * network's hub, so that every other daemon accepts it without an edit or a restart. The hub of a
 * network is its proxy (the root of the configured star), else the host with the most configured
 * links in it (the lowest id on a tie). A host that has a configured link carrying the network, or
 * a configured link to the hub, gets none. The closed loop's plans reuse a membership link as they
 * reuse a configured one (it is outside the desired state). One link per (host, hub), {@value Members#PREFIX} and the other's
 * id, carrying and flooding every network it joins them in; the side with a link address accepts,
 * the other dials (a proxy behind NAT dials). Only a pair with an enrolled host (one that joined with a
 * token) gets one: hosts that an admin configured are joined as their files say. Each host is sent its full set ({@link Members}) when
 * it changes and on every new connection. A host joins a tree only as a leaf, so no loop is made.
 */
final class Membership {
    private static final System.Logger LOG = System.getLogger(Membership.class.getName());

    private final AgentSessions sessions;
    private final DesiredStateService desired;
    /** The hosts that joined with an enrolment token: only a pair with one of them gets a membership link. */
    private final java.util.function.Supplier<Set<String>> enrolled;
    /** What each host's connection was last sent (by host; the channel it went on). */
    private final Map<String, Sent> sent = new HashMap<>();

    private record Sent(Channel channel, Set<LinkSpec> links) {
    }

    Membership(AgentSessions sessions, DesiredStateService desired, java.util.function.Supplier<Set<String>> enrolled) {
        this.sessions = sessions;
        this.desired = desired;
        this.enrolled = enrolled;
    }

    /** Computes every host's membership links and sends those that changed. */
    synchronized void update() {
        // a host counts once it has reported its links on this connection: until then its configured links are unknown
        List<HostInfo> known = sessions.hosts().stream().filter(h -> sessions.linksKnown(h.hostId())).toList();
        Map<String, List<LinkSpec>> plan = plan(known, this::managedLinkIds, enrolled.get());
        for (HostInfo h : known) {
            Channel ch = sessions.liveChannel(h.hostId());
            if (ch == null) {
                continue;
            }
            Set<LinkSpec> want = new HashSet<>(plan.getOrDefault(h.hostId(), List.of()));
            Sent before = sent.get(h.hostId());
            if (before != null && before.channel() == ch && before.links().equals(want)) {
                continue;
            }
            if (before == null && want.isEmpty()) {
                sent.put(h.hostId(), new Sent(ch, want)); // nothing to say to a host that never had any
                continue;
            }
            ch.writeAndFlush(new Members(List.copyOf(want)).toJson());
            sent.put(h.hostId(), new Sent(ch, want));
            LOG.log(Level.INFO, "host " + h.hostId() + ": membership links " + want.stream().map(l -> l.id() + " "
                    + l.networks()).toList());
        }
    }

    private Set<String> managedLinkIds(String host) {
        Set<String> ids = new HashSet<>();
        desired.get(host).map(DesiredState::links).orElse(List.of()).forEach(l -> ids.add(l.id()));
        return ids;
    }

    /**
     * The membership links of every host, by host: pure, for tests.
     *
     * @param managed a host's links from the manager's desired state (not configured, so not its tree)
     */
    static Map<String, List<LinkSpec>> plan(List<HostInfo> hosts, java.util.function.Function<String, Set<String>> managedLinks,
                                            Set<String> enrolled) {
        Map<String, Set<String>> managedCache = new java.util.HashMap<>();
        java.util.function.Function<String, Set<String>> managed = host -> managedCache.computeIfAbsent(host, managedLinks);
        Map<String, HostInfo> live = new TreeMap<>();
        for (HostInfo h : hosts) {
            if (h.connected()) {
                live.put(h.hostId(), h);
            }
        }
        // (host, hub) -> networks
        Map<String, Map<String, TreeSet<NetworkId>>> joins = new TreeMap<>();
        // each network's carriers, in one pass over the hosts (a zone has thousands of hosts and networks)
        Map<NetworkId, List<HostInfo>> carriersOf = new TreeMap<>();
        live.values().forEach(h -> h.networks().forEach(n -> carriersOf.computeIfAbsent(n, k -> new ArrayList<>()).add(h)));
        for (Map.Entry<NetworkId, List<HostInfo>> e : carriersOf.entrySet()) {
            NetworkId n = e.getKey();
            List<HostInfo> carriers = e.getValue();
            if (carriers.size() < 2) {
                continue;
            }
            HostInfo hub = hub(carriers, n, managed);
            for (HostInfo h : carriers) {
                if (h == hub || configured(h, n, managed) || linked(h, hub.hostId(), managed)
                        || !enrolled.contains(h.hostId()) && !enrolled.contains(hub.hostId())) {
                    continue; // configured hosts are joined by their files; only pairs with an enrolled host get one
                }
                if (h.linkAddress() == null && hub.linkAddress() == null) {
                    continue; // neither takes links: nothing can join them (logged by the caller's view of the tree)
                }
                joins.computeIfAbsent(h.hostId(), k -> new TreeMap<>()).computeIfAbsent(hub.hostId(), k -> new TreeSet<>()).add(n);
            }
        }
        Map<String, List<LinkSpec>> out = new TreeMap<>();
        joins.forEach((host, hubs) -> hubs.forEach((hubId, nets) -> {
            HostInfo h = live.get(host);
            HostInfo hub = live.get(hubId);
            List<NetworkId> list = List.copyOf(nets);
            // the hub accepts where it can (it has a link address), else the joining host does and the hub dials
            boolean hubAccepts = hub.linkAddress() != null;
            LinkSpec atHost = hubAccepts ? LinkSpec.dial(Members.PREFIX + hubId, hubId, Endpoint.parse(hub.linkAddress()), true, list)
                    : LinkSpec.accept(Members.PREFIX + hubId, hubId, true, list);
            LinkSpec atHub = hubAccepts ? LinkSpec.accept(Members.PREFIX + host, host, true, list)
                    : LinkSpec.dial(Members.PREFIX + host, host, Endpoint.parse(h.linkAddress()), true, list);
            out.computeIfAbsent(host, k -> new ArrayList<>()).add(atHost);
            out.computeIfAbsent(hubId, k -> new ArrayList<>()).add(atHub);
        }));
        return out;
    }

    /** The network's proxy, else the carrier with the most configured links in it, else the lowest id. */
    private static HostInfo hub(List<HostInfo> carriers, NetworkId n, java.util.function.Function<String, Set<String>> managed) {
        HostInfo best = null;
        int bestScore = -1;
        for (HostInfo h : carriers) {
            int score = ("proxy".equals(h.role()) ? 1_000_000 : 0) + configuredCount(h, n, managed);
            if (score > bestScore) {
                best = h;
                bestScore = score;
            }
        }
        return best;
    }

    private static int configuredCount(HostInfo h, NetworkId n, java.util.function.Function<String, Set<String>> managed) {
        Set<String> m = managed.apply(h.hostId());
        int c = 0;
        for (MeasuredLink l : h.links()) {
            if (l.networks().contains(n) && !m.contains(l.id()) && !l.id().startsWith(Members.PREFIX)) {
                c++;
            }
        }
        return c;
    }

    /** Whether the host's configuration links it somewhere in {@code n}. */
    private static boolean configured(HostInfo h, NetworkId n, java.util.function.Function<String, Set<String>> managed) {
        return configuredCount(h, n, managed) > 0;
    }

    /** Whether the host's configuration has a link to {@code peer} (a second one to the same peer could not be told apart). */
    private static boolean linked(HostInfo h, String peer, java.util.function.Function<String, Set<String>> managed) {
        Set<String> m = managed.apply(h.hostId());
        for (MeasuredLink l : h.links()) {
            if (l.peerHost().equals(peer) && !m.contains(l.id()) && !l.id().startsWith(Members.PREFIX)) {
                return true;
            }
        }
        return false;
    }
}
