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
    public VttifComponent(@Reference ManagerConfiguration config, @Reference Recorder recorder, BundleContext ctx) {
        VttifSettings s;
        try {
            s = VttifSettings.from(config);
        } catch (IllegalArgumentException e) {
            Fatal.stop(ctx, LOG, config.error(e.getMessage(), e).getMessage(), null);
            return;
        }
        vttif = new VttifService(s.vttif(), s.evaluateMs(), s.matrixEveryMs(), s.historyMinutes() * 60_000, recorder);
        registration = ctx.registerService(new String[] {TopologyService.class.getName(), TrafficListener.class.getName(),
                io.vnet.manager.MetricsSource.class.getName()},
                vttif, null);
    }

    @Deactivate
    void deactivate() {
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
