package io.vnet.manager.store.impl;

import io.vnet.manager.store.ManagerStore;
import java.lang.System.Logger.Level;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Opens the store when the bundle starts and registers it as the {@link ManagerStore} service, and its
 * cluster part (leases, fenced writes) as the {@link io.vnet.manager.store.ClusterStore} service.
 * Configured by framework properties: {@value #URL_PROPERTY} (default {@value #DEFAULT_URL}) and
 * {@value #USER_PROPERTY}; the password from a file, the environment or, discouraged,
 * {@value #PASSWORD_PROPERTY} (see {@link DbPassword}). If the database cannot be opened
 * or migrated, the error is logged and the framework is stopped (the manager cannot run without it).
 */
@Component(immediate = true)
public final class StoreComponent {
    public static final String URL_PROPERTY = "vnet.manager.db.url";
    public static final String USER_PROPERTY = "vnet.manager.db.user";
    public static final String PASSWORD_PROPERTY = "vnet.manager.db.password";
    public static final String DEFAULT_URL = "jdbc:h2:file:/var/lib/vnet/manager";
    private static final System.Logger LOG = System.getLogger(StoreComponent.class.getName());

    private JdbcManagerStore store;
    private ServiceRegistration<ManagerStore> registration;
    private ServiceRegistration<io.vnet.manager.store.ClusterStore> cluster;

    @Activate
    void activate(BundleContext ctx) {
        String url = ctx.getProperty(URL_PROPERTY);
        if (url == null || url.isBlank()) {
            url = DEFAULT_URL;
        }
        try {
            DbPassword.Found password = DbPassword.resolve(ctx::getProperty, System::getenv);
            if (password.warning() != null) {
                LOG.log(Level.WARNING, password.warning());
            }
            LOG.log(Level.INFO, "database password: " + password.source());
            store = new JdbcManagerStore(url, blankToNull(ctx.getProperty(USER_PROPERTY)), password.password());
            registration = ctx.registerService(ManagerStore.class, store, null);
            cluster = ctx.registerService(io.vnet.manager.store.ClusterStore.class, new JdbcClusterStore(store), null);
        } catch (RuntimeException e) {
            // the manager cannot run without its database: stop, so that the runtime exits non-zero
            io.vnet.api.lifecycle.Fatal.stop(ctx, LOG, "manager store " + url + " not available: " + e.getMessage(), e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Deactivate
    void deactivate() {
        if (cluster != null) {
            cluster.unregister();
            cluster = null;
        }
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
