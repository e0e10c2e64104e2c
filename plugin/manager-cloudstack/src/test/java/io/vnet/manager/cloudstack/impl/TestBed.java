package io.vnet.manager.cloudstack.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.HostInfo;
import io.vnet.manager.store.impl.JdbcManagerStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The integration against a {@link FakeCloudStack} that answers with the 4.20 fixtures, on an H2
 * store in a temporary folder. Webhook deliveries are handled before the answer (for the tests).
 */
final class TestBed implements AutoCloseable {
    static final String VM1 = "6a2b4c8d-0e1f-4a3b-8c5d-7e9f0a1b2c3d";
    static final String VM2 = "7b3c5d9e-1f2a-4b4c-9d6e-8f0a1b2c3d4e";
    static final String HOME = "9f1d3e5a-7b2c-4d6e-8f0a-1c2b3d4e5f6a";
    static final String ISOLATED = "3c5e7a9b-1d2f-4e6a-8c0b-2d4f6a8c0e1b";
    static final long HOME_INTERNAL_ID = 204;
    static final String VM1_HOME_MAC = "02:00:4c:5f:00:01";
    static final String VM1_OTHER_MAC = "02:00:3a:7e:00:02";
    static final String VM2_HOME_MAC = "02:00:4c:5f:00:03";
    static final String WEBHOOK_SECRET = "vnet-webhook-secret-for-tests";

    final FakeCloudStack cs;
    final JdbcManagerStore store;
    final List<HostInfo> agents = new CopyOnWriteArrayList<>();
    final FakeSessions sessions = FakeSessions.standard();
    final CloudStackWiring wiring;
    private final Path dir;

    TestBed(Path dir) throws IOException {
        this(dir, Map.of());
    }

    /** With extra fields in the cloudstack section. */
    TestBed(Path dir, Map<String, Object> extra) throws IOException {
        this(dir, extra, false);
    }

    /** With extra fields in the cloudstack section, and {@code vnet.manager.rest.allowRemote} as given. */
    TestBed(Path dir, Map<String, Object> extra, boolean allowRemote) throws IOException {
        this.dir = dir;
        this.cs = new FakeCloudStack();
        this.store = new JdbcManagerStore("jdbc:h2:file:" + dir.resolve("manager"), null, null);
        standardAnswers();
        this.wiring = new CloudStackWiring(config(extra), store, () -> agents, Clock.systemUTC(), allowRemote,
                Runnable::run);
    }

    CloudStackConfig config(Map<String, Object> extra) {
        ObjectNode c = CloudStackClient.JSON.createObjectNode().put("url", cs.url().toString())
                .put("apiKey", FakeCloudStack.API_KEY).put("secretKey", FakeCloudStack.SECRET_KEY)
                .put("webhookSecret", WEBHOOK_SECRET).put("events", "both");
        extra.forEach((k, v) -> c.set(k, CloudStackClient.JSON.valueToTree(v)));
        return CloudStackConfig.parse(c, dir);
    }

    private void standardAnswers() {
        cs.onList("listVirtualMachines", "4.20/listVirtualMachines.json", "virtualmachine", Map.of());
        cs.onList("listNetworks", "4.20/listNetworks.json", "network",
                Map.of(Long.toString(HOME_INTERNAL_ID), HOME));
        cs.onList("listHosts", "4.20/listHosts.json", "host", Map.of());
    }

    /** An agent that reports these MACs on this VNI. */
    void agent(String hostId, int vni, String... macs) {
        agents.add(new HostInfo(hostId, "host", null, true, List.of(NetworkId.of(vni)),
                Map.of(NetworkId.of(vni), java.util.Arrays.stream(macs).map(MacAddress::parse).toList()), -1, -1,
                List.of(), Instant.now(), List.of()));
    }

    /** A route of the API, from loopback, as the signed-in admin. */
    Answer get(String path) {
        return call("GET", path, Map.of("authorization", FakeSessions.bearer(FakeSessions.ADMIN_TOKEN)), new byte[0], true);
    }

    /**
     * A request to the routes as the servlet passes it on: the caller is the session of its
     * {@code authorization} header, if any ({@link #sessions}).
     */
    Answer call(String method, String path, Map<String, String> headers, byte[] body, boolean loopback) {
        return wiring.api.handle(method, path, headers, body, loopback,
                CloudStackServlet.caller(sessions, headers.get("authorization")));
    }

    @Override
    public void close() {
        wiring.close();
        store.close();
        cs.close();
    }
}
