package io.vnet.protocol.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;

/**
 * Manager → agent {@value ManagerProtocol#REFUSED}, the last message before the manager closes a
 * connection whose hello it refused: {@code reason}, in words for the agent's log and status (at
 * most {@value #MAX_REASON} characters are read; an agent from before this message ignores it).
 */
public record Refused(String reason) implements ManagerMessage {
    public static final int MAX_REASON = 1_000;

    public Refused {
        reason = clip(reason);
    }

    @Override
    public String type() {
        return ManagerProtocol.REFUSED;
    }

    @Override
    public ObjectNode toJson() {
        return Json.object().put("type", type()).put("reason", reason);
    }

    public static Refused read(JsonNode msg) {
        return new Refused(msg.path("reason").asText(""));
    }

    private static String clip(String text) {
        String t = text == null ? "" : text;
        StringBuilder b = new StringBuilder(Math.min(t.length(), MAX_REASON));
        for (int i = 0; i < t.length() && i < MAX_REASON; i++) {
            char c = t.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return b.toString();
    }
}
