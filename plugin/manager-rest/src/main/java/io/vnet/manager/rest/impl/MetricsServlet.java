package io.vnet.manager.rest.impl;

import io.vnet.manager.MetricsSource;
import io.vnet.manager.config.ManagerConfiguration;
import io.vnet.manager.records.StoreWrites;
import io.vnet.manager.rest.HttpSettings;
import io.vnet.manager.store.ManagerStore;
import io.vnet.protocol.metrics.Exposition;
import io.vnet.protocol.metrics.ProcessMetrics;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code GET /metrics}: the manager's metrics in Prometheus's text format, for a scraper that
 * presents the scrape token ({@code Authorization: Bearer TOKEN}; the token is the first line of
 * {@code auth.metricsTokenFile}, made when missing): they name tenants' networks and their
 * topologies, so nobody else may read them. Every {@link MetricsSource} service writes its
 * families (the agent channel, VTTIF, the closed loop), then this servlet adds the REST API's
 * answers by status, the database's health and write queue, and the process. Like the API it
 * answers loopback only unless {@value HttpSettings#ALLOW_REMOTE_PROPERTY} is true.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/metrics",
        "osgi.http.whiteboard.servlet.name=vnet-manager-metrics"})
public final class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(MetricsServlet.class.getName());

    private final transient ManagerStore store;
    private final transient StoreHealth health;
    private final transient String token;
    private final boolean allowRemote;
    private final transient List<MetricsSource> sources = new CopyOnWriteArrayList<>();
    private volatile transient StoreWrites writes;
    private final java.util.concurrent.atomic.AtomicLong unauthorised = new java.util.concurrent.atomic.AtomicLong();

    @Activate
    public MetricsServlet(@Reference ManagerStore store, @Reference ManagerConfiguration config, BundleContext ctx)
            throws IOException {
        this.store = store;
        this.health = new StoreHealth(store);
        this.allowRemote = Boolean.parseBoolean(ctx.getProperty(HttpSettings.ALLOW_REMOTE_PROPERTY));
        AuthConfig auth = AuthConfig.from(config);
        AuthConfig.Password t = auth.metricsToken();
        this.token = t.value();
        LOG.log(Level.INFO, "/metrics asks for the scrape token in " + auth.metricsTokenFile()
                + (t.created() ? " (made now, mode 0600)" : ""));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSource(MetricsSource s) {
        sources.add(s);
    }

    void removeSource(MetricsSource s) {
        sources.remove(s);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setWrites(StoreWrites w) {
        writes = w;
    }

    void unsetWrites(StoreWrites w) {
        if (writes == w) {
            writes = null;
        }
    }

    private volatile transient Auth auth;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setAuth(Auth a) {
        auth = a;
    }

    void unsetAuth(Auth a) {
        if (auth == a) {
            auth = null;
        }
    }

    @Deactivate
    void deactivate() {
        health.close();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        resp.setCharacterEncoding("UTF-8");
        if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
            resp.setHeader("Allow", "GET, HEAD");
            plain(resp, 405, "only GET /metrics\n");
            return;
        }
        if (!allowRemote && !Loopback.is(req.getLocalAddr())) {
            plain(resp, 403, "served on loopback only (set " + HttpSettings.ALLOW_REMOTE_PROPERTY
                    + "=true to serve other addresses)\n");
            return;
        }
        String presented = bearer(req.getHeader("Authorization"));
        if (presented == null || !io.vnet.protocol.Secrets.matches(token, presented)) {
            unauthorised.incrementAndGet();
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"vnet-metrics\"");
            plain(resp, 401, "the scrape token is missing or wrong: send Authorization: Bearer TOKEN, TOKEN being the"
                    + " first line of the manager's auth.metricsTokenFile (Prometheus: authorization.credentials_file)\n");
            return;
        }
        byte[] body = text().getBytes(StandardCharsets.UTF_8);
        resp.setStatus(200);
        resp.setContentType(Exposition.CONTENT_TYPE);
        resp.setContentLength(body.length);
        if (req.getMethod().equals("GET")) {
            resp.getOutputStream().write(body);
        }
    }

    /** The whole exposition: every source's families, then the REST API's, the database's and the process's. */
    String text() {
        Exposition e = new Exposition();
        e.gauge("vnet_manager_build_info", "The manager's version and the agent protocols it speaks (always 1).")
                .sample(1, "software", software(), "protocol", Integer.toString(io.vnet.protocol.messages.Hello.PROTOCOL),
                        "min_protocol", Integer.toString(io.vnet.protocol.messages.Hello.MIN_PROTOCOL));
        for (MetricsSource s : sources) {
            try {
                s.write(e);
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "metrics of " + s.getClass().getSimpleName() + " failed: " + ex);
            }
        }
        e.counter("vnet_manager_http_requests_total", "REST API requests answered, by status code.");
        RestRequests.counts().forEach((code, n) -> e.sample(n, "code", Integer.toString(code)));
        e.counter("vnet_manager_metrics_unauthorised_total", "Scrapes of /metrics refused for a missing or wrong token.")
                .sample(unauthorised.get());
        Auth a = auth;
        if (a != null) {
            e.gauge("vnet_manager_sessions", "Sign-in sessions this manager holds in memory.").sample(a.size());
            e.counter("vnet_manager_sessions_refused_total", "Sign-ins refused because the most sessions were held.")
                    .sample(a.refusedSessions());
            e.counter("vnet_manager_session_lookups_refused_total", "Tokens unknown to this manager not looked up in the"
                    + " database because " + Auth.LOOKUPS_PER_SECOND + " were within the last second (answered 503).")
                    .sample(a.refusedLookups());
            e.counter("vnet_manager_sessions_shared_failures_total", "Sessions not written to, read from or deleted in"
                    + " the database that the managers share (such a session is valid on its manager only).")
                    .sample(a.sharedFailures());
        }
        e.counter("vnet_manager_live_stream_events_total", "Live streams' snapshots not sent, by why: skipped (the"
                + " client had not read the one before), late (not made within half a period: sent when ready); and"
                + " streams closed as stalled (their client read nothing for " + EventStreams.STALLED_MS / 1000 + " s).")
                .sample(EventStreams.skipped(), "outcome", "skipped").sample(EventStreams.late(), "outcome", "late")
                .sample(EventStreams.stalled(), "outcome", "stalled");
        e.counter("vnet_manager_forwarded_total", "Requests about a network sent on to its owner (another manager),"
                + " by outcome: answered by the owner, or failed (the caller got 503).")
                .sample(OwnerForward.forwarded(), "outcome", "answered").sample(OwnerForward.failed(), "outcome", "failed");
        StoreHealth.Status st = health.status();
        e.gauge("vnet_manager_database_up", "Whether the manager's database answered its last check (at most 1 s old).")
                .sample(st.up() ? 1 : 0, "store", store.describe());
        StoreWrites w = writes;
        if (w != null) {
            e.gauge("vnet_manager_store_pending_writes", "Writes waiting for the database (it was unreachable).")
                    .sample(w.pending());
            e.gauge("vnet_manager_store_pending_writes_max", "The most writes kept waiting.").sample(w.maxPending());
            e.counter("vnet_manager_store_writes_total", "Writes to the database, by outcome.")
                    .sample(w.written(), "outcome", "written").sample(w.retried(), "outcome", "retried")
                    .sample(w.refused(), "outcome", "refused").sample(w.dropped(), "outcome", "dropped");
            e.counter("vnet_manager_store_transactions_total", "Transactions that wrote them (several waiting writes go"
                    + " in one).").sample(w.transactions());
        }
        ProcessMetrics.write(e);
        return e.text();
    }

    private static String software() {
        org.osgi.framework.Bundle b = org.osgi.framework.FrameworkUtil.getBundle(MetricsServlet.class);
        return b == null ? "" : b.getVersion().toString();
    }

    /** The token of an {@code Authorization: Bearer TOKEN} header, or null. */
    static String bearer(String header) {
        if (header == null || header.length() > 1024 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String t = header.substring(7).strip();
        return t.isEmpty() ? null : t;
    }

    private static void plain(HttpServletResponse resp, int status, String text) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain; charset=utf-8");
        resp.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    }

}
