package io.vnet.agent.impl;

import io.vnet.agent.config.AgentConfig;
import io.vnet.agent.config.ConfigException;
import io.vnet.api.ForwardingRule;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.LanSpec;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.dataplane.DataPlane;
import io.vnet.dataplane.DataPlaneFactory;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The host agent: reads the file named by the framework property {@value #CONFIG_PROPERTY},
 * builds the data plane from it (networks, TAPs, links, rules) and serves the control socket.
 * A configuration or start-up error is fatal: it is logged, recorded in the system property
 * {@value io.vnet.api.lifecycle.Fatal#PROPERTY} and the framework is stopped, so the daemon exits non-zero.
 */
@Component(immediate = true)
public final class AgentComponent {
    public static final String CONFIG_PROPERTY = "vnet.agent.config";
    private static final System.Logger LOG = System.getLogger(AgentComponent.class.getName());

    private final DataPlaneFactory factory;
    private DataPlane dataPlane;
    private ControlServer control;
    private ManagerClient managerClient;
    private io.vnet.libvirt.watch.DomainWatcher libvirt;
    private io.vnet.agent.http.HttpEndpoint http;
    /** The configuration running now (a reload replaces it), the desired state and the VMs, for SIGHUP. */
    private AgentConfig running;
    private ManagedState managedState;
    private LocalVms localVms;
    private sun.misc.SignalHandler previousHup;

    @Activate
    public AgentComponent(@Reference DataPlaneFactory factory, BundleContext ctx) {
        this.factory = factory;
        String file = ctx.getProperty(CONFIG_PROPERTY);
        try {
            if (file == null) {
                throw new ConfigException("no configuration: set the framework property " + CONFIG_PROPERTY, null);
            }
            start(AgentConfig.load(Path.of(file)));
        } catch (Exception e) {
            String msg = e instanceof ConfigException ? e.getMessage() : "agent failed to start: " + e.getMessage();
            stopEverything();
            io.vnet.api.lifecycle.Fatal.stop(ctx, LOG, msg, null);
        }
    }

    /** What the agent says of its authentication, in the log at every start and in status. */
    static String security(AgentConfig cfg) {
        List<String> vxlan = cfg.links().stream().filter(LinkSpec::isVxlan).map(LinkSpec::id).toList();
        String links = vxlan.isEmpty() ? "" : "; VXLAN links " + vxlan + " are unauthenticated (VXLAN cannot be)";
        return (cfg.insecure() ? "INSECURE: no authentication (\"insecure\": true): anyone who reaches the link port"
                + " can pose as a peer" + (cfg.manager() == null ? "" : ", and the manager knows this host by its enrolment"
                + " token only") : "mutual TLS") + links;
    }

    private void start(AgentConfig cfg) throws Exception {
        Enroller.ensure(cfg); // a new host's certificate first: its links and manager channel need it
        String security = security(cfg);
        if (cfg.insecure() || security.contains("VXLAN")) {
            LOG.log(Level.WARNING, "agent " + cfg.hostId() + ": " + security);
        }
        dataPlane = factory.create(cfg.dataPlane());
        for (NetworkId n : cfg.networks()) {
            dataPlane.addNetwork(n);
        }
        for (InterfaceSpec i : cfg.interfaces()) {
            dataPlane.addInterface(i);
        }
        for (LanSpec l : cfg.lans()) {
            dataPlane.addLan(l);
        }
        for (LinkSpec l : cfg.links()) {
            dataPlane.addLink(l);
        }
        for (ForwardingRule r : cfg.rules()) {
            dataPlane.addRule(r);
        }
        ManagedState managed = new ManagedState(dataPlane,
                cfg.links().stream().map(LinkSpec::id).collect(java.util.stream.Collectors.toSet()),
                cfg.rules().stream().map(ForwardingRule::key).collect(java.util.stream.Collectors.toSet()),
                cfg.stateFile());
        managed.restore();
        MemberLinks memberLinks = new MemberLinks(dataPlane, cfg.stateFile());
        memberLinks.restore();
        if (cfg.manager() != null) {
            io.vnet.protocol.Tls tls = cfg.dataPlane().tls() == null ? null : io.vnet.protocol.Tls.load(cfg.dataPlane().tls());
            managerClient = new ManagerClient(cfg.managers(), cfg.hostId(), cfg.role(), cfg.listen(), dataPlane, managed,
                    cfg.reportIntervalMs(), tls, cfg.managerId());
            managerClient.enrolment(cfg.enrolmentToken());
            managerClient.members(memberLinks);
        }
        Runnable changed = () -> {
            ManagerClient m = managerClient;
            if (m != null) {
                m.vmsChanged();
            }
        };
        dataPlane.holdLocalMacs(cfg.macHold());
        dataPlane.ownedSourcesOnly(cfg.ownedSourcesOnly());
        MacOwnership ownership = new MacOwnership(dataPlane, cfg.hostId());
        Networks networks = new Networks(dataPlane, cfg.attach(), changed);
        LocalVms vms = null;
        if (cfg.libvirt() != null || !cfg.vms().isEmpty()) {
            vms = new LocalVms(dataPlane, networks, changed);
            if (cfg.libvirt() == null) {
                vms.noLibvirt();
            }
            vms.configured(cfg.vms());
            vms.ownership(ownership);
            if (managerClient != null) {
                managerClient.follow(vms);
            }
        }
        if (managerClient != null) {
            managerClient.ownership(ownership);
        }
        if (managerClient != null) {
            managerClient.start();
        }
        CommandHandler commands = new CommandHandler(dataPlane, cfg.role(), networks, vms);
        commands.security(security);
        commands.ownership(ownership);
        commands.managed(managerClient, managed);
        control = new ControlServer(cfg.control(), commands);
        http = http(cfg, new AgentMetrics(dataPlane, cfg.role(), managed, managerClient, certificates(cfg)));
        running = cfg;
        managedState = managed;
        localVms = vms;
        try {
            previousHup = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> reload());
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "SIGHUP cannot reload the configuration here: " + e.getMessage());
        }
        if (cfg.libvirt() != null) {
            libvirt = new io.vnet.libvirt.watch.DomainWatcher(cfg.libvirt().uri(), cfg.libvirt().resyncMs(), vms);
            libvirt.start();
        }
        LOG.log(Level.INFO, "agent " + cfg.hostId() + " (role " + cfg.role() + ") ready: " + cfg.networks().size()
                + " network(s), " + cfg.interfaces().size() + " interface(s), "
                + (cfg.lans().isEmpty() ? "" : cfg.lans().size() + " LAN device(s), ") + cfg.links().size() + " link(s), "
                + cfg.rules().size() + " rule(s), config " + cfg.file()
                + (cfg.manager() == null ? ", no manager" : ", manager " + (cfg.managers().size() == 1 ? cfg.manager()
                : cfg.managers()))
                + (cfg.libvirt() == null ? "" : ", following libvirt " + cfg.libvirt().uri())
                + (http == null ? ", no metrics endpoint" : ", metrics on http://" + cfg.metrics().listen().host() + ":"
                + http.port() + "/metrics"));
    }

    /**
     * SIGHUP: reads the configuration file again and applies its static part ({@link StaticReload});
     * a file that is not valid now changes nothing (logged, the agent runs on as it was).
     */
    synchronized void reload() {
        AgentConfig old = running;
        if (old == null || dataPlane == null) {
            return;
        }
        AgentConfig next;
        try {
            next = AgentConfig.load(old.file());
        } catch (ConfigException e) {
            LOG.log(Level.ERROR, "SIGHUP: reload refused, the agent runs on unchanged: " + e.getMessage());
            return;
        }
        try {
            for (String line : StaticReload.apply(old, next, dataPlane, managedState, localVms)) {
                LOG.log(Level.INFO, "SIGHUP: " + line);
            }
            running = next;
            LOG.log(Level.INFO, "SIGHUP: reloaded " + old.file());
        } catch (Exception e) {
            LOG.log(Level.ERROR, "SIGHUP: reload of " + old.file() + " stopped part way: " + e.getMessage()
                    + "; what it applied so far stays (restart the agent to start from the file)");
        }
    }

    /**
     * The metrics and health endpoint, or null ({@code "metrics": "off"}, or the default address
     * taken: warned).
     *
     * @throws java.io.IOException an address the file chose that cannot be bound
     */
    private static io.vnet.agent.http.HttpEndpoint http(AgentConfig cfg, AgentMetrics metrics) throws java.io.IOException {
        if (cfg.metrics().listen() == null) {
            return null;
        }
        java.util.Map<String, java.util.function.Supplier<io.vnet.agent.http.HttpEndpoint.Response>> routes = java.util.Map.of(
                "/metrics", () -> new io.vnet.agent.http.HttpEndpoint.Response(200,
                        io.vnet.protocol.metrics.Exposition.CONTENT_TYPE, metrics.text()),
                "/healthz", () -> io.vnet.agent.http.HttpEndpoint.Response.text(200, "ok\n"),
                "/readyz", () -> {
                    List<String> why = metrics.notReady();
                    return why.isEmpty() ? io.vnet.agent.http.HttpEndpoint.Response.text(200, "ready\n")
                            : io.vnet.agent.http.HttpEndpoint.Response.text(503, "not ready:\n- " + String.join("\n- ", why) + "\n");
                });
        try {
            io.vnet.agent.http.HttpEndpoint h = new io.vnet.agent.http.HttpEndpoint(cfg.metrics().listen(), routes, "vnet-metrics");
            metrics.endpoint(h);
            return h;
        } catch (java.io.IOException e) {
            if (cfg.metrics().chosen()) {
                throw new java.io.IOException("metrics: " + e.getMessage(), e);
            }
            LOG.log(Level.WARNING, "no metrics endpoint: the default address " + cfg.metrics().listen() + " is taken ("
                    + e.getMessage() + "); set \"metrics\" to another HOST:PORT, or \"off\"");
            return null;
        }
    }

    /** The certificates of the TLS files, for their expiry (none without TLS). */
    private static io.vnet.protocol.metrics.CertificateExpiry certificates(AgentConfig cfg) {
        io.vnet.protocol.Tls.Files f = cfg.dataPlane().tls();
        return f == null ? io.vnet.protocol.metrics.CertificateExpiry.NONE
                : io.vnet.protocol.metrics.CertificateExpiry.read(java.util.Map.of("cert", f.cert(), "ca", f.ca()));
    }

    private void stopEverything() {
        if (previousHup != null) {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), previousHup);
            previousHup = null;
        }
        if (http != null) {
            http.close();
            http = null;
        }
        if (libvirt != null) {
            libvirt.close();
            libvirt = null;
        }
        if (managerClient != null) {
            managerClient.close();
            managerClient = null;
        }
        if (control != null) {
            control.close();
            control = null;
        }
        if (dataPlane != null) {
            dataPlane.close();
            dataPlane = null;
        }
    }

    @Deactivate
    void deactivate() {
        stopEverything();
    }
}
