package io.vnet.protocol.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import java.util.ArrayList;
import java.util.List;

/**
 * Agent → manager {@value ManagerProtocol#ACK}: the agent applied desired state {@code
 * generation}, with {@code errors} (empty: {@code ok}).
 */
public record Ack(String hostId, long generation, boolean ok, List<String> errors) implements AgentMessage {
    public Ack {
        errors = List.copyOf(errors);
    }

    @Override
    public String type() {
        return ManagerProtocol.ACK;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode m = Json.object().put("type", type()).put("hostId", hostId).put("generation", generation).put("ok", ok);
        errors.forEach(m.putArray("errors")::add);
        return m;
    }

    /** Reads it; a missing generation is -1, an error that is not text is taken as its text. */
    public static Ack read(JsonNode msg) {
        List<String> errors = new ArrayList<>();
        msg.path("errors").forEach(e -> errors.add(e.asText()));
        return new Ack(msg.path("hostId").asText(), msg.path("generation").asLong(-1), msg.path("ok").asBoolean(false),
                errors);
    }
}
