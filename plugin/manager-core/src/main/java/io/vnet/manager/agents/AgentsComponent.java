package io.vnet.manager.agents;

import io.vnet.api.lifecycle.Fatal;
import io.vnet.manager.AgentRegistry;
import io.vnet.manager.DesiredStateService;
import io.vnet.manager.Recorder;
import io.vnet.manager.TrafficListener;
import io.vnet.manager.config.ManagerConfiguration;
import io.vnet.manager.store.ManagerStore;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The manager's kernel: accepts agents on the channel port ({@link AgentsConfig}), and offers
 * {@link AgentRegistry} and {@link DesiredStateService} (restored from the store at start);
 * every {@link TrafficListener} service receives the agents' reports. A start-up error (a bad
 * field, agents that would not authenticate, a port taken) stops the manager ({@link Fatal}).
 */
@Component(immediate = true)
public final class AgentsComponent {
    private static final System.Logger LOG = System.getLogger(AgentsComponent.class.getName());

    private final List<TrafficListener> listeners = new CopyOnWriteArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new CopyOnWriteArrayList<>();
    private ChannelServer channel;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addTrafficListener(TrafficListener l) {
        listeners.add(l);
    }

    void removeTrafficListener(TrafficListener l) {
        listeners.remove(l);
    }

    @Activate
    public AgentsComponent(@Reference ManagerConfiguration config, @Reference ManagerStore store,
                           @Reference Recorder recorder, @Reference io.vnet.manager.AuditLog audit,
                           @Reference io.vnet.manager.ClusterService cluster,
                           @Reference io.vnet.manager.store.ClusterStore clusterStore, BundleContext ctx) {
        try {
            if (config.file().isEmpty()) {
                throw new IllegalStateException("no configuration: set the framework property "
                        + ManagerConfiguration.PROPERTY);
            }
            AgentsConfig cfg;
            try {
                cfg = AgentsConfig.from(config);
                cfg.requireAuthentication();
            } catch (IllegalArgumentException e) {
                throw config.error(e.getMessage(), e);
            }
            if (cfg.insecure()) {
                LOG.log(Level.WARNING, "INSECURE: agents connect without TLS (\"insecure\": true) and are known by their"
                        + " enrolment tokens only (" + cfg.agentTokens().size() + " host(s)); anyone who reaches port "
                        + cfg.agentListen().port() + " and sniffs a token can pose as that host");
            }
            AgentSessions sessions = new AgentSessions(recorder, new ProxyScope(cfg.tenants()));
            if (cfg.tenants().configured()) {
                LOG.log(Level.INFO, "tenants: " + cfg.tenants().tenants() + "; a proxy carries only the networks of the"
                        + " tenant its certificate names");
            } else if (cfg.tls() != null) {
                LOG.log(Level.WARNING, "no \"tenants\" section: a proxy's certificate proves it is a proxy, but the manager"
                        + " does not know its tenant's networks, so it carries the networks it reports");
            }
            long lastGeneration = Restore.desiredStates(store, sessions);
            long firstGeneration = Math.max(lastGeneration, System.currentTimeMillis() * 1000);
            io.vnet.protocol.Tls tls = cfg.tls() == null ? null : io.vnet.protocol.Tls.load(cfg.tls(), cfg.enrolment() != null);
            if (cluster.clustered() && tls == null) {
                throw config.error("cluster: the managers of a cluster link to each other over mutual TLS with their"
                        + " certificates: set \"tls\"", null);
            }
            io.vnet.manager.DesiredStateService states;
            ClusterDesiredStates clusterStates = null;
            if (cluster.clustered()) {
                clusterStates = new ClusterDesiredStates(sessions, clusterStore, cluster, firstGeneration);
                states = clusterStates;
            } else {
                states = new DesiredStates(sessions, firstGeneration);
            }
            Enrolments enrolments = cfg.enrolment() == null ? null
                    : new Enrolments(store, audit, cfg.enrolment(), cfg.tls().cert(), java.time.Clock.systemUTC());
            channel = new ChannelServer(cfg.agentListen(), sessions, () -> listeners, tls, cfg.agentTokens(), enrolments,
                    cfg.greetings());
            if (clusterStates != null) {
                joinCluster(cluster, clusterStates, sessions, tls, ctx);
            }
            if (enrolments != null) {
                registrations.add(ctx.registerService(io.vnet.manager.EnrolmentService.class, enrolments, null));
                LOG.log(Level.INFO, "enrolment: new hosts join with one-time tokens (vnetctl manager enrol); certificates"
                        + " signed by " + cfg.enrolment().signCommand() + " with the CA in " + cfg.enrolment().caDir());
            }
            Membership membership = new Membership(sessions, states,
                    enrolments == null ? java.util.Set::of : enrolments::enrolledHosts); // no enrolment, no membership links
            membershipTicks = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "vnet-membership");
                t.setDaemon(true);
                return t;
            });
            // owners go out at most every 100 ms per agent: a storm of hellos is one message to each agent
            sessions.coalesceOwners(membershipTicks, AgentSessions.OWNERS_PERIOD_MS);
            membershipTicks.scheduleWithFixedDelay(() -> {
                try {
                    membership.update();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "membership links: " + e);
                }
            }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
            if (enrolments != null) {
                membershipTicks.scheduleWithFixedDelay(() -> {
                    try {
                        int n = enrolments.prune();
                        if (n > 0) {
                            LOG.log(Level.INFO, "enrolment: " + n + " token(s) that expired over a week ago deleted");
                        }
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "enrolment: pruning expired tokens failed: " + e);
                    }
                }, 1, 60, java.util.concurrent.TimeUnit.MINUTES);
            }
            // Said before the services are registered: registering them activates the components
            // that need them on this thread, the last of which says "manager ready".
            LOG.log(Level.INFO, "agents on port " + channel.port() + (tls != null ? " (mutual TLS)"
                    : " (enrolment tokens, no TLS)"));
            registrations.add(ctx.registerService(AgentRegistry.class, sessions, null));
            registrations.add(ctx.registerService(DesiredStateService.class, states, null));
            registrations.add(ctx.registerService(io.vnet.manager.MetricsSource.class, new ChannelMetrics(sessions, channel), null));
        } catch (Exception e) {
            deactivate();
            Fatal.stop(ctx, LOG, e.getMessage(), null);
        }
    }

    private java.util.concurrent.ScheduledExecutorService membershipTicks;
    private PeerLinks peers;
    private ClusterDesiredStates clusterStates;
    private io.vnet.manager.ClusterService clusterService;

    /** In a cluster: links to the other managers (checked every second), the relay, and desired state in parts. */
    private void joinCluster(io.vnet.manager.ClusterService cluster, ClusterDesiredStates states, AgentSessions sessions,
                             io.vnet.protocol.Tls tls, BundleContext ctx) {
        peers = new PeerLinks(cluster, tls, channel.group());
        Relay relay = new Relay(cluster, peers, sessions, states, channel::deliver);
        states.notifier(relay);
        sessions.ackListener(states::acked);
        cluster.addListener(states);
        channel.cluster(cluster, relay);
        clusterStates = states;
        clusterService = cluster;
        PeerLinks p = peers;
        channel.group().next().scheduleWithFixedDelay(() -> {
            try {
                p.reconcile();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cluster: linking to the other managers failed: " + e);
            }
        }, 0, 1, java.util.concurrent.TimeUnit.SECONDS);
        registrations.add(ctx.registerService(io.vnet.manager.MetricsSource.class,
                new RelayMetrics(peers, relay, states), null));
        LOG.log(Level.INFO, "cluster: manager " + cluster.self() + " relays its agents to the other managers; each"
                + " network's traffic goes to its owner");
    }

    @Deactivate
    void deactivate() {
        if (peers != null) {
            peers.close();
            peers = null;
        }
        if (clusterStates != null) {
            clusterService.removeListener(clusterStates);
            clusterStates.close();
            clusterStates = null;
        }
        if (membershipTicks != null) {
            membershipTicks.shutdownNow();
            membershipTicks = null;
        }
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
