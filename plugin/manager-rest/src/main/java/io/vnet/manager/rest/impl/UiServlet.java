package io.vnet.manager.rest.impl;

import io.vnet.manager.config.ManagerConfiguration;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Serves the management page (ui-extension's build, packed into this bundle under {@value #ROOT})
 * at /vnet/ui/. It may be framed by the manager's own origin and by the origins configured in
 * {@code auth.frameAncestors} (CloudStack's console), and by no other: the page's
 * Content-Security-Policy says so with {@code frame-ancestors}; without configured origins it also
 * sends {@code X-Frame-Options: SAMEORIGIN}.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=" + UiServlet.PATTERN,
        "osgi.http.whiteboard.servlet.pattern=/vnet/ui",
        "osgi.http.whiteboard.servlet.name=vnet-manager-ui"})
public final class UiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String ROOT = "vnet-ui/";
    static final String PATTERN = "/vnet/ui/*";
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"), Map.entry("woff2", "font/woff2"), Map.entry("woff", "font/woff"),
            Map.entry("map", "application/json"), Map.entry("txt", "text/plain; charset=utf-8"));

    private final transient Function<String, URL> resources;
    private final String csp;
    private final boolean sameOriginOnly;

    /** The page of this bundle, framed as the manager's configuration ({@code auth.frameAncestors}) allows. */
    @Activate
    public UiServlet(BundleContext ctx, @Reference ManagerConfiguration config) throws IOException {
        this(ctx.getBundle()::getEntry, AuthConfig.from(config).frameAncestors());
    }

    /**
     * @param resources      finds a packed file by its path in the bundle ("vnet-ui/index.html"); null if absent
     * @param frameAncestors the origins besides the manager's own that may frame the page
     */
    UiServlet(Function<String, URL> resources, List<String> frameAncestors) {
        this.resources = resources;
        this.sameOriginOnly = frameAncestors.isEmpty();
        this.csp = policy(frameAncestors);
    }

    static String policy(List<String> frameAncestors) {
        return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
                + " font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self';"
                + " frame-ancestors 'self'" + (frameAncestors.isEmpty() ? "" : " " + String.join(" ", frameAncestors));
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
            resp.setHeader("Allow", "GET, HEAD");
            resp.sendError(405);
            return;
        }
        String path = req.getPathInfo();
        if (path == null) { // /vnet/ui: the page's relative links need the slash
            resp.sendRedirect(req.getRequestURI() + "/");
            return;
        }
        String file = path.equals("/") ? "index.html" : path.substring(1);
        if (file.contains("..") || file.contains("//") || file.contains("\\") || file.endsWith("/")) {
            resp.sendError(404);
            return;
        }
        URL url = resources.apply(ROOT + file);
        if (url == null) {
            resp.setStatus(404);
            resp.setContentType("text/plain; charset=utf-8");
            resp.getOutputStream().write((file.equals("index.html")
                    ? "The management page is not in this build of the manager (ui-extension was not built).\n"
                    : "No file /vnet/ui/" + file + "\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        String ext = file.substring(file.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        resp.setContentType(TYPES.getOrDefault(ext, "application/octet-stream"));
        resp.setHeader("Content-Security-Policy", csp);
        if (sameOriginOnly) {
            resp.setHeader("X-Frame-Options", "SAMEORIGIN");
        }
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Referrer-Policy", "no-referrer");
        // Vite names the assets by their content's hash: they never change; the page itself may
        resp.setHeader("Cache-Control", file.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
        if (req.getMethod().equals("HEAD")) {
            return;
        }
        try (InputStream in = url.openStream()) {
            in.transferTo(resp.getOutputStream());
        }
    }
}
