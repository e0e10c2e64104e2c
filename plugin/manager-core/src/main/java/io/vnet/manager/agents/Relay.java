package io.vnet.manager.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.NetworkId;
import io.vnet.manager.ClusterService;
import io.vnet.protocol.CertIdentity;
import io.vnet.protocol.Json;
import io.vnet.protocol.messages.Hello;
import io.vnet.protocol.messages.Inventory;
import io.vnet.protocol.messages.Report;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * How the managers of a cluster share their agents. Every manager keeps every agent's session (its
 * hello, networks, VMs, links): the agent's own manager (its home) relays its hello, VM changes and
 * departure to every other manager, and each report to every other manager with only the pairs of
 * the networks that manager owns, so each network's owner has all of its traffic and nobody else
 * any of it. The owner's parts of desired state and the home's acknowledgements go round as
 * {@link ClusterDesiredStates} says. A relayed message is taken only from the agent's home as this
 * manager knows it (a relayed hello makes it so).
 */
final class Relay implements ClusterDesiredStates.Notifier {
    private static final System.Logger LOG = System.getLogger(Relay.class.getName());

    /** Where a relayed report goes here: the agent's session and the traffic listeners (this manager's networks). */
    interface Delivery {
        void report(String hostId, Report report);
    }

    private final ClusterService cluster;
    private final PeerLinks peers;
    private final AgentSessions sessions;
    private final ClusterDesiredStates desired;
    private final Delivery delivery;
    private final LongAdder relayedIn = new LongAdder();
    private final LongAdder refusedIn = new LongAdder();

    Relay(ClusterService cluster, PeerLinks peers, AgentSessions sessions, ClusterDesiredStates desired, Delivery delivery) {
        this.cluster = cluster;
        this.peers = peers;
        this.sessions = sessions;
        this.desired = desired;
        this.delivery = delivery;
    }

    // ---- this manager's agents, to the others

    void hello(String hostId, JsonNode raw, CertIdentity identity, String security, String remote) {
        peers.broadcast(new PeerMessage.Relay(hostId, raw, identity, security, remote).toJson());
    }

    /** An agent said hello here: its state is composed again from the database ({@link ClusterDesiredStates#hello}). */
    void helloHere(String hostId, long appliedGeneration) {
        desired.hello(hostId, appliedGeneration);
    }

    void vms(String hostId, JsonNode raw) {
        peers.broadcast(new PeerMessage.Relay(hostId, raw, null, null, null).toJson());
    }

    void gone(String hostId) {
        peers.broadcast(new PeerMessage.Relay(hostId, PeerMessage.gone(), null, null, null).toJson());
    }

    /** A report to every other manager, each with the pairs and rest of the networks it owns only. */
    void report(String hostId, JsonNode raw) {
        Map<NetworkId, String> owners = cluster.owners();
        for (String peer : peers.linked()) {
            ObjectNode copy = onlyOwnedBy(raw, owners, peer);
            peers.send(peer, new PeerMessage.Relay(hostId, copy, null, null, null).toJson(), true);
        }
    }

    /**
     * {@code raw}, sharing its parts, with its {@code pairs} and {@code rest} narrowed to the networks {@code peer}
     * owns; either of them present and not a list carries nothing for it (an empty list: it was passed on whole).
     */
    static ObjectNode onlyOwnedBy(JsonNode raw, Map<NetworkId, String> owners, String peer) {
        ObjectNode copy = Json.object();
        copy.setAll((ObjectNode) raw);
        for (String field : new String[] {"pairs", "rest"}) {
            JsonNode list = raw.get(field);
            if (list == null) {
                continue;
            }
            ArrayNode kept = copy.putArray(field);
            if (!list.isArray()) {
                continue;
            }
            for (JsonNode e : list) {
                int vni = e.path("vni").asInt(-1);
                if (vni >= 1 && vni <= NetworkId.MAX_VNI && peer.equals(owners.get(NetworkId.of(vni)))) {
                    kept.add(e);
                }
            }
        }
        return copy;
    }

    @Override
    public void partChanged(String hostId, int vni, long generation) {
        peers.broadcast(new PeerMessage.Part(hostId, vni, generation).toJson());
    }

    @Override
    public void applied(String hostId, long generation, Map<Integer, Long> parts, List<String> errors) {
        peers.broadcast(new PeerMessage.Relay(hostId, PeerMessage.applied(generation, parts, errors), null, null, null)
                .toJson());
    }

    // ---- the others' agents, here

    /** A message of manager {@code peer} (its certificate and hello checked by the channel). */
    void fromPeer(String peer, PeerMessage m) {
        if (m instanceof PeerMessage.Part p) {
            desired.partChanged(p.host(), p.vni(), p.generation());
            return;
        }
        if (!(m instanceof PeerMessage.Relay r)) {
            refusedIn.increment();
            return;
        }
        String host = r.host();
        String type = r.type();
        if (io.vnet.protocol.ManagerProtocol.HELLO.equals(type)) {
            Hello hello = Hello.read(r.msg());
            if (!hello.hostId().equals(host)) {
                refuse(peer, "a relayed hello of " + host + " says it is " + hello.hostId());
                return;
            }
            sessions.helloRelayed(peer, hello, r.identity(), r.security(), r.remote());
            relayedIn.increment();
            return;
        }
        if (!sessions.home(host).map(peer::equals).orElse(false)) {
            refusedIn.increment(); // not (or no longer) that manager's agent: its hello went elsewhere since
            return;
        }
        relayedIn.increment();
        switch (type) {
            case io.vnet.protocol.ManagerProtocol.VMS -> sessions.inventory(host, Inventory.read(r.msg()), true);
            case io.vnet.protocol.ManagerProtocol.REPORT -> delivery.report(host, Report.read(r.msg()));
            case PeerMessage.GONE -> sessions.goneRelayed(host, peer);
            case PeerMessage.APPLIED -> desired.relayedApplied(host, PeerMessage.parts(r.msg()));
            default -> refuse(peer, "a relayed message of unknown type '" + (type.length() > 20 ? type.substring(0, 20)
                    : type) + "'");
        }
    }

    private void refuse(String peer, String why) {
        refusedIn.increment();
        LOG.log(Level.WARNING, "cluster: manager " + peer + ": " + why + "; ignored");
    }

    /** Manager {@code peer}'s connection here closed: its agents are gone until they say hello again. */
    void peerGone(String peer) {
        sessions.peerGone(peer);
    }

    long relayedIn() {
        return relayedIn.sum();
    }

    long refusedIn() {
        return refusedIn.sum();
    }
}
