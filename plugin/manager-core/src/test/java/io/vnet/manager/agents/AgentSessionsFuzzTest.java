package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.Rejections;
import io.vnet.manager.Recorder;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import java.nio.charset.StandardCharsets;

/**
 * The manager's side of the agent channel: a session of messages (hello, ack, report, vms) from a
 * hostile agent, dispatched to {@link AgentSessions} as the channel server dispatches them. A
 * message may be refused only with an {@link IllegalArgumentException} (on which the server closes
 * the connection), and what the registry then reports of the agent is well formed.
 */
@Fuzzing
class AgentSessionsFuzzTest {
    @FuzzTest
    @DictionaryEntries({"\"type\"", "\"hello\"", "\"ack\"", "\"report\"", "\"vms\"", "\"hostId\"", "\"role\"",
            "\"linkAddress\"", "\"networks\"", "\"macs\"", "\"vni\"", "\"mac\"", "\"generation\"", "\"errors\"",
            "\"links\"", "\"id\"", "\"peer\"", "\"rttMicros\"", "\"uuid\"", "\"nics\"", "\"tap\"", "\"bridge\"",
            "\"pairs\"", "0.0.0.0:5800", "02:00:00:00:00:01"})
    void session(byte[] input) {
        AgentSessions sessions = new AgentSessions(Recorder.NONE);
        EmbeddedChannel agent = new EmbeddedChannel();
        String hostId = null;
        for (String line : new String(input, StandardCharsets.UTF_8).split("\n", 8)) {
            JsonNode msg = message(line);
            if (msg == null) {
                continue; // the channel's decoder refuses what is not a JSON object with a type
            }
            String type = msg.path("type").asText();
            if (hostId == null && !ManagerProtocol.HELLO.equals(type)) {
                continue; // the server closes a connection that does not start with hello
            }
            String host = hostId;
            boolean refused = Rejections.onlyIllegalArgument(() -> switch (type) {
                // a hello the manager refuses (an address without a port, a bad VNI or MAC) is an IllegalArgumentException
                case ManagerProtocol.HELLO -> sessions.hello(agent, msg);
                case ManagerProtocol.ACK -> run(() -> sessions.ack(host, msg));
                case ManagerProtocol.REPORT -> run(() -> sessions.report(host, msg));
                case ManagerProtocol.VMS -> run(() -> sessions.inventory(host, msg));
                default -> "ignored";
            }).isEmpty();
            if (refused) {
                break; // the server closed the connection
            }
            if (type.equals(ManagerProtocol.HELLO)) {
                hostId = msg.path("hostId").asText();
            }
        }
        sessions.hosts().forEach(h -> assertTrue(h.hostId() != null && h.networks() != null, "a host " + h));
        agent.finishAndReleaseAll();
    }

    private static Object run(Runnable r) {
        r.run();
        return "done";
    }

    private static JsonNode message(String line) {
        try {
            JsonNode n = Json.MAPPER.readTree(line);
            return n != null && n.isObject() && n.path("type").isTextual() ? n : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
