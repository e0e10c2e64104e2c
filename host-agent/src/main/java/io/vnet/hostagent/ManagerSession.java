package io.vnet.hostagent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * {@code vnetctl manager}'s connection to the manager's REST API: its address and the bearer token
 * of a sign-in, kept in a file readable by its owner only (mode 0600, written atomically) after
 * {@code login}, so that later commands need neither. A call the manager refuses throws {@link
 * ApiException} with the manager's own message.
 */
final class ManagerSession {
    /** A call the manager answered with an error: its status and message. */
    static final class ApiException extends IOException {
        final int status;

        ApiException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** The longest answer read (the audit log with a large limit stays well below it). */
    static final int MAX_ANSWER = 64 << 20;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;
    private final String token;

    ManagerSession(String url, String token) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
    }

    String url() {
        return url;
    }

    /** Where a session is kept: {@code $VNET_MANAGER_SESSION}, else {@code $XDG_CONFIG_HOME/vnet/manager-session.json}, else under {@code ~/.config}. */
    static Path defaultFile() {
        String env = System.getenv("VNET_MANAGER_SESSION");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("vnet").resolve("manager-session.json");
    }

    /** The session kept in {@code file}; fails, saying to log in, when there is none. */
    static ManagerSession load(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("not logged in to a manager (no " + file + "): run vnetctl manager login --url URL");
        }
        JsonNode j = Json.MAPPER.readTree(Files.readString(file));
        if (j == null || !j.path("url").isTextual() || !j.path("token").isTextual()) {
            throw new IOException(file + " is not a session (url, token): run vnetctl manager login again");
        }
        return new ManagerSession(j.get("url").asText(), j.get("token").asText());
    }

    /** Keeps this session in {@code file}: mode 0600 from its creation, renamed into place. */
    void save(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".manager-session", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, Json.object().put("url", url).put("token", token).toString() + "\n");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Signs in at {@code url} with {@code credentials} ({@code user, password}); the session of its token. */
    static ManagerSession login(String url, ObjectNode credentials) throws IOException {
        ManagerSession anonymous = new ManagerSession(url, null);
        JsonNode answer = anonymous.call("POST", "/api/auth/login", credentials.toString());
        if (!answer.path("token").isTextual()) {
            throw new IOException("the manager at " + url + " answered the sign-in without a token: " + answer);
        }
        return new ManagerSession(url, answer.get("token").asText());
    }

    JsonNode get(String path) throws IOException {
        return call("GET", path, null);
    }

    /** One call: {@code path} below the manager's address, a JSON body or null; the JSON answer. */
    JsonNode call(String method, String path, String body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot reach the manager at " + url + ": connection refused", e);
        }
        if (r.body().length > MAX_ANSWER) {
            throw new IOException("the manager's answer to " + path + " is larger than " + (MAX_ANSWER >> 20) + " MiB");
        }
        JsonNode json;
        try {
            json = r.body().length == 0 ? Json.object() : Json.MAPPER.readTree(r.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiException(r.statusCode(), method + " " + path + ": " + r.statusCode() + ", not JSON: "
                    + new String(r.body(), 0, Math.min(200, r.body().length), StandardCharsets.UTF_8));
        }
        if (r.statusCode() == 401 && token != null) {
            throw new ApiException(401, "the manager no longer knows this session (" + json.path("error").asText("401")
                    + "): run vnetctl manager login again");
        }
        if (r.statusCode() >= 400) {
            throw new ApiException(r.statusCode(), method + " " + path + ": " + r.statusCode() + " "
                    + json.path("error").asText(json.toString()));
        }
        return json;
    }
}
