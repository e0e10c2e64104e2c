package io.vnet.manager.vttif;

import io.vnet.api.lifecycle.Fatal;
import io.vnet.manager.Recorder;
import io.vnet.manager.TopologyService;
import io.vnet.manager.TrafficListener;
import io.vnet.manager.config.ManagerConfiguration;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Global VTTIF ({@link VttifService}, set by {@link VttifSettings}): offered as the manager's
 * {@link TopologyService} and as a {@link TrafficListener} of the agents' reports. A bad {@code
 * vttif} field stops the manager.
 */
@Component(immediate = true)
public final class VttifComponent {
    private static final System.Logger LOG = System.getLogger(VttifComponent.class.getName());

    private VttifService vttif;
    private ServiceRegistration<?> registration;

    @Activate
    public VttifComponent(@Reference ManagerConfiguration config, @Reference Recorder recorder,
                          @Reference io.vnet.manager.ClusterService cluster, BundleContext ctx) {
        VttifSettings s;
        try {
            s = VttifSettings.from(config);
        } catch (IllegalArgumentException e) {
            Fatal.stop(ctx, LOG, config.error(e.getMessage(), e).getMessage(), null);
            return;
        }
        vttif = new VttifService(s.vttif(), s.evaluateMs(), s.matrixEveryMs(), s.historyMinutes() * 60_000, recorder);
        if (cluster.clustered()) {
            VttifService v = vttif;
            ownership = new io.vnet.manager.ClusterService.OwnershipListener() {
                @Override
                public void acquired(io.vnet.api.NetworkId network, long epoch) {
                    // its traffic comes from now on (every manager relays it here)
                }

                @Override
                public void lost(io.vnet.api.NetworkId network) {
                    v.forget(network); // its owner infers it now; what is held here would go stale
                }
            };
            cluster.addListener(ownership);
            this.cluster = cluster;
        }
        registration = ctx.registerService(new String[] {TopologyService.class.getName(), TrafficListener.class.getName(),
                io.vnet.manager.MetricsSource.class.getName()},
                vttif, null);
    }

    private io.vnet.manager.ClusterService.OwnershipListener ownership;
    private io.vnet.manager.ClusterService cluster;

    @Deactivate
    void deactivate() {
        if (ownership != null) {
            cluster.removeListener(ownership);
            ownership = null;
        }
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (vttif != null) {
            vttif.close();
            vttif = null;
        }
    }
}
