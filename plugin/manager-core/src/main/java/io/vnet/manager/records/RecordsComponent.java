package io.vnet.manager.records;

import io.vnet.manager.AuditLog;
import io.vnet.manager.Recorder;
import io.vnet.manager.store.ManagerStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * What the manager keeps, in its {@link ManagerStore}: offers the {@link Recorder} of hosts, VMs,
 * desired states, topologies and matrices ({@link StoreRecorder}) and the {@link AuditLog}
 * ({@link StoreAudit}).
 */
@Component(immediate = true)
public final class RecordsComponent {
    private final List<ServiceRegistration<?>> registrations = new CopyOnWriteArrayList<>();

    @Activate
    public RecordsComponent(@Reference ManagerStore store, BundleContext ctx) {
        registrations.add(ctx.registerService(Recorder.class, new StoreRecorder(store), null));
        registrations.add(ctx.registerService(AuditLog.class, new StoreAudit(store, Clock.systemUTC()), null));
    }

    @Deactivate
    void deactivate() {
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
    }
}
