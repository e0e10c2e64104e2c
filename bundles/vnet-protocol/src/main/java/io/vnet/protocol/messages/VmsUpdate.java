package io.vnet.protocol.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;

/**
 * Agent → manager {@value ManagerProtocol#VMS}, at once when the host's networks or VMs change:
 * its {@link Inventory} (also in every hello and report, so a lost one is repaired).
 */
public record VmsUpdate(String hostId, Inventory inventory) implements AgentMessage {
    @Override
    public String type() {
        return ManagerProtocol.VMS;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode m = Json.object().put("type", type()).put("hostId", hostId);
        inventory.write(m);
        return m;
    }

    /** @throws IllegalArgumentException a network or address that is not valid */
    public static VmsUpdate read(JsonNode msg) {
        return new VmsUpdate(msg.path("hostId").asText(), Inventory.read(msg));
    }
}
