package io.vnet.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint on a real loopback socket: its routes, what it refuses, and its bounds. */
class HttpEndpointTest {
    private HttpEndpoint endpoint;

    @BeforeEach
    void start() throws IOException {
        endpoint = new HttpEndpoint(new Endpoint("127.0.0.1", freePort()), Map.of(
                "/metrics", () -> new HttpEndpoint.Response(200, "text/plain; version=0.0.4", "m 1\n"),
                "/readyz", () -> HttpEndpoint.Response.text(503, "not ready:\n- manager\n")), "test-http");
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void aRouteAnswersWhatItsSupplierGivesAndKeepsTheConnection() throws IOException {
        try (Socket s = socket()) {
            String first = exchange(s, "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(first.startsWith("HTTP/1.1 200 OK"), first);
            assertTrue(first.contains("content-type: text/plain; version=0.0.4"), first);
            assertTrue(first.endsWith("\r\n\r\nm 1\n"), first);
            String second = exchange(s, "GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(second.startsWith("HTTP/1.1 503") && second.endsWith("not ready:\n- manager\n"), second);
        }
        assertEquals(2, endpoint.requests());
    }

    @Test
    void otherPathsMethodsBodiesAndOversizedHeadersAreRefusedAndCounted() throws IOException {
        try (Socket s = socket()) {
            String r = exchange(s, "GET /etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(r.startsWith("HTTP/1.1 404") && r.contains("/metrics, /readyz"), r);
        }
        try (Socket s = socket()) {
            String r = exchange(s, "DELETE /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(r.startsWith("HTTP/1.1 405") && r.contains("allow: GET, HEAD"), r);
        }
        try (Socket s = socket()) {
            String r = exchange(s, "GET /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
            assertTrue(r.startsWith("HTTP/1.1 413"), r);
        }
        try (Socket s = socket()) {
            String r = exchange(s, "GET /metrics HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(HttpEndpoint.MAX_HEADERS)
                    + "\r\n\r\n");
            assertTrue(r.startsWith("HTTP/1.1 400"), r);
        }
        assertEquals(3, endpoint.badRequests(), "the 405, the 413 and the 400");
    }

    @Test
    void connectionsBeyondTheBoundAreClosedAtOnceAndCounted() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < HttpEndpoint.MAX_CONNECTIONS; i++) {
                Socket s = socket();
                held.add(s);
                assertTrue(exchange(s, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n").startsWith("HTTP/1.1 200"));
            }
            try (Socket extra = socket()) {
                extra.setSoTimeout(5_000);
                assertEquals(-1, extra.getInputStream().read(), "the extra connection is closed");
            }
            assertEquals(1, endpoint.refusedConnections());
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        long end = System.nanoTime() + 5_000_000_000L;
        while (true) { // once they are closed, a new one is served again
            try (Socket s = socket()) {
                s.setSoTimeout(5_000);
                String r = exchange(s, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
                if (r.startsWith("HTTP/1.1 200")) {
                    break;
                }
            }
            assertTrue(System.nanoTime() < end, "the bound was not given back after the connections closed");
            Thread.sleep(50);
        }
    }

    private Socket socket() throws IOException {
        Socket s = new Socket("127.0.0.1", endpoint.port());
        s.setSoTimeout(5_000);
        return s;
    }

    /** Sends {@code request} and reads one response: its head and a body of its content-length. */
    private static String exchange(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            head.write(c);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return h + new String(body, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
