package io.vnet.manager.cloudstack.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vnet.it.cloudstack.ApiRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CloudStack API endpoint on loopback that answers with the recorded fixtures. It checks every
 * request as CloudStack's ApiServer does, with the integration tests' stand-in's checker
 * ({@link ApiRequest}: the API key, signatureVersion 3 with an expires time in the future, and the
 * signature). It knows the
 * manager's key pair ({@link #API_KEY}) and those added with {@link #addKeys}. A bad request gets the
 * recorded 401 answer ({@code 4.20/error-401-<command>.json} when recorded, else the
 * listVirtualMachines one renamed).
 */
final class FakeCloudStack implements AutoCloseable {
    static final String API_KEY = "Xq7pZ2vB9kR4mN1sT6wY3cF8hJ5dL0gA-eU_iO2rP9sQ4tV7xW1yZ3bC6nM8kJ0hG5fD2aS4lK7jH9gF1dS3aQ";
    static final String SECRET_KEY = "wE3rT5yU7iO9pA1sD3fG5hJ7kL9zX1cV3bN5mQ7wE9rT1yU3iO5pA7sD9fG1hJ3kL5zX7cV9bN1mQ3wE5rT7y";

    record Reply(int status, String body) {
    }

    interface Handler {
        Reply answer(Map<String, String> params);
    }

    private final HttpServer server;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final Map<String, String> keys = new ConcurrentHashMap<>(Map.of(API_KEY, SECRET_KEY));

    FakeCloudStack() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/client/api", this::serve);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/client/api");
    }

    /** Another user's key pair (a tenant's): its requests are checked against this secret key. */
    void addKeys(String apiKey, String secretKey) {
        keys.put(apiKey, secretKey);
    }

    void on(String command, Handler h) {
        handlers.put(command, h);
    }

    /** Always answers this fixture. */
    void onFixture(String command, String fixture) {
        on(command, p -> new Reply(200, Fixtures.text(fixture)));
    }

    /** Answers these fixtures one after the other; the last one repeats. */
    void onSequence(String command, String... fixtures) {
        Deque<String> q = new ConcurrentLinkedDeque<>(List.of(fixtures));
        on(command, p -> new Reply(200, Fixtures.text(q.size() > 1 ? q.poll() : q.peek())));
    }

    /**
     * A list command over the items of a fixture: filters by id (or an alias of it: a numeric
     * database id), name, type, account and domainid, answers nothing for projectid=-1 (no project
     * resources), and pages by page/pagesize like CloudStack.
     */
    void onList(String command, String fixture, String itemKey, Map<String, String> idAliases) {
        on(command, p -> {
            String key = command.toLowerCase(Locale.ROOT) + "response";
            JsonNode items = Fixtures.json(fixture).path(key).path(itemKey);
            List<JsonNode> matching = new ArrayList<>();
            String id = p.get("id") == null ? null : idAliases.getOrDefault(p.get("id"), p.get("id"));
            for (JsonNode i : items) {
                if ((id == null || id.equalsIgnoreCase(i.path("id").asText()))
                        && (p.get("name") == null || p.get("name").equals(i.path("name").asText()))
                        && (p.get("type") == null || p.get("type").equalsIgnoreCase(i.path("type").asText()))
                        && (p.get("account") == null || p.get("account").equals(i.path("account").asText()))
                        && (p.get("domainid") == null || p.get("domainid").equals(i.path("domainid").asText()))
                        && !"-1".equals(p.get("projectid"))) {
                    matching.add(i);
                }
            }
            int page = Integer.parseInt(p.getOrDefault("page", "1"));
            int size = Integer.parseInt(p.getOrDefault("pagesize", "500"));
            ObjectNode root = CloudStackClient.JSON.createObjectNode();
            ObjectNode inner = root.putObject(key);
            int fromIndex = Math.min((page - 1) * size, matching.size());
            List<JsonNode> slice = matching.subList(fromIndex, Math.min(fromIndex + size, matching.size()));
            if (!matching.isEmpty()) {
                inner.put("count", matching.size());
                ArrayNode a = inner.putArray(itemKey);
                slice.forEach(a::add);
            }
            return new Reply(200, root.toString());
        });
    }

    /** The requests of a command, in order (their parameters, signature included). */
    List<Map<String, String>> calls(String command) {
        return requests.stream().filter(r -> command.equals(r.get("command"))).toList();
    }

    int refused() {
        return refused.get();
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, String> params = new TreeMap<>(); // parameter names in String order, as ApiServer sorts them
            String raw = ex.getRequestURI().getRawQuery();
            for (String pair : raw == null ? new String[0] : raw.split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            String command = params.getOrDefault("command", "");
            String problem = ApiRequest.refusal(raw, keys::get);
            Reply r;
            if (problem != null) {
                refused.incrementAndGet();
                r = new Reply(401, Fixtures.exists("4.20/error-401-" + command + ".json")
                        ? Fixtures.text("4.20/error-401-" + command + ".json")
                        : Fixtures.text("4.20/error-401.json").replace("listvirtualmachinesresponse",
                                command.toLowerCase(Locale.ROOT) + "response"));
            } else {
                requests.add(params);
                Handler h = handlers.get(command);
                r = h != null ? h.answer(params) : new Reply(530, "{\"" + command.toLowerCase(Locale.ROOT)
                        + "response\":{\"uuidList\":[],\"errorcode\":530,\"errortext\":\"fake CloudStack: no answer for "
                        + command + "\"}}");
            }
            byte[] b = r.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
            ex.sendResponseHeaders(r.status(), b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
