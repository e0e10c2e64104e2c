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
 * ({@link StoreAudit}), both writing through one {@link StoreWriter} (several waiting writes in one transaction where the
 * store {@link ManagerStore#writesTogether() can}), offered as {@link StoreWrites}.
 */
@Component(immediate = true)
public final class RecordsComponent {
    private final List<ServiceRegistration<?>> registrations = new CopyOnWriteArrayList<>();

    private final StoreWriter writer;

    @Activate
    public RecordsComponent(@Reference ManagerStore store, BundleContext ctx) {
        writer = store.writesTogether()
                ? StoreWriter.threaded(StoreWriter.MAX_PENDING, Clock.systemUTC(), store::inOneTransaction)
                : StoreWriter.threaded(StoreWriter.MAX_PENDING, Clock.systemUTC());
        registrations.add(ctx.registerService(Recorder.class, new StoreRecorder(store, writer), null));
        registrations.add(ctx.registerService(AuditLog.class, new StoreAudit(store, Clock.systemUTC(), writer), null));
        registrations.add(ctx.registerService(StoreWrites.class, writer, null));
    }

    @Deactivate
    void deactivate() {
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
        writer.close(); // what waits is written if the database answers within 3 s; what is left is logged
    }
}
