package io.vnet.manager.libvirt;

import io.vnet.manager.AgentRegistry;
import io.vnet.manager.MigrationExecutor;
import io.vnet.manager.config.ManagerConfiguration;
import java.lang.System.Logger.Level;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Offers {@link LibvirtMigrations} as the manager's {@link MigrationExecutor} when the
 * manager's configuration ({@link ManagerConfiguration}) has a {@code
 * libvirt} section; without one it offers nothing. A bad section is logged and offers nothing.
 */
@Component(immediate = true)
public final class LibvirtExecutorComponent {
    private static final System.Logger LOG = System.getLogger(LibvirtExecutorComponent.class.getName());

    private ServiceRegistration<MigrationExecutor> registration;

    @Activate
    public LibvirtExecutorComponent(@Reference AgentRegistry agents, @Reference ManagerConfiguration config,
                                    BundleContext ctx) {
        if (!config.has("libvirt")) {
            return;
        }
        try {
            LibvirtMigrations m = new LibvirtMigrations(agents, LibvirtHosts.parse(config.field("libvirt")));
            registration = ctx.registerService(MigrationExecutor.class, m, null);
            LOG.log(Level.INFO, "migration executor: " + m.describe());
        } catch (Exception e) {
            LOG.log(Level.ERROR, config.error(e.getMessage(), e).getMessage() + " (no libvirt migrations)");
        }
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }
}
