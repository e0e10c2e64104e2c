package io.vnet.manager.agents;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.protocol.Json;
import io.vnet.protocol.messages.Hello;
import io.vnet.protocol.messages.Inventory;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.List;

/** A test's side of the agent channel without TLS: a free port, a hello, and a message written with its length. */
final class AgentWire {
    private AgentWire() {
    }

    static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Host {@code hostId}'s hello with {@code token}, no VMs. */
    static com.fasterxml.jackson.databind.node.ObjectNode hello(int protocol, String software, String hostId, String token) {
        return new Hello(protocol, software, hostId, "host", -1, null, false, true, token,
                new Inventory(List.of(), List.of(), 0, List.of(), List.of(), 0)).toJson();
    }

    /** Writes {@code msg} as the channel frames it (its length, then its JSON); whole, even from several threads. */
    static void send(OutputStream stream, JsonNode msg) throws java.io.IOException {
        byte[] b = Json.MAPPER.writeValueAsBytes(msg);
        synchronized (stream) {
            DataOutputStream out = new DataOutputStream(stream);
            out.writeInt(b.length);
            out.write(b);
            out.flush();
        }
    }
}
