package io.vnet.manager.impl;

import io.vnet.manager.AgentRegistry;
import io.vnet.manager.DesiredStateService;
import io.vnet.manager.TopologyService;
import io.vnet.manager.TrafficListener;
import io.vnet.manager.store.ManagerStore;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The manager: reads the file named by the framework property {@value #CONFIG_PROPERTY},
 * accepts agents on the channel port, and offers {@link AgentRegistry} and {@link
 * DesiredStateService}; every {@link TrafficListener} service receives the agents' reports.
 * A start-up error stops the framework (the runtime then exits with code 2).
 */
@Component(immediate = true)
public final class ManagerComponent {
    public static final String CONFIG_PROPERTY = "vnet.manager.config";
    public static final String FATAL_PROPERTY = "vnet.fatal";
    private static final System.Logger LOG = System.getLogger(ManagerComponent.class.getName());

    private final List<TrafficListener> listeners = new CopyOnWriteArrayList<>();

    @Reference
    private ManagerStore store;
    private ChannelServer channel;
    private ServiceRegistration<?> registry;
    private ServiceRegistration<?> desired;
    private ServiceRegistration<?> topology;
    private ServiceRegistration<?> adaptation;
    private ServiceRegistration<?> auditLog;
    /** Migration executors offered by other bundles (the configured command comes first). */
    private final List<io.vnet.manager.MigrationExecutor> migrations = new CopyOnWriteArrayList<>();
    private java.util.concurrent.ScheduledExecutorService adaptTicks;
    private VttifService vttif;
    private RateMeter rates;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addTrafficListener(TrafficListener l) {
        listeners.add(l);
    }

    void removeTrafficListener(TrafficListener l) {
        listeners.remove(l);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addMigrationExecutor(io.vnet.manager.MigrationExecutor m) {
        migrations.add(m);
    }

    void removeMigrationExecutor(io.vnet.manager.MigrationExecutor m) {
        migrations.remove(m);
    }

    @Activate
    void activate(BundleContext ctx) {
        String file = ctx.getProperty(CONFIG_PROPERTY);
        try {
            if (file == null) {
                throw new IllegalStateException("no configuration: set the framework property " + CONFIG_PROPERTY);
            }
            ManagerConfig cfg = ManagerConfig.load(Path.of(file));
            cfg.requireAuthentication();
            if (cfg.insecure()) {
                LOG.log(Level.WARNING, "INSECURE: agents connect without TLS (\"insecure\": true) and are known by their"
                        + " enrolment tokens only (" + cfg.agentTokens().size() + " host(s)); anyone who reaches port "
                        + cfg.agentListen().port() + " and sniffs a token can pose as that host");
            }
            Records records = new StoreRecords(store);
            AgentSessions sessions = new AgentSessions(records, new ProxyScope(cfg.tenants()));
            if (cfg.tenants().configured()) {
                LOG.log(Level.INFO, "tenants: " + cfg.tenants().tenants() + "; a proxy carries only the networks of the"
                        + " tenant its certificate names");
            } else if (cfg.tls() != null) {
                LOG.log(Level.WARNING, "no \"tenants\" section: a proxy's certificate proves it is a proxy, but the manager"
                        + " does not know its tenant's networks, so it carries the networks it reports");
            }
            long lastGeneration = Restore.desiredStates(store, sessions);
            DesiredStates states = new DesiredStates(sessions, Math.max(lastGeneration, System.currentTimeMillis() * 1000));
            vttif = new VttifService(cfg.vttif(), cfg.evaluateMs(), cfg.matrixEveryMs(), records);
            listeners.add(vttif);
            io.vnet.protocol.Tls tls = cfg.tls() == null ? null : io.vnet.protocol.Tls.load(cfg.tls());
            channel = new ChannelServer(cfg.agentListen(), sessions, () -> listeners, tls, cfg.agentTokens());
            registry = ctx.registerService(AgentRegistry.class, sessions, null);
            desired = ctx.registerService(DesiredStateService.class, states, null);
            topology = ctx.registerService(TopologyService.class, vttif, null);
            java.time.Clock clock = java.time.Clock.systemUTC();
            StoreAudit audit = new StoreAudit(store, clock);
            auditLog = ctx.registerService(io.vnet.manager.AuditLog.class, audit, null);
            Planner planner = new Planner(sessions, vttif, cfg.adaptation().planner());
            CommandMigrations configured = cfg.migration();
            rates = new RateMeter();
            listeners.add(rates);
            AdaptationLoop loop = new AdaptationLoop(new Recommender(planner), vttif, rates, new Rollout(sessions, states, audit),
                    audit, new StoreLoopRecords(store), () -> configured != null ? configured : migrations.stream()
                    .findFirst().orElse(null), cfg.adaptation().timing(), clock);
            adaptTicks = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "vnet-adapt");
                t.setDaemon(true);
                return t;
            });
            long tick = cfg.adaptation().tickMs();
            adaptTicks.scheduleWithFixedDelay(loop::tick, tick, tick, java.util.concurrent.TimeUnit.MILLISECONDS);
            adaptation = ctx.registerService(io.vnet.manager.AdaptationService.class, loop, null);
            LOG.log(Level.INFO, "manager ready: agents on port " + channel.port() + (tls != null ? " (mutual TLS)" : "")
                    + ", store " + store.describe()
                    + (configured != null ? ", migrations by " + configured.describe() : "")
                    + ", config " + file);
        } catch (Exception e) {
            LOG.log(Level.ERROR, e.getMessage());
            deactivate();
            System.setProperty(FATAL_PROPERTY, e.getMessage());
            new Thread(() -> {
                try {
                    ctx.getBundle(0).stop();
                } catch (BundleException | IllegalStateException ignored) {
                    // stopping already
                }
            }, "vnet-fatal").start();
        }
    }

    @Deactivate
    void deactivate() {
        if (registry != null) {
            registry.unregister();
            registry = null;
        }
        if (desired != null) {
            desired.unregister();
            desired = null;
        }
        if (adaptation != null) {
            adaptation.unregister();
            adaptation = null;
        }
        if (auditLog != null) {
            auditLog.unregister();
            auditLog = null;
        }
        if (adaptTicks != null) {
            adaptTicks.shutdownNow();
            adaptTicks = null;
        }
        if (topology != null) {
            topology.unregister();
            topology = null;
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
        if (rates != null) {
            listeners.remove(rates);
            rates = null;
        }
        if (vttif != null) {
            listeners.remove(vttif);
            vttif.close();
            vttif = null;
        }
    }
}
