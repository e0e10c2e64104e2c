package io.vnet.manager.agents;

import io.vnet.manager.MetricsSource;
import io.vnet.protocol.metrics.Exposition;

/** The cluster's share of the agent channel: links to the other managers, relayed messages, parts and their refusals. */
final class RelayMetrics implements MetricsSource {
    private final PeerLinks peers;
    private final Relay relay;
    private final ClusterDesiredStates states;

    RelayMetrics(PeerLinks peers, Relay relay, ClusterDesiredStates states) {
        this.peers = peers;
        this.relay = relay;
        this.states = states;
    }

    @Override
    public void write(Exposition e) {
        e.gauge("vnet_cluster_peer_links", "Links open from this manager to the cluster's other live managers.")
                .sample(peers.linked().size());
        e.counter("vnet_cluster_relay_sent_total", "Messages sent to other managers (relayed agents' messages, parts,"
                + " acknowledgements).").sample(peers.sent());
        e.counter("vnet_cluster_relay_dropped_total", "Relayed reports dropped: a link's buffer was full.")
                .sample(peers.dropped(), "reason", "full").sample(peers.notConnected(), "reason", "not_linked");
        e.counter("vnet_cluster_relay_received_total", "Relayed messages taken from other managers, and refused (not"
                + " that manager's agent, not valid).").sample(relay.relayedIn(), "outcome", "taken")
                .sample(relay.refusedIn(), "outcome", "refused");
        e.counter("vnet_cluster_parts_fenced_total", "Parts of desired state the database refused: this manager's lease"
                + " of the network had moved on.").sample(states.fenced());
        e.counter("vnet_cluster_desired_failures_total", "Database failures of the host's manager's work (reading parts,"
                + " recording what a host applied), and compositions refused with a full queue.")
                .sample(states.dbFailures(), "kind", "database").sample(states.refused(), "kind", "queue_full");
    }
}
