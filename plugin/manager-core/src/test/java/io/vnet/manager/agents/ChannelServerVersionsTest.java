package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.Endpoint;
import io.vnet.manager.HostInfo;
import io.vnet.manager.Recorder;
import io.vnet.protocol.Json;
import io.vnet.protocol.messages.Hello;
import java.io.DataInputStream;
import java.io.EOFException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Versions on the real agent channel (loopback, without TLS): the manager keeps what an agent's
 * hello says of its software and protocol, and refuses a protocol it does not speak with a
 * {@code refused} message that says which side to upgrade, then closes.
 */
class ChannelServerVersionsTest {
    private static final String TOKEN = "t0ken-for-h1";

    @Test
    void anAgentOfAProtocolTheManagerSpeaksIsRegisteredWithItsVersions() throws Exception {
        AgentSessions sessions = new AgentSessions(Recorder.NONE);
        try (ChannelServer server = new ChannelServer(new Endpoint("127.0.0.1", freePort()), sessions, List::of, null,
                Map.of("h1", TOKEN)); Socket s = new Socket("127.0.0.1", server.port())) {
            send(s, hello(Hello.PROTOCOL, "0.1.0.SNAPSHOT"));
            HostInfo h = awaitHost(sessions, "h1");
            assertEquals("0.1.0.SNAPSHOT", h.software());
            assertEquals(Hello.PROTOCOL, h.protocol());
        }
    }

    @Test
    void aNewerProtocolIsRefusedWithAReasonThatSaysToUpgradeTheManagerFirst() throws Exception {
        AgentSessions sessions = new AgentSessions(Recorder.NONE);
        try (ChannelServer server = new ChannelServer(new Endpoint("127.0.0.1", freePort()), sessions, List::of, null,
                Map.of("h1", TOKEN)); Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5_000);
            send(s, hello(Hello.PROTOCOL + 1, "9.0.0"));
            JsonNode answer = receive(s);
            assertEquals("refused", answer.path("type").asText(), answer.toString());
            String reason = answer.path("reason").asText();
            assertTrue(reason.contains("protocol " + (Hello.PROTOCOL + 1)) && reason.contains("upgrade the manager first"),
                    reason);
            assertTrue(closed(s), "the manager closes the connection after saying why");
            assertTrue(sessions.host("h1").isEmpty(), "nothing of the refused agent is registered");
            assertEquals(1, server.refusedHellos());
        }
    }

    @Test
    void anAgentFromBeforeVersionsIsToldToUpgrade() throws Exception {
        AgentSessions sessions = new AgentSessions(Recorder.NONE);
        try (ChannelServer server = new ChannelServer(new Endpoint("127.0.0.1", freePort()), sessions, List::of, null,
                Map.of("h1", TOKEN)); Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5_000);
            var old = hello(Hello.PROTOCOL, null);
            old.remove("protocol");
            send(s, old);
            JsonNode answer = receive(s);
            assertTrue(answer.path("reason").asText().contains("upgrade the agent"), answer.toString());
            assertTrue(closed(s));
        }
    }

    private static int freePort() throws java.io.IOException {
        return AgentWire.freePort();
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode hello(int protocol, String software) {
        return AgentWire.hello(protocol, software, "h1", TOKEN);
    }

    private static void send(Socket s, JsonNode msg) throws Exception {
        AgentWire.send(s.getOutputStream(), msg);
    }

    private static JsonNode receive(Socket s) throws Exception {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return Json.MAPPER.readTree(new String(b, StandardCharsets.UTF_8));
    }

    private static boolean closed(Socket s) throws Exception {
        try {
            return s.getInputStream().read() < 0;
        } catch (EOFException | java.net.SocketException e) {
            return true;
        }
    }

    private static HostInfo awaitHost(AgentSessions sessions, String id) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            var h = sessions.host(id);
            if (h.isPresent()) {
                return h.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("host " + id + " was not registered within 5 s");
    }
}
