package io.vnet.protocol.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import io.vnet.protocol.Revocations;
import java.util.ArrayList;
import java.util.List;

/**
 * Manager → agent {@value ManagerProtocol#REVOKED}: the SHA-256 fingerprints of the revoked
 * certificates, at most {@link Revocations#MAX_ENTRIES} (+1 read, so that the receiver sees an
 * over-long list as one). {@code valid} is false when the list was not an array of strings: the
 * agent then changes nothing.
 */
public record Revoked(List<String> fingerprints, boolean valid) implements ManagerMessage {
    public Revoked {
        fingerprints = List.copyOf(fingerprints);
    }

    public Revoked(List<String> fingerprints) {
        this(fingerprints, true);
    }

    @Override
    public String type() {
        return ManagerProtocol.REVOKED;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode m = Json.object().put("type", type());
        fingerprints.forEach(m.putArray("fingerprints")::add);
        return m;
    }

    public static Revoked read(JsonNode msg) {
        JsonNode a = msg.path("fingerprints");
        if (!a.isArray()) {
            return new Revoked(List.of(), false);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode f : a) {
            if (!f.isTextual()) {
                return new Revoked(List.of(), false);
            }
            if (out.size() <= Revocations.MAX_ENTRIES) {
                out.add(f.asText());
            }
        }
        return new Revoked(out, true);
    }
}
