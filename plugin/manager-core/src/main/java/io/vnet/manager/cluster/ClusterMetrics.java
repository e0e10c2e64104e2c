package io.vnet.manager.cluster;

import io.vnet.manager.MetricsSource;
import io.vnet.protocol.metrics.Exposition;

/** A cluster member's leases: how many networks it holds, the live managers, and the changes and failed rounds. */
final class ClusterMetrics implements MetricsSource {
    private final LeaseCluster cluster;

    ClusterMetrics(LeaseCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public void write(Exposition e) {
        long held = cluster.owners().values().stream().filter(cluster.self()::equals).count();
        e.gauge("vnet_cluster_networks_owned", "Networks this manager owns (holds the lease of) now.").sample(held);
        e.gauge("vnet_cluster_members", "Live managers of the cluster, this one included.").sample(cluster.members().size());
        e.counter("vnet_cluster_ownership_changes_total", "Networks this manager got and lost (a lease taken, a lease"
                + " lost or handed on).").sample(cluster.acquisitions(), "change", "acquired")
                .sample(cluster.losses(), "change", "lost");
        e.counter("vnet_cluster_ownership_changes_merged_total", "Ownership changes the listeners (VTTIF, the closed"
                + " loop, desired state) had not heard when a newer change of the same network replaced them (at most a"
                + " loss and an acquisition wait per network).").sample(cluster.changesMerged());
        e.counter("vnet_cluster_rounds_failed_total", "Lease rounds that failed (the database did not answer).")
                .sample(cluster.ticksFailed());
    }
}
