package io.vnet.manager.rest.impl;

import io.vnet.manager.AgentRegistry;
import io.vnet.manager.records.StoreWrites;
import io.vnet.manager.rest.HttpSettings;
import io.vnet.manager.store.ManagerStore;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code GET /healthz}: 200 {@code {"alive": true}} while the process serves HTTP. {@code GET
 * /readyz}: 200 when the store answers (a bounded check, at most one a second: {@link StoreHealth})
 * and the agent channel listens (its {@link AgentRegistry} service is registered exactly while it
 * does), else 503 with the reason ({@link Readiness}). Neither needs a token: they say nothing of any
 * tenant. Like the API they answer loopback only unless {@value HttpSettings#ALLOW_REMOTE_PROPERTY}
 * is true (the reason names the database's address).
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/healthz",
        "osgi.http.whiteboard.servlet.pattern=/readyz",
        "osgi.http.whiteboard.servlet.name=vnet-manager-health"})
public final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient ManagerStore store;
    private final transient StoreHealth health;
    private final boolean allowRemote;
    private volatile transient AgentRegistry agents;
    private volatile transient StoreWrites writes;

    @Activate
    public HealthServlet(@Reference ManagerStore store, BundleContext ctx) {
        this.store = store;
        this.health = new StoreHealth(store);
        this.allowRemote = Boolean.parseBoolean(ctx.getProperty(HttpSettings.ALLOW_REMOTE_PROPERTY));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setAgents(AgentRegistry a) {
        agents = a;
    }

    void unsetAgents(AgentRegistry a) {
        if (agents == a) {
            agents = null;
        }
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

    @Deactivate
    void deactivate() {
        health.close();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
            resp.setHeader("Allow", "GET, HEAD");
            answer(resp, 405, Api.JSON.createObjectNode().put("error", "only GET " + req.getServletPath()));
            return;
        }
        if (!allowRemote && !Loopback.is(req.getLocalAddr())) {
            answer(resp, 403, Api.JSON.createObjectNode().put("error", "served on loopback only (set "
                    + HttpSettings.ALLOW_REMOTE_PROPERTY + "=true to serve other addresses)"));
            return;
        }
        if (req.getServletPath().equals("/healthz")) {
            answer(resp, 200, Api.JSON.createObjectNode().put("alive", true));
            return;
        }
        Readiness.Answer a = Readiness.of(health.status(), store.describe(), agents != null, writes);
        answer(resp, a.status(), a.body());
    }

    private static void answer(HttpServletResponse resp, int status, com.fasterxml.jackson.databind.JsonNode body)
            throws IOException {
        resp.setStatus(status);
        Api.JSON.writeValue(resp.getOutputStream(), body);
    }

}
