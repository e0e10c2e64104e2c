package io.vnet.manager.cloudstack.impl;

import com.sun.net.httpserver.HttpServer;
import io.vnet.manager.rest.Sessions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The container-independent routes of {@link CloudStackApi} served at /api/cloudstack by the JDK's
 * HTTP server, the caller taken from the Authorization header through {@link Sessions} as the
 * servlet does.
 */
final class RoutesServer implements AutoCloseable {
    static final String PREFIX = "/api/cloudstack";
    private final HttpServer server;

    /** With sessions that know nobody: only the routes with their own checks (webhook, extension, hook) answer. */
    RoutesServer(CloudStackApi api) throws IOException {
        this(api, new FakeSessions());
    }

    RoutesServer(CloudStackApi api, Sessions sessions) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(PREFIX, ex -> {
            try (ex) {
                Map<String, String> headers = new HashMap<>();
                for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                    headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().get(0));
                }
                byte[] body = ex.getRequestBody().readAllBytes();
                Answer a = api.handle(ex.getRequestMethod(), ex.getRequestURI().getPath().substring(PREFIX.length()),
                        headers, body, ex.getLocalAddress().getAddress().isLoopbackAddress(),
                        CloudStackServlet.caller(sessions, headers.get("authorization")));
                byte[] out = CloudStackClient.JSON.writeValueAsBytes(a.body());
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(a.status(), out.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(out);
                }
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
