package io.vnet.protocol.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.ManagerProtocol;

/**
 * A message the manager sends an agent: {@link StateMessage} (read by an agent as {@link
 * StateMessage.Lenient}: it applies each valid entry and answers the others' errors), {@link Revoked}, {@link Refused}, {@link Enrolled}, {@link Members}, or the owners
 * ({@link io.vnet.protocol.OwnersMessage}, read where they are applied, as {@link Owners}).
 */
public sealed interface ManagerMessage permits StateMessage, StateMessage.Lenient, Revoked, Refused, Enrolled, Members, ManagerMessage.Owners, ManagerMessage.Unknown {
    String type();

    ObjectNode toJson();

    /** The owners message, kept as sent: {@link io.vnet.protocol.OwnersMessage#read} reads it, bounded, where it is applied. */
    record Owners(JsonNode message) implements ManagerMessage {
        @Override
        public String type() {
            return ManagerProtocol.OWNERS;
        }

        @Override
        public ObjectNode toJson() {
            return (ObjectNode) message;
        }
    }

    /** A message of a type this agent does not know (a newer manager's): ignored. */
    record Unknown(String type) implements ManagerMessage {
        @Override
        public ObjectNode toJson() {
            return io.vnet.protocol.Json.object().put("type", type);
        }
    }

    /** Reads a message by its {@code type}. */
    static ManagerMessage read(JsonNode msg) {
        String type = msg.path("type").asText();
        return switch (type) {
            case ManagerProtocol.STATE -> StateMessage.readLenient(msg);
            case ManagerProtocol.REVOKED -> Revoked.read(msg);
            case ManagerProtocol.REFUSED -> Refused.read(msg);
            case ManagerProtocol.ENROLLED -> Enrolled.read(msg);
            case ManagerProtocol.MEMBERS -> Members.read(msg);
            case ManagerProtocol.OWNERS -> new Owners(msg);
            default -> new Unknown(type);
        };
    }
}
