package io.vnet.protocol.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.ManagerProtocol;

/** A message an agent sends the manager: {@link Hello}, {@link Report}, {@link VmsUpdate}, {@link Ack} or {@link Enrol}. */
public sealed interface AgentMessage permits Hello, Report, VmsUpdate, Ack, Enrol, AgentMessage.Unknown {
    /** The message's {@code type} on the wire. */
    String type();

    /** The message as it is sent. */
    ObjectNode toJson();

    /** A message of a type this manager does not know (a newer agent's): logged and ignored. */
    record Unknown(String type) implements AgentMessage {
        @Override
        public ObjectNode toJson() {
            return io.vnet.protocol.Json.object().put("type", type);
        }
    }

    /**
     * Reads a message by its {@code type}.
     *
     * @throws IllegalArgumentException what the manager could not act on, named
     */
    static AgentMessage read(JsonNode msg) {
        String type = msg.path("type").asText();
        return switch (type) {
            case ManagerProtocol.HELLO -> Hello.read(msg);
            case ManagerProtocol.REPORT -> Report.read(msg);
            case ManagerProtocol.VMS -> VmsUpdate.read(msg);
            case ManagerProtocol.ACK -> Ack.read(msg);
            case ManagerProtocol.ENROL -> Enrol.read(msg);
            default -> new Unknown(type);
        };
    }
}
