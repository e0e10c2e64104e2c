package io.vnet.manager.cloudstack.impl;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The container-independent routes of {@link CloudStackApi} served at /api/cloudstack by the JDK's HTTP server. */
final class RoutesServer implements AutoCloseable {
    static final String PREFIX = "/api/cloudstack";
    private final HttpServer server;

    RoutesServer(CloudStackApi api) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(PREFIX, ex -> {
            try (ex) {
                Map<String, String> headers = new HashMap<>();
                for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                    headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().get(0));
                }
                byte[] body = ex.getRequestBody().readAllBytes();
                Answer a = api.handle(ex.getRequestMethod(), ex.getRequestURI().getPath().substring(PREFIX.length()),
                        headers, body, ex.getLocalAddress().getAddress().isLoopbackAddress());
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
