package io.vnet.it.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The manager's public HTTP surfaces, as an operator's tools use them: the REST API below {@code
 * /api} (signed in as the local admin, {@code POST /api/auth/login}, bearer token) and {@code
 * /metrics} (with the scrape token). Every answer is read bounded ({@link #MAX_BODY}); JSON that
 * does not parse is an error, not a crash.
 */
public final class ManagerApi {
    /** The most bytes of an answer read; a longer one is an error. */
    public static final int MAX_BODY = 64 << 20;

    /** An answer: status, body text, how long it took (ms). */
    public record Answer(int status, String body, double millis) {
        /** The body as JSON; throws IOException when it is not JSON. */
        public JsonNode json() throws IOException {
            if (body == null || body.isEmpty()) {
                throw new IOException("empty body (status " + status + ")");
            }
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new IOException("not JSON (status " + status + "): " + body.substring(0, Math.min(200, body.length())));
            }
        }
    }

    private final URI base;
    private final String user;
    private final String password;
    private final String metricsToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private volatile String token;

    /** @param base e.g. http://127.0.0.1:8470 (no path) */
    public ManagerApi(URI base, String user, String password, String metricsToken) {
        this.base = base;
        this.user = user;
        this.password = password;
        this.metricsToken = metricsToken;
    }

    /** Signs the local admin in (again). */
    public synchronized void signIn() throws IOException {
        String body = Json.object().put("user", user).put("password", password).toString();
        Answer a = send(HttpRequest.newBuilder(base.resolve("/api/auth/login")).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        JsonNode j = a.status() == 200 ? a.json() : null;
        if (j == null || !j.path("token").isTextual() || j.path("token").asText().length() > 512) {
            throw new IOException("POST /api/auth/login answered " + a.status() + ": " + shorten(a.body()));
        }
        token = j.path("token").asText();
    }

    /** GET /api{path} as the admin (signed in again once on a 401). */
    public Answer get(String path) throws IOException {
        if (token == null) {
            signIn();
        }
        Answer a = send(apiGet(path));
        if (a.status() == 401) {
            signIn();
            a = send(apiGet(path));
        }
        return a;
    }

    private HttpRequest apiGet(String path) {
        return HttpRequest.newBuilder(base.resolve("/api" + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build();
    }

    /** The Prometheus exposition of /metrics (must answer 200). */
    public Answer metrics() throws IOException {
        Answer a = send(HttpRequest.newBuilder(base.resolve("/metrics")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + metricsToken).GET().build());
        if (a.status() != 200) {
            throw new IOException("/metrics answered " + a.status() + ": " + shorten(a.body()));
        }
        return a;
    }

    private Answer send(HttpRequest r) throws IOException {
        long t0 = System.nanoTime();
        try {
            HttpResponse<InputStream> resp = http.send(r, HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream in = resp.body()) {
                byte[] b = in.readNBytes(MAX_BODY + 1);
                if (b.length > MAX_BODY) {
                    throw new IOException(r.uri() + ": an answer of more than " + MAX_BODY + " bytes");
                }
                body = new String(b, StandardCharsets.UTF_8);
            }
            return new Answer(resp.statusCode(), body, (System.nanoTime() - t0) / 1e6);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String shorten(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
