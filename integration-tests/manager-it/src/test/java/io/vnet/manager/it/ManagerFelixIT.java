package io.vnet.manager.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vnet.manager.rest.HttpSettings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Starts the assembled manager's bundles (manager-runtime/target/dist/bundles) in an embedded Apache Felix with an H2
 * file database, then uses the REST API over HTTP and the ManagerStore service; restarts the
 * framework on the same database and checks that nothing was lost.
 */
class ManagerFelixIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path tmp;
    private Framework fw;
    /** The local admin's bearer token for the running framework (null: none sent). */
    private String token;

    @AfterEach
    void stop() throws Exception {
        stopFramework();
    }

    @Test
    void storeAndRestApiWorkInsideFelixAndSurviveARestart() throws Exception {
        int port = freePort();
        String dbUrl = "jdbc:h2:file:" + tmp.resolve("db/manager");
        System.out.println("ManagerFelixIT: JDBC URL " + dbUrl + ", HTTP port " + port);

        start(port, dbUrl, "felix-1");
        JsonNode doc = getJson(port, "/api/openapi.json", 200);
        assertTrue(doc.get("openapi").asText().startsWith("3."), "openapi version: " + doc.get("openapi"));
        for (String p : List.of("/api/hosts", "/api/networks", "/api/networks/{vni}/topology")) {
            assertTrue(doc.get("paths").has(p), "OpenAPI document lacks path " + p);
        }
        assertEquals(0, getJson(port, "/api/hosts", 200).size());

        // write through the ManagerStore service of the running framework
        Object store = service("io.vnet.manager.store.ManagerStore");
        Bundle storeBundle = bundle("io.vnet.manager.store");
        Class<?> hostClass = storeBundle.loadClass("io.vnet.manager.store.Host");
        Object host = hostClass.getConstructors()[0].newInstance("kvm-1", "10.0.0.1:5800", "host", Instant.parse("2026-01-01T00:00:00Z"));
        store.getClass().getMethod("putHost", hostClass).invoke(store, host);
        Class<?> netClass = storeBundle.loadClass("io.vnet.manager.store.Network");
        store.getClass().getMethod("putNetwork", netClass).invoke(store, netClass.getConstructors()[0].newInstance(100, "tenant-a"));
        Class<?> topoClass = storeBundle.loadClass("io.vnet.manager.store.TopologyRecord");
        store.getClass().getMethod("putTopology", topoClass).invoke(store, topoClass.getConstructors()[0]
                .newInstance(100, Instant.parse("2026-01-01T00:01:00Z"), "ring", "{\"nodes\":[\"a\",\"b\",\"c\"]}"));
        String newest = newestMigration();
        assertEquals(newest, store.getClass().getMethod("schemaVersion").invoke(store));

        JsonNode hosts = getJson(port, "/api/hosts", 200);
        assertEquals(1, hosts.size());
        assertEquals("kvm-1", hosts.get(0).get("hostId").asText());
        assertEquals("2026-01-01T00:00:00Z", hosts.get(0).get("lastSeen").asText());
        assertEquals("ring", getJson(port, "/api/networks/100/topology", 200).get("class").asText());

        // errors are JSON naming the field
        assertTrue(getJson(port, "/api/networks/abc/topology", 400).get("error").asText().startsWith("vni:"));
        assertTrue(getJson(port, "/api/networks/100/topologies?limit=0", 400).get("error").asText().startsWith("limit:"));
        assertTrue(getJson(port, "/api/hosts/nobody", 404).get("error").asText().contains("nobody"));

        assertLoopbackOnly(port);

        // restart: a new framework (fresh bundle cache) on the same database
        stopFramework();
        assertThrows(ConnectException.class, () -> getJson(port, "/api/hosts", 200), "HTTP still up after stop");
        start(port, dbUrl, "felix-2");
        hosts = getJson(port, "/api/hosts", 200);
        assertEquals(1, hosts.size(), "hosts after restart: " + hosts);
        assertEquals("10.0.0.1:5800", hosts.get(0).get("address").asText());
        assertEquals("tenant-a", getJson(port, "/api/networks/100", 200).get("name").asText());
        assertEquals(3, getJson(port, "/api/networks/100/topology", 200).get("graph").get("nodes").size());
        stopFramework();

        // the migrations ran inside OSGi, once
        try (Connection c = DriverManager.getConnection(dbUrl, "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT \"version\", \"success\" FROM \"vnet_schema_history\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            for (int v = 1; v <= Integer.parseInt(newest); v++) {
                String version = Integer.toString(v);
                assertTrue(rs.next(), "migration " + version + " not recorded");
                assertEquals(version, rs.getString(1));
                assertTrue(rs.getBoolean(2));
            }
            assertTrue(!rs.next(), "a migration recorded twice");
        }
    }

    /**
     * The store bundle on PostgreSQL (VNET_TEST_PG_URL, as for manager-store's tests; without it
     * this test fails): the driver's DataSource and the migrations inside OSGi.
     */
    @Test
    void storeRunsOnPostgresqlInsideFelix() throws Exception {
        String base = pgUrl();
        String schema = "it_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String dbUrl = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        System.out.println("ManagerFelixIT: JDBC URL " + dbUrl.replaceAll("password=[^&]*", "password=***"));
        try {
            int port = freePort();
            start(port, dbUrl, "felix-pg");
            assertEquals(0, getJson(port, "/api/hosts", 200).size());
            Object store = service("io.vnet.manager.store.ManagerStore");
            assertEquals(newestMigration(), store.getClass().getMethod("schemaVersion").invoke(store));
            Class<?> netClass = bundle("io.vnet.manager.store").loadClass("io.vnet.manager.store.Network");
            store.getClass().getMethod("putNetwork", netClass).invoke(store, netClass.getConstructors()[0].newInstance(7, "pg-net"));
            assertEquals("pg-net", getJson(port, "/api/networks/7", 200).get("name").asText());
            stopFramework();
        } finally {
            try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    /**
     * The README's backup and restore of a manager on PostgreSQL, with PostgreSQL's own tools: pg_dump
     * while the manager runs, a change after it, the manager stopped, pg_restore --clean, the manager
     * started again: the backed-up state is back and the schema is the same version.
     */
    @Test
    void aPostgresqlBackupRestoresWithPgDumpAndPgRestore() throws Exception {
        String base = pgUrl();
        for (String tool : List.of("/usr/bin/pg_dump", "/usr/bin/pg_restore")) {
            assertTrue(Files.isExecutable(Path.of(tool)), tool + " is missing (Debian's postgresql-client)");
        }
        java.net.URI u = java.net.URI.create(base.substring("jdbc:".length()));
        Map<String, String> q = new HashMap<>();
        for (String kv : (u.getRawQuery() == null ? "" : u.getRawQuery()).split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                q.put(kv.substring(0, eq), java.net.URLDecoder.decode(kv.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        String db = u.getPath().substring(1);
        String schema = "it_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String dbUrl = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        Path dump = tmp.resolve("vnet.dump");
        try {
            int port = freePort();
            start(port, dbUrl, "felix-pg-backup");
            Object store = service("io.vnet.manager.store.ManagerStore");
            Class<?> netClass = bundle("io.vnet.manager.store").loadClass("io.vnet.manager.store.Network");
            store.getClass().getMethod("putNetwork", netClass).invoke(store, netClass.getConstructors()[0].newInstance(7, "before-backup"));
            pg(q, "pg_dump", "-h", u.getHost(), "-p", Integer.toString(u.getPort()), "-U", q.get("user"), "-d", db,
                    "-n", schema, "-Fc", "-f", dump.toString());
            assertTrue(Files.size(dump) > 0, "pg_dump wrote " + dump);
            store.getClass().getMethod("putNetwork", netClass).invoke(store, netClass.getConstructors()[0].newInstance(7, "after-backup"));
            assertEquals("after-backup", getJson(port, "/api/networks/7", 200).get("name").asText());
            stopFramework();
            pg(q, "pg_restore", "-h", u.getHost(), "-p", Integer.toString(u.getPort()), "-U", q.get("user"), "-d", db,
                    "--clean", "--if-exists", dump.toString());
            start(port, dbUrl, "felix-pg-restored");
            assertEquals("before-backup", getJson(port, "/api/networks/7", 200).get("name").asText(),
                    "the restored database has the state of the backup");
            assertEquals(newestMigration(), service("io.vnet.manager.store.ManagerStore").getClass().getMethod("schemaVersion")
                    .invoke(service("io.vnet.manager.store.ManagerStore")));
            stopFramework();
            System.out.println("ManagerFelixIT: pg_dump " + Files.size(dump) + " bytes, restored with pg_restore --clean");
        } finally {
            try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    /** The test PostgreSQL's JDBC URL (VNET_TEST_PG_URL, a system property or the environment); fails without it. */
    private static String pgUrl() {
        String base = System.getProperty("VNET_TEST_PG_URL");
        if (base == null || base.isBlank() || base.startsWith("${")) {
            base = System.getenv("VNET_TEST_PG_URL");
        }
        if (base == null || base.isBlank()) {
            fail("VNET_TEST_PG_URL is not set: run scripts/postgres.sh as root, then pass"
                    + " -DVNET_TEST_PG_URL=\"$(cat /var/lib/vnet-test/postgres.url)\"");
        }
        return base;
    }

    /** Runs a PostgreSQL client tool with the test database's password in its environment; fails with its output. */
    private static void pg(Map<String, String> query, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (query.get("password") != null) {
            pb.environment().put("PGPASSWORD", query.get("password"));
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), cmd[0] + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
    }

    /** The HTTP server listens on loopback only (the default): a non-loopback address of this machine refuses. */
    private static void assertLoopbackOnly(int port) throws IOException {
        InetAddress other = null;
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (!a.isLoopbackAddress() && a instanceof Inet4Address && nif.isUp()) {
                    other = a;
                }
            }
        }
        if (other == null) {
            System.out.println("ManagerFelixIT: this machine has no non-loopback IPv4 address; loopback-only bind checked by config only");
            return;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(other, port), 2000);
            fail("the API accepted a connection on " + other.getHostAddress() + ":" + port + "; it must listen on loopback only");
        } catch (ConnectException expected) {
            System.out.println("ManagerFelixIT: " + other.getHostAddress() + ":" + port + " refused, as expected");
        }
    }

    private void start(int port, String dbUrl, String cacheName) throws Exception {
        Path bundles = Path.of(System.getProperty("vnet.it.bundles", "../../plugin/manager-runtime/target/dist/bundles"));
        assertTrue(Files.isDirectory(bundles), bundles + " is missing: run mvn package first");
        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, tmp.resolve(cacheName).toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "sun.misc,sun.nio.ch");
        props.put(HttpSettings.PORT_PROPERTY, Integer.toString(port));
        props.put("vnet.manager.db.url", dbUrl);
        Path config = tmp.resolve(cacheName + "-manager.json");
        int agentPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            agentPort = free.getLocalPort();
        }
        // no agent connects here: plain TCP with an enrolment token for one host is enough
        Path tokens = tmp.resolve(cacheName + "-agent-tokens");
        Files.writeString(tokens, "h1 0123456789abcdef0123456789abcdef\n");
        Files.writeString(config, "{\"agentListen\": \"127.0.0.1:" + agentPort + "\", \"insecure\": true,"
                + " \"agentTokensFile\": \"" + tokens + "\"}");
        props.put("vnet.manager.config", config.toString());
        props = HttpSettings.withDefaults(props);
        assertEquals("127.0.0.1", props.get(HttpSettings.HOST_PROPERTY));

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).iterator().next();
        fw = factory.newFramework(props);
        fw.init();
        List<Bundle> installed = new ArrayList<>();
        try (Stream<Path> jars = Files.list(bundles)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                installed.add(fw.getBundleContext().installBundle(jar.toUri().toString()));
            }
        }
        fw.start();
        List<String> failures = new ArrayList<>();
        for (Bundle b : installed) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                try {
                    b.start();
                } catch (Exception e) {
                    failures.add(b.getSymbolicName() + ": " + e.getMessage());
                }
            }
        }
        for (Bundle b : fw.getBundleContext().getBundles()) {
            System.out.println("ManagerFelixIT: bundle " + b.getBundleId() + " " + b.getSymbolicName() + " " + b.getVersion()
                    + (b.getState() == Bundle.ACTIVE ? " ACTIVE" : " state " + b.getState()));
        }
        assertEquals(List.of(), failures, "bundles that failed to start");
        waitFor(port, "/api/openapi.json");
        // the manager made the local admin's password beside its configuration (auth section absent)
        String password = Files.readString(tmp.resolve("admin-password")).strip();
        HttpResponse<String> r = post(port, "/api/auth/login", "{\"user\":\"admin\",\"password\":\"" + password + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        token = JSON.readTree(r.body()).get("token").asText();
    }

    /**
     * Sign-in, the page and its live stream, inside Felix over real HTTP: every route but sign-in
     * and the OpenAPI document needs a token; the page is served with a policy that lets only the
     * manager frame it; the events route streams Server-Sent Events; signing out ends the token.
     */
    @Test
    void signInThePageAndTheLiveStreamWorkInsideFelix() throws Exception {
        int port = freePort();
        start(port, "jdbc:h2:file:" + tmp.resolve("db/auth"), "felix-auth");
        String admin = token;
        token = null;
        HttpResponse<String> r = get(port, "/api/hosts");
        assertEquals(401, r.statusCode(), r.body());
        assertEquals("Bearer realm=\"vnet\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
        assertTrue(JSON.readTree(r.body()).get("error").asText().startsWith("sign in:"), r.body());
        r = post(port, "/api/auth/login", "{\"user\":\"admin\",\"password\":\"not-the-password\"}");
        assertEquals(401, r.statusCode(), r.body());
        r = post(port, "/api/auth/login", "{\"apiKey\":\"k\",\"secretKey\":\"s\"}");
        assertEquals(503, r.statusCode(), "no CloudStack configured: " + r.body());
        // bodies are capped before they are parsed; a caller is known before any body but the sign-in's is read
        r = post(port, "/api/auth/login", "{\"user\":\"admin\",\"password\":\"" + "x".repeat(5000) + "\"}");
        assertEquals(413, r.statusCode(), "a sign-in over 4 KiB: " + r.body());
        r = put(port, "/api/hosts/h1/desired-state", "not JSON");
        assertEquals(401, r.statusCode(), "no token: refused before the body is read (else 400): " + r.body());
        token = admin;
        r = put(port, "/api/hosts/h1/desired-state", "{\"links\":[],\"rules\":[],\"pad\":\"" + "x".repeat(2 << 20) + "\"}");
        assertEquals(413, r.statusCode(), "2 MiB of desired state: " + r.body());
        JsonNode me = getJson(port, "/api/auth/me", 200);
        assertTrue(me.get("admin").asBoolean());
        assertEquals("local", me.get("source").asText());

        // the page, with the policy that lets only its own origin frame it
        r = get(port, "/vnet/ui/");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").endsWith("frame-ancestors 'self'"),
                r.headers().map().toString());
        assertEquals("SAMEORIGIN", r.headers().firstValue("X-Frame-Options").orElse(""));
        java.util.regex.Matcher js = java.util.regex.Pattern.compile("src=\"\\./(assets/[^\"]+\\.js)\"").matcher(r.body());
        assertTrue(js.find(), "the page names its script relative to itself: " + r.body());
        HttpResponse<String> script = get(port, "/vnet/ui/" + js.group(1));
        assertEquals(200, script.statusCode());
        assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertEquals(404, get(port, "/vnet/ui/assets/nothing.js").statusCode());

        // the live stream of a network: Server-Sent Events, a snapshot at once and then every second
        Object store = service("io.vnet.manager.store.ManagerStore");
        Class<?> netClass = bundle("io.vnet.manager.store").loadClass("io.vnet.manager.store.Network");
        store.getClass().getMethod("putNetwork", netClass).invoke(store, netClass.getConstructors()[0].newInstance(100, "n"));
        HttpRequest events = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/networks/100/events"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<Stream<String>> stream = HTTP.send(events, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> lines = stream.body().limit(6).toList(); // two events: event, data, blank line each
        assertEquals("event: snapshot", lines.get(0));
        JsonNode first = JSON.readTree(lines.get(1).substring("data: ".length()));
        assertEquals(100, first.get("vni").asInt());
        assertTrue(first.has("overlay") && first.has("adaptation") && first.has("rate"), first.toString());
        assertEquals("event: snapshot", lines.get(3));
        JsonNode second = JSON.readTree(lines.get(4).substring("data: ".length()));
        assertTrue(Instant.parse(second.get("time").asText()).isAfter(Instant.parse(first.get("time").asText())));

        r = post(port, "/api/auth/logout", "");
        assertEquals(200, r.statusCode());
        assertEquals(401, get(port, "/api/hosts").statusCode(), "the token is gone");
        stopFramework();
    }

    private void stopFramework() throws Exception {
        if (fw != null) {
            fw.stop();
            fw.waitForStop(20_000);
            fw = null;
        }
    }

    /**
     * The newest migration the installed store bundle carries (V7__cluster.sql gives "7"): a
     * store that started in Felix must have applied all of them.
     */
    private String newestMigration() {
        int newest = 0;
        var entries = bundle("io.vnet.manager.store").findEntries("io/vnet/manager/store/migration", "V*__*.sql", false);
        assertNotNull(entries, "the store bundle carries its migrations");
        while (entries.hasMoreElements()) {
            String path = entries.nextElement().getPath();
            String file = path.substring(path.lastIndexOf('/') + 2);
            newest = Math.max(newest, Integer.parseInt(file.substring(0, file.indexOf("__"))));
        }
        assertTrue(newest >= 7, "migrations found: newest V" + newest);
        return Integer.toString(newest);
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : fw.getBundleContext().getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + bsn + " is not installed");
    }

    /**
     * The service object, used by reflection: its classes are the bundle's, not those of this
     * test's class path (getAllServiceReferences, because the test's own copy of the interface
     * is not the bundle's, so getServiceReference would filter the service out).
     */
    private Object service(String name) throws Exception {
        ServiceReference<?>[] refs = fw.getBundleContext().getAllServiceReferences(name, null);
        assertNotNull(refs, "no " + name + " service");
        return fw.getBundleContext().getService(refs[0]);
    }

    private void waitFor(int port, String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = get(port, path);
                if (r.statusCode() == 200) {
                    return;
                }
                last = new IOException("HTTP " + r.statusCode() + ": " + r.body());
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("GET " + path + " on port " + port + " did not answer 200 within 30 s: " + last, last);
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(int port, String path, String body) throws IOException, InterruptedException {
        return send(port, "PUT", path, body);
    }

    private HttpResponse<String> post(int port, String path, String body) throws IOException, InterruptedException {
        return send(port, "POST", path, body);
    }

    private HttpResponse<String> send(int port, String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(int port, String path, int status) throws IOException, InterruptedException {
        HttpResponse<String> r = get(port, path);
        System.out.println("ManagerFelixIT: GET " + path + " -> " + r.statusCode() + " " + abbreviate(r.body()));
        assertEquals(status, r.statusCode(), "GET " + path + ": " + r.body());
        Optional<String> type = r.headers().firstValue("Content-Type");
        assertTrue(type.orElse("").startsWith("application/json"), "GET " + path + ": Content-Type " + type);
        return JSON.readTree(r.body());
    }

    private static String abbreviate(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
