package io.vnet.manager.adapt;

import io.vnet.api.lifecycle.Fatal;
import io.vnet.manager.AdaptationService;
import io.vnet.manager.AgentRegistry;
import io.vnet.manager.AuditLog;
import io.vnet.manager.DesiredStateService;
import io.vnet.manager.MigrationExecutor;
import io.vnet.manager.TopologyService;
import io.vnet.manager.TrafficListener;
import io.vnet.manager.config.ManagerConfiguration;
import io.vnet.manager.store.ManagerStore;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * VADAPT's closed loop ({@link AdaptationLoop}, set by {@link AdaptationSettings}), offered as
 * {@link AdaptationService}, ticking on its own thread; it measures rates as a {@link
 * TrafficListener} of its own ({@link RateMeter}). It works through the other concerns'
 * services only: the agents' registry and desired state, VTTIF's topology and the audit log.
 * Migrations go to the configured command, else to the first {@link MigrationExecutor} another
 * bundle offers. Being the last of the manager's concerns to start, it says "manager ready".
 */
@Component(immediate = true)
public final class AdaptComponent {
    private static final System.Logger LOG = System.getLogger(AdaptComponent.class.getName());

    /** Migration executors offered by other bundles (the configured command comes first). */
    private final List<MigrationExecutor> migrations = new CopyOnWriteArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService ticks;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addMigrationExecutor(MigrationExecutor m) {
        migrations.add(m);
    }

    void removeMigrationExecutor(MigrationExecutor m) {
        migrations.remove(m);
    }

    @Activate
    public AdaptComponent(@Reference ManagerConfiguration config, @Reference AgentRegistry agents,
                          @Reference DesiredStateService desired, @Reference TopologyService topology,
                          @Reference AuditLog audit, @Reference ManagerStore store,
                          @Reference io.vnet.manager.ClusterService cluster,
                          @Reference io.vnet.manager.store.ClusterStore clusterStore, BundleContext ctx) {
        AdaptationSettings s;
        try {
            s = AdaptationSettings.from(config, topology.windowMillis());
        } catch (IllegalArgumentException e) {
            Fatal.stop(ctx, LOG, config.error(e.getMessage(), e).getMessage(), null);
            return;
        }
        Planner planner = new Planner(agents, topology, s.planner());
        CommandMigrations configured = s.migration();
        RateMeter rates = new RateMeter();
        registrations.add(ctx.registerService(TrafficListener.class, rates, null));
        Rollout rollout = new Rollout(agents, desired, audit, Clock.systemUTC());
        boolean clustered = cluster.clustered();
        StoreLoopRecords records = !clustered ? new StoreLoopRecords(store) : new StoreLoopRecords(store, clusterStore,
                n -> cluster.epoch(n).isPresent() ? java.util.Optional.of(new io.vnet.manager.store.Fence(n.vni(),
                        cluster.self(), cluster.epoch(n).getAsLong())) : java.util.Optional.empty());
        AdaptationLoop loop = new AdaptationLoop(new Recommender(planner), topology, rates, rollout, audit,
                records, () -> configured != null ? configured : migrations.stream().findFirst().orElse(null), s.timing(),
                Clock.systemUTC(), clustered ? cluster::owns : null);
        if (clustered) {
            ownership = new io.vnet.manager.ClusterService.OwnershipListener() {
                @Override
                public void acquired(io.vnet.api.NetworkId network, long epoch) {
                    loop.acquire(network);
                }

                @Override
                public void lost(io.vnet.api.NetworkId network) {
                    loop.release(network);
                }
            };
            cluster.addListener(ownership);
            this.cluster = cluster;
            // networks owned before this component started: taken now
            cluster.owners().forEach((n, owner) -> {
                if (cluster.owns(n)) {
                    loop.acquire(n);
                }
            });
        }
        ticks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vnet-adapt");
            t.setDaemon(true);
            return t;
        });
        ticks.scheduleWithFixedDelay(loop::tick, s.tickMs(), s.tickMs(), TimeUnit.MILLISECONDS);
        registrations.add(ctx.registerService(AdaptationService.class, loop, null));
        registrations.add(ctx.registerService(io.vnet.manager.MetricsSource.class, loop.metrics(), null));
        LOG.log(Level.INFO, "manager ready: agents, VTTIF and the closed loop running, store " + store.describe()
                + (configured != null ? ", migrations by " + configured.describe() : "") + ", config "
                + config.file().map(Object::toString).orElse("(none)"));
    }

    private io.vnet.manager.ClusterService.OwnershipListener ownership;
    private io.vnet.manager.ClusterService cluster;

    @Deactivate
    void deactivate() {
        if (ownership != null) {
            cluster.removeListener(ownership);
            ownership = null;
        }
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
        if (ticks != null) {
            ticks.shutdownNow();
            ticks = null;
        }
    }
}
