package io.vnet.it.fabric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The real manager process (plugin/manager-runtime/bin/vnet-manager) in a test host's namespace. */
public final class ManagerProcess extends DaemonProcess {
    public static final int AGENT_PORT = 5900;
    /** The REST API's port; it listens on loopback inside the manager's namespace. */
    public static final int HTTP_PORT = 8470;

    /** An HTTP answer of the REST API. */
    public record Response(int status, JsonNode body) {
    }

    /** The local admin's name and password (auth.adminUser, auth.adminPasswordFile). */
    private final String adminUser;
    private final String adminPassword;
    /** The admin's bearer token, once signed in. */
    private String token;

    private ManagerProcess(Host host, Process process, Path log, Path configFile, String adminUser, String adminPassword) {
        super("manager", host, process, log, configFile);
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
    }

    static ManagerProcess start(Fabric fabric, Host host, ObjectNode config, String name, List<String> fw) throws IOException {
        if (!config.has("agentListen")) {
            config.put("agentListen", host.ip() + ":" + AGENT_PORT);
        }
        if (!config.has("tls") && !config.has("insecure")) {
            // mutual TLS with the agents, with the fabric's certificates (the agents' default too)
            Path certs = fabric.certs("manager");
            config.putObject("tls").put("ca", certs.resolve("ca.pem").toString())
                    .put("cert", certs.resolve("manager.pem").toString()).put("key", certs.resolve("manager.key").toString());
        }
        if (!config.has("auth")) {
            config.putObject("auth");
        }
        ObjectNode auth = (ObjectNode) config.get("auth");
        if (!auth.has("adminPasswordFile")) {
            auth.put("adminPasswordFile", name + "-admin-password");
        }
        Path pwFile = fabric.workDir().resolve(auth.get("adminPasswordFile").asText());
        if (!Files.exists(pwFile)) {
            byte[] b = new byte[12];
            new java.security.SecureRandom().nextBytes(b);
            Files.writeString(pwFile, java.util.HexFormat.of().formatHex(b) + "\n");
        }
        String password = Files.readString(pwFile).lines().findFirst().orElse("").strip();
        String user = auth.path("adminUser").asText("admin");
        Path cfg = fabric.workDir().resolve(name + ".json");
        Files.writeString(cfg, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        Path log = fabric.workDir().resolve(name + ".log");
        Path bin = fabric.repoDir().resolve("plugin/manager-runtime/bin/vnet-manager");
        Path db = fabric.workDir().resolve("manager-db");
        List<String> cmd = new java.util.ArrayList<>(List.of(bin.toString(), "--config", cfg.toString(),
                "--fw", "vnet.manager.db.url=jdbc:h2:file:" + db));
        for (String kv : fw) {
            cmd.add("--fw");
            cmd.add(kv);
        }
        Process p = fabric.spawn(host.ns(), cmd, log);
        ManagerProcess m = new ManagerProcess(host, p, log, cfg, user, password);
        m.awaitLog("manager ready", 30_000);
        return m;
    }

    /** The address agents dial: HOST:PORT. */
    public String agentAddress() {
        return host().ip() + ":" + AGENT_PORT;
    }

    /** The local admin's name. */
    public String adminUser() {
        return adminUser;
    }

    /** The local admin's password (the test wrote it into auth.adminPasswordFile). */
    public String adminPassword() {
        return adminPassword;
    }

    /**
     * Calls the REST API as the local admin from inside the manager's namespace (with curl, so the
     * API stays on loopback as it is by default). {@code body} may be null. Signs in first when it
     * has no token yet, and again once if the manager no longer knows it (a restart).
     */
    public synchronized Response rest(String method, String path, String body) throws IOException {
        if (token == null) {
            token = signIn();
        }
        Response r = restAs(token, method, path, body);
        if (r.status() == 401) {
            token = signIn();
            r = restAs(token, method, path, body);
        }
        return r;
    }

    /** Signs the local admin in ({@code POST /api/auth/login}) and returns the bearer token. */
    public String signIn() throws IOException {
        ObjectNode creds = Json.object().put("user", adminUser).put("password", adminPassword);
        return signIn(creds);
    }

    /**
     * Signs in with this body ({@code {"user","password"}} or {@code {"apiKey","secretKey"}}); fails unless 200.
     * A 503 (the CloudStack integration still starting) is tried again for up to 15 s.
     */
    public String signIn(ObjectNode credentials) throws IOException {
        long deadline = System.currentTimeMillis() + 15_000;
        Response r = restAs(null, "POST", "/auth/login", credentials.toString());
        while (r.status() == 503 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            r = restAs(null, "POST", "/auth/login", credentials.toString());
        }
        if (r.status() != 200 || r.body() == null || !r.body().hasNonNull("token")) {
            throw new IOException("POST /api/auth/login answered " + r.status() + ": " + r.body());
        }
        return r.body().get("token").asText();
    }

    /**
     * Calls the REST API with this bearer token (null: none) from inside the manager's namespace.
     * {@code body} may be null.
     */
    public Response restAs(String bearer, String method, String path, String body) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", host().ns(), "curl", "-sS",
                "-X", method, "-H", "Content-Type: application/json", "-w", "\n%{http_code}"));
        Path headerFile = null;
        if (bearer != null) {
            // the token goes in a file curl reads, not on a command line other users can list
            headerFile = Files.createTempFile("vnet-rest", ".h");
            Files.writeString(headerFile, "Authorization: Bearer " + bearer + "\n");
            cmd.addAll(List.of("-H", "@" + headerFile));
        }
        Path bodyFile = null;
        if (body != null) {
            bodyFile = Files.createTempFile("vnet-rest", ".json");
            Files.writeString(bodyFile, body);
            cmd.addAll(List.of("--data-binary", "@" + bodyFile));
        }
        cmd.add("http://127.0.0.1:" + HTTP_PORT + "/api" + path);
        try {
            Sh.Result r = Sh.run(30, cmd);
            String out = r.out();
            int nl = out.lastIndexOf('\n');
            if (!r.ok() || nl < 0) {
                throw new IOException("curl " + method + " " + path + " failed (exit " + r.exit() + "): " + out);
            }
            int status = Integer.parseInt(out.substring(nl + 1).trim());
            String text = out.substring(0, nl);
            return new Response(status, text.isBlank() ? null : Json.MAPPER.readTree(text));
        } finally {
            if (bodyFile != null) {
                Files.deleteIfExists(bodyFile);
            }
            if (headerFile != null) {
                Files.deleteIfExists(headerFile);
            }
        }
    }

    /** GET that must answer 200. */
    public JsonNode get(String path) throws IOException {
        Response r = rest("GET", path, null);
        if (r.status() != 200) {
            throw new IOException("GET /api" + path + " answered " + r.status() + ": " + r.body());
        }
        return r.body();
    }

}
