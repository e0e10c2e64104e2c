package io.vnet.manager.cluster;

import io.vnet.api.NetworkId;
import io.vnet.api.lifecycle.Fatal;
import io.vnet.manager.AgentRegistry;
import io.vnet.manager.ClusterService;
import io.vnet.manager.HostInfo;
import io.vnet.manager.config.ManagerConfiguration;
import io.vnet.manager.store.ClusterStore;
import io.vnet.manager.store.ManagerStore;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Offers {@link ClusterService}: {@link LeaseCluster} when the configuration has a {@code "cluster"}
 * section ({@link ClusterConfig}; the store must be PostgreSQL, which every manager of the cluster
 * shares), else {@link SoloCluster}. A bad section, or a cluster on H2, stops the manager.
 */
@Component(immediate = true)
public final class ClusterComponent {
    private static final System.Logger LOG = System.getLogger(ClusterComponent.class.getName());
    private ServiceRegistration<ClusterService> registration;
    private ServiceRegistration<io.vnet.manager.MetricsSource> metrics;
    private LeaseCluster lease;

    /**
     * The agents' registry, for the networks they carry: optional and dynamic, since the agents' component
     * needs this one's service first (it relays to the cluster's other managers).
     */
    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC)
    private volatile AgentRegistry agents;

    @Activate
    public ClusterComponent(@Reference ManagerConfiguration config, @Reference ManagerStore store,
                            @Reference ClusterStore clusterStore, BundleContext ctx) {
        try {
            ClusterConfig cfg;
            try {
                cfg = ClusterConfig.parse(config.has(ClusterConfig.FIELD) ? config.field(ClusterConfig.FIELD) : null);
            } catch (IllegalArgumentException e) {
                throw config.error(e.getMessage(), e);
            }
            ClusterService service;
            if (cfg == null) {
                service = new SoloCluster(new ClusterService.Member("manager", "-", null), () -> networks(agents));
            } else {
                if (!store.describe().startsWith("jdbc:postgresql:")) {
                    throw new IllegalStateException("cluster: managers in a cluster share one PostgreSQL database; this"
                            + " manager's store is " + store.describe() + " (set vnet.manager.db.url to a jdbc:postgresql:"
                            + " URL, the same for every manager, or remove the \"cluster\" section)");
                }
                lease = new LeaseCluster(clusterStore, cfg, () -> networks(agents));
                lease.start();
                service = lease;
                metrics = ctx.registerService(io.vnet.manager.MetricsSource.class, new ClusterMetrics(lease), null);
            }
            registration = ctx.registerService(ClusterService.class, service, null);
        } catch (Exception e) {
            deactivate();
            Fatal.stop(ctx, LOG, e.getMessage(), null);
        }
    }

    /** The networks the agents connected to this manager carry. */
    static Set<NetworkId> networks(AgentRegistry agents) {
        Set<NetworkId> out = new TreeSet<>();
        if (agents == null) {
            return out;
        }
        for (HostInfo h : agents.hosts()) {
            out.addAll(h.networks());
        }
        return out;
    }

    @Deactivate
    void deactivate() {
        if (metrics != null) {
            metrics.unregister();
            metrics = null;
        }
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }
}
