package io.vnet.manager.rest.impl;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.manager.AdaptationService;
import io.vnet.manager.AgentRegistry;
import io.vnet.manager.AuditLog;
import io.vnet.manager.DesiredStateService;
import io.vnet.manager.TopologyService;
import io.vnet.manager.rest.HttpSettings;
import io.vnet.manager.rest.Identity;
import io.vnet.manager.store.ManagerStore;
import io.vnet.manager.store.StoreException;
import io.vnet.manager.store.StoreUnavailableException;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The REST API under /api, registered on the OSGi servlet whiteboard (Felix HTTP Jetty 12).
 * Every answer is JSON; an error is {@code {"error": "..."}} with a 4xx/5xx status. Every route but
 * {@code POST /api/auth/login} and {@code GET /api/openapi.json} needs a signed-in user
 * ({@code Authorization: Bearer <token>}), checked by {@link Auth}, which other bundles' routes use
 * as {@link io.vnet.manager.rest.Sessions}.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/api/*",
        "osgi.http.whiteboard.servlet.name=vnet-manager-api",
        "osgi.http.whiteboard.servlet.asyncSupported=true"})
public final class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(ApiServlet.class.getName());
    /** How often the live streams get a snapshot. */
    static final long EVENTS_PERIOD_MS = 1000;

    private final transient Api api;
    private final transient Auth auth;
    private final transient EventStreams streams;
    private final boolean allowRemote;
    private final transient StoreHealth health;
    private final String storeName;
    private final transient OwnerForward forward;
    private volatile transient io.vnet.manager.ClusterService cluster;

    @Activate
    public ApiServlet(@Reference ManagerStore store, @Reference AgentRegistry agents,
                      @Reference DesiredStateService desired, @Reference AdaptationService adaptation,
                      @Reference AuditLog audit, @Reference TopologyService vttif, @Reference Auth auth,
                      BundleContext ctx) {
        this.api = new Api(store, agents, desired, adaptation, audit, vttif);
        this.api.tenantLimits(auth.tenantLimits());
        this.health = new StoreHealth(store);
        this.api.storeHealth(health);
        this.storeName = store.describe();
        this.allowRemote = Boolean.parseBoolean(ctx.getProperty(HttpSettings.ALLOW_REMOTE_PROPERTY));
        this.auth = auth;
        this.forward = new OwnerForward(() -> cluster);
        this.streams = new EventStreams(api, auth, Clock.systemUTC(), EVENTS_PERIOD_MS, this::snapshot);
        String host = ctx.getProperty(HttpSettings.HOST_PROPERTY);
        if (!allowRemote && (host == null || !Loopback.is(host))) {
            LOG.log(Level.WARNING, "HTTP listens on " + (host == null ? "all addresses" : host)
                    + ": the API answers loopback requests only (set " + HttpSettings.ALLOW_REMOTE_PROPERTY + "=true to change)");
        }
        LOG.log(Level.INFO, "REST API ready at /api (store " + store.describe() + ")");
    }

    /** The largest sign-in body: two keys, or a user and a password. */
    static final int MAX_SIGN_IN_BODY = 4096;
    /** The largest body of any other request (a host's desired state: its links and rules). */
    static final int MAX_BODY = 1 << 20;

    @org.osgi.service.component.annotations.Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC)
    void setEnrolments(io.vnet.manager.EnrolmentService e) {
        api.enrolments(e);
    }

    void unsetEnrolments(io.vnet.manager.EnrolmentService e) {
        api.enrolments(null);
    }

    @org.osgi.service.component.annotations.Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC)
    void setCluster(io.vnet.manager.ClusterService c) {
        cluster = c;
        api.cluster(c);
    }

    void unsetCluster(io.vnet.manager.ClusterService c) {
        if (cluster == c) {
            cluster = null;
        }
        api.cluster(null);
    }

    /**
     * A live stream's snapshot: the owner's, when another manager owns the network (the closed loop's
     * state and the rate are only there); this manager's own when the owner does not answer.
     */
    private com.fasterxml.jackson.databind.JsonNode snapshot(int vni, Identity who, java.time.Instant now,
                                                             String authorization) {
        java.util.Optional<io.vnet.manager.ClusterService.Member> owner = forward.remoteOwner(vni);
        if (owner.isPresent()) {
            try {
                OwnerForward.Answer a = forward.send(owner.get(), "GET", "/api/networks/" + vni + "/snapshot",
                        authorization, null);
                if (a.status() == 200) {
                    return Api.JSON.readTree(a.body());
                }
                if (a.status() == 401 || a.status() == 403 || a.status() == 404) {
                    throw new ApiError(a.status(), Api.JSON.readTree(a.body()).path("error").asText("refused by the owner"));
                }
            } catch (ApiError e) {
                if (e.status != 503) {
                    throw e;
                }
            } catch (IOException e) {
                // not JSON: this manager's own view below
            }
        }
        return api.snapshot(vni, who, now);
    }

    @Deactivate
    void deactivate() {
        streams.close();
        health.close();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        try {
            answer(req, resp);
        } finally {
            RestRequests.answered(resp.getStatus());
        }
    }

    private void answer(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        String method = req.getMethod();
        try {
            if (!allowRemote && !Loopback.is(req.getLocalAddr())) {
                throw new ApiError(403, "the API serves loopback only (set " + HttpSettings.ALLOW_REMOTE_PROPERTY
                        + "=true to serve other addresses)");
            }
            if (path.startsWith("/auth/")) {
                authRoute(path, method, req, resp);
                return;
            }
            if (path.equals("/openapi.json") && (method.equals("GET") || method.equals("HEAD"))) {
                Api.JSON.writeValue(resp.getOutputStream(), api.openApi());
                return;
            }
            Identity who = auth.require(req.getHeader("Authorization"));
            String[] p = path.substring(1).split("/", -1);
            java.util.Optional<String> ownedBy = OwnerForward.ownerOnly(p);
            if (ownedBy.isPresent()) {
                int vni = Api.visible(Api.vni(ownedBy.get()), who);
                if (req.getHeader(OwnerForward.HEADER) == null) {
                    java.util.Optional<io.vnet.manager.ClusterService.Member> owner = forward.remoteOwner(vni);
                    if (owner.isPresent()) {
                        sendOn(req, resp, owner.get());
                        return;
                    }
                } else if (forward.notOwnerHere(vni)) {
                    resp.setHeader("Retry-After", "1");
                    throw new ApiError(503, "network " + vni + " moved to another manager while manager "
                            + req.getHeader(OwnerForward.HEADER) + " sent this request on; try again");
                }
            }
            if (method.equals("GET") && p.length == 3 && p[0].equals("networks") && p[2].equals("events")) {
                streams.open(req, resp, Api.visible(Api.vni(p[1]), who), who);
                return;
            }
            switch (method) {
                case "PUT" -> Api.JSON.writeValue(resp.getOutputStream(), api.put(path, body(req, MAX_BODY), who));
                case "POST" -> Api.JSON.writeValue(resp.getOutputStream(), path.equals("/enrolments")
                        ? api.enrol(body(req, MAX_SIGN_IN_BODY), who) : api.post(path, who));
                case "GET", "HEAD" -> {
                    Map<String, String> query = new HashMap<>();
                    req.getParameterMap().forEach((k, v) -> query.put(k, v.length == 0 ? "" : v[0]));
                    Api.JSON.writeValue(resp.getOutputStream(), api.get(path, query, who));
                }
                default -> {
                    resp.setHeader("Allow", "GET, HEAD, PUT, POST");
                    throw new ApiError(405, "method " + method + " is not allowed on " + req.getRequestURI());
                }
            }
        } catch (ApiError e) {
            if (e.status == 401) {
                resp.setHeader("WWW-Authenticate", "Bearer realm=\"vnet\"");
                discardUnreadBody(req, resp, DISCARD_MAX);
            } else if (e.status == 413) {
                // a known caller's body (every route but the sign-in authenticates first) is read and thrown away
                // up to a few MiB, so that the answer is not lost to a reset while it still sends; beyond that,
                // and for the sign-in's, the connection ends with this answer, and says so
                discardUnreadBody(req, resp, req.getRequestURI().endsWith("/auth/login") ? DISCARD_MAX : DISCARD_KNOWN_MAX);
            }
            error(resp, e.status, e.getMessage());
        } catch (IllegalArgumentException e) {
            error(resp, 400, e.getMessage());
        } catch (StoreUnavailableException e) {
            LOG.log(Level.WARNING, method + " " + req.getRequestURI() + ": " + e.getMessage());
            unavailable(resp, storeName, method + " " + req.getRequestURI(), e);
        } catch (StoreException e) {
            LOG.log(Level.ERROR, req.getRequestURI() + ": " + e.getMessage(), e);
            error(resp, 500, "the manager's database (" + storeName + ") refused " + method + " " + req.getRequestURI()
                    + ": " + e.getMessage());
        }
    }

    /** Sends the request on to the network's owner and answers with what it answered. */
    private void sendOn(HttpServletRequest req, HttpServletResponse resp, io.vnet.manager.ClusterService.Member owner)
            throws IOException {
        byte[] body = req.getMethod().equals("PUT") || req.getMethod().equals("POST") ? rawBody(req, MAX_BODY) : null;
        String target = req.getRequestURI() + (req.getQueryString() == null ? "" : "?" + req.getQueryString());
        OwnerForward.Answer a = forward.send(owner, req.getMethod(), target, req.getHeader("Authorization"), body);
        resp.setStatus(a.status());
        resp.setContentType(a.contentType());
        resp.setHeader("X-Vnet-Answered-By", owner.id());
        if (!req.getMethod().equals("HEAD")) {
            resp.getOutputStream().write(a.body());
        }
    }

    /**
     * 503 for a call the database's absence stopped: which store, what failed, and to try again
     * ({@code Retry-After}, and {@code retryAfterSeconds} in the body).
     */
    static void unavailable(HttpServletResponse resp, String storeName, String call, StoreUnavailableException e)
            throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        String message = e.getMessage() != null && e.getMessage().startsWith("the manager's database") ? e.getMessage()
                : "the manager's database (" + storeName + ") is unreachable: " + call + " failed (" + e.getMessage()
                + "); try again in a few seconds";
        resp.setStatus(503);
        resp.setHeader("Retry-After", Integer.toString(StoreHealth.RETRY_AFTER_S));
        resp.setContentType("application/json");
        Api.JSON.writeValue(resp.getOutputStream(), Api.JSON.createObjectNode().put("error", message)
                .put("store", storeName).put("retryAfterSeconds", StoreHealth.RETRY_AFTER_S));
    }

    private void authRoute(String path, String method, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        switch (path) {
            case "/auth/login" -> {
                if (!method.equals("POST")) {
                    throw new ApiError(405, "only POST /api/auth/login");
                }
                Auth.SignedIn s = auth.signIn(body(req, MAX_SIGN_IN_BODY),
                        auth.caller(req.getRemoteAddr(), req.getHeader("X-Forwarded-For")));
                var o = Api.JSON.createObjectNode().put("token", s.token()).put("expiresAt", s.expiresAt().toString());
                o.set("identity", identity(s.identity()));
                Api.JSON.writeValue(resp.getOutputStream(), o);
            }
            case "/auth/me" -> {
                Identity who = auth.require(req.getHeader("Authorization"));
                var o = identity(who);
                auth.expiresAt(req.getHeader("Authorization")).ifPresent(t -> o.put("expiresAt", t.toString()));
                Api.JSON.writeValue(resp.getOutputStream(), o);
            }
            case "/auth/logout" -> {
                if (!method.equals("POST")) {
                    throw new ApiError(405, "only POST /api/auth/logout");
                }
                boolean ended = auth.signOut(req.getHeader("Authorization"));
                Api.JSON.writeValue(resp.getOutputStream(), Api.JSON.createObjectNode().put("signedOut", ended));
            }
            default -> throw new ApiError(404, "no resource /api" + path);
        }
    }

    static com.fasterxml.jackson.databind.node.ObjectNode identity(Identity who) {
        var o = Api.JSON.createObjectNode().put("user", who.user()).put("admin", who.admin())
                .put("account", who.account()).put("domainId", who.domainId()).put("source", who.source());
        var nets = o.putArray("networks");
        who.networks().stream().sorted().forEach(nets::add);
        return o;
    }

    /**
     * The request's body as JSON, at most {@code max} bytes (413 above: a declared length is refused
     * before a byte is read, an undeclared one once {@code max} bytes have come). Only the sign-in
     * reads a body before the caller is known, and its cap is small.
     */
    static JsonNode body(HttpServletRequest req, int max) throws IOException {
        byte[] b = rawBody(req, max);
        try {
            return Api.JSON.readTree(b);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiError(400, "body: not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            // e.g. a byte order Jackson cannot decode (CharConversionException): still the client's body
            throw new ApiError(400, "body: not valid JSON: " + e.getMessage());
        }
    }

    /** The request's body, at most {@code max} bytes (413 above, a declared length before a byte is read). */
    static byte[] rawBody(HttpServletRequest req, int max) throws IOException {
        long declared = req.getContentLengthLong();
        if (declared > max) {
            throw new ApiError(413, "body: " + declared + " bytes, larger than the " + max + " this route takes");
        }
        byte[] b = req.getInputStream().readNBytes(max + 1);
        if (b.length > max) {
            throw new ApiError(413, "body: larger than the " + max + " bytes this route takes");
        }
        return b;
    }

    /** The most of an unread body that a refusal reads and throws away, unparsed. */
    static final int DISCARD_MAX = 64 * 1024;
    /** The same for a caller already authenticated (a body too large for its route). */
    static final int DISCARD_KNOWN_MAX = 8 << 20;

    /**
     * A caller refused before (all of) its body was read: up to {@code limit} bytes of it are read
     * and thrown away unparsed, so that the connection is not reset under the answer while the
     * caller still sends; a larger body closes the connection after the answer.
     */
    private static void discardUnreadBody(HttpServletRequest req, HttpServletResponse resp, int limit) {
        long len = req.getContentLengthLong();
        if (len == 0) {
            return;
        }
        if (len > limit) {
            resp.setHeader("Connection", "close");
            return;
        }
        try {
            java.io.InputStream in = req.getInputStream();
            byte[] buf = new byte[16 * 1024];
            long read = 0;
            int n;
            while (read <= limit && (n = in.read(buf)) > 0) {
                read += n;
            }
            if (read > limit) {
                resp.setHeader("Connection", "close");
            }
        } catch (IOException | IllegalStateException e) {
            resp.setHeader("Connection", "close");
        }
    }

    private static void error(HttpServletResponse resp, int status, String message) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.setStatus(status);
        resp.setContentType("application/json");
        Api.JSON.writeValue(resp.getOutputStream(), Api.JSON.createObjectNode().put("error", message));
    }

}
