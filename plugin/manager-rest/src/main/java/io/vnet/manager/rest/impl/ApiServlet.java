package io.vnet.manager.rest.impl;

import io.vnet.manager.AgentRegistry;
import io.vnet.manager.DesiredStateService;
import io.vnet.manager.rest.HttpSettings;
import io.vnet.manager.store.ManagerStore;
import io.vnet.manager.store.StoreException;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The REST API under /api, registered on the OSGi servlet whiteboard (Felix HTTP Jetty 12).
 * Every answer is JSON; an error is {@code {"error": "..."}} with a 4xx/5xx status.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/api/*",
        "osgi.http.whiteboard.servlet.name=vnet-manager-api"})
public final class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(ApiServlet.class.getName());

    private final transient Api api;
    private final boolean allowRemote;

    @Activate
    public ApiServlet(@Reference ManagerStore store, @Reference AgentRegistry agents,
                      @Reference DesiredStateService desired, @Reference io.vnet.manager.AdaptationService adaptation,
                      @Reference io.vnet.manager.AuditLog audit, BundleContext ctx) {
        this.api = new Api(store, agents, desired, adaptation, audit);
        this.allowRemote = Boolean.parseBoolean(ctx.getProperty(HttpSettings.ALLOW_REMOTE_PROPERTY));
        String host = ctx.getProperty(HttpSettings.HOST_PROPERTY);
        if (!allowRemote && (host == null || !isLoopback(host))) {
            LOG.log(Level.WARNING, "HTTP listens on " + (host == null ? "all addresses" : host)
                    + ": the API answers loopback requests only (set " + HttpSettings.ALLOW_REMOTE_PROPERTY + "=true to change)");
        }
        LOG.log(Level.INFO, "REST API ready at /api (store " + store.describe() + ")");
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        try {
            if (!allowRemote && !isLoopback(req.getLocalAddr())) {
                throw new ApiError(403, "the API serves loopback only until authentication arrives (set "
                        + HttpSettings.ALLOW_REMOTE_PROPERTY + "=true)");
            }
            if (req.getMethod().equals("PUT")) {
                com.fasterxml.jackson.databind.JsonNode body;
                try {
                    body = Api.JSON.readTree(req.getInputStream());
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new ApiError(400, "body: not valid JSON: " + e.getOriginalMessage());
                }
                Api.JSON.writeValue(resp.getOutputStream(), api.put(req.getPathInfo(), body));
                return;
            }
            if (req.getMethod().equals("POST")) {
                Api.JSON.writeValue(resp.getOutputStream(), api.post(req.getPathInfo()));
                return;
            }
            if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
                resp.setHeader("Allow", "GET, HEAD, PUT, POST");
                throw new ApiError(405, "method " + req.getMethod() + " is not allowed on " + req.getRequestURI());
            }
            Map<String, String> query = new HashMap<>();
            req.getParameterMap().forEach((k, v) -> query.put(k, v.length == 0 ? "" : v[0]));
            Api.JSON.writeValue(resp.getOutputStream(), api.get(req.getPathInfo(), query));
        } catch (ApiError e) {
            error(resp, e.status, e.getMessage());
        } catch (IllegalArgumentException e) {
            error(resp, 400, e.getMessage());
        } catch (StoreException e) {
            LOG.log(Level.ERROR, req.getRequestURI() + ": " + e.getMessage(), e);
            error(resp, 503, "store: " + e.getMessage());
        }
    }

    private static void error(HttpServletResponse resp, int status, String message) throws IOException {
        resp.setStatus(status);
        Api.JSON.writeValue(resp.getOutputStream(), Api.JSON.createObjectNode().put("error", message));
    }

    private static boolean isLoopback(String addr) {
        try {
            return addr != null && InetAddress.getByName(addr).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
