package io.vnet.manager.cloudstack.impl;

import io.vnet.api.lifecycle.Fatal;
import io.vnet.manager.AgentRegistry;
import io.vnet.manager.MigrationExecutor;
import io.vnet.manager.cloudstack.CloudStackInventory;
import io.vnet.manager.cloudstack.HomeNetworks;
import io.vnet.manager.config.ManagerConfiguration;
import io.vnet.manager.rest.Sessions;
import io.vnet.manager.rest.TenantDirectory;
import io.vnet.manager.store.ManagerStore;
import jakarta.servlet.Servlet;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The CloudStack integration in the manager. It reads the {@code cloudstack} section of the file
 * of the configuration service ({@link ManagerConfiguration}). Without one it only serves
 * /api/cloudstack/*, answering 503. With one it also registers {@link CloudStackInventory},
 * {@link HomeNetworks}, a {@link MigrationExecutor} (CloudStack's live migration) and a
 * {@link TenantDirectory} (tenants sign in with their CloudStack keys), and keeps the inventory in
 * sync. The routes take their callers from the REST API's {@link Sessions}. A bad section stops the
 * manager like any configuration error (exit code 2).
 */
@Component(immediate = true)
public final class CloudStackComponent {
    static final String SERVLET_PATTERN = "/api/cloudstack/*";
    private static final System.Logger LOG = System.getLogger(CloudStackComponent.class.getName());

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private CloudStackWiring wiring;

    @Activate
    public CloudStackComponent(@Reference ManagerStore store, @Reference AgentRegistry agents,
                               @Reference Sessions sessions, @Reference io.vnet.manager.TopologyService topology,
                               @Reference io.vnet.manager.AdaptationService adaptation,
                               @Reference ManagerConfiguration config, BundleContext ctx) {
        boolean allowRemote = Boolean.parseBoolean(ctx.getProperty(io.vnet.manager.rest.HttpSettings.ALLOW_REMOTE_PROPERTY));
        CloudStackConfig cfg;
        try {
            cfg = CloudStackConfig.from(config);
        } catch (Exception e) {
            Fatal.stop(ctx, LOG, e.getMessage(), null);
            return;
        }
        CloudStackApi api;
        if (cfg == null) {
            api = new CloudStackApi("CloudStack is not configured: the manager's configuration"
                    + config.file().map(f -> " " + f).orElse("") + " has no \"cloudstack\" section", allowRemote);
            LOG.log(Level.INFO, "CloudStack is not configured: /api/cloudstack answers 503");
        } else {
            wiring = new CloudStackWiring(cfg, store, agents::hosts, Clock.systemUTC(), allowRemote, null, vni -> {
                topology.forget(io.vnet.api.NetworkId.of(vni));
                adaptation.forget(io.vnet.api.NetworkId.of(vni));
            });
            api = wiring.api;
            registrations.add(ctx.registerService(CloudStackInventory.class, wiring.inventory, null));
            registrations.add(ctx.registerService(HomeNetworks.class, wiring.vnis, null));
            registrations.add(ctx.registerService(MigrationExecutor.class, wiring.migrations, null));
            registrations.add(ctx.registerService(TenantDirectory.class, wiring.tenants, null));
            wiring.start();
            LOG.log(Level.INFO, "CloudStack at " + cfg.url() + ": events by " + cfg.events().name().toLowerCase()
                    + ", Home Networks are offering '" + cfg.offeringName() + "', VNIs " + cfg.vniFrom() + ".."
                    + cfg.vniTo());
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", SERVLET_PATTERN);
        props.put("osgi.http.whiteboard.servlet.name", "vnet-cloudstack-api");
        registrations.add(ctx.registerService(Servlet.class, new CloudStackServlet(api, sessions), props));
    }

    @Deactivate
    void deactivate() {
        registrations.forEach(r -> {
            try {
                r.unregister();
            } catch (IllegalStateException ignored) {
                // already gone with the bundle
            }
        });
        registrations.clear();
        if (wiring != null) {
            wiring.close();
            wiring = null;
        }
    }
}
