package io.vnet.protocol.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;

/**
 * Manager → agent {@value ManagerProtocol#ENROLLED}, the answer to an {@link Enrol} it took: the
 * host's new {@code certificate} and the {@code ca} that signed every daemon's (PEM, at most
 * {@value #MAX_PEM} characters each), and what the certificate says of it ({@code hostId, role}).
 * The manager closes the connection after it; the agent connects again with its certificate.
 */
public record Enrolled(String hostId, String role, String certificate, String ca) implements ManagerMessage {
    public static final int MAX_PEM = 16_384;

    public Enrolled {
        io.vnet.api.Ids.check("host id", hostId);
        if (!"host".equals(role) && !"proxy".equals(role)) {
            throw new IllegalArgumentException("enrolled: role '" + role + "', expected host or proxy");
        }
        for (String pem : new String[] {certificate, ca}) {
            if (pem == null || pem.length() > MAX_PEM || !pem.contains("-----BEGIN CERTIFICATE-----")) {
                throw new IllegalArgumentException("enrolled: a certificate or CA that is not PEM of at most " + MAX_PEM
                        + " characters");
            }
        }
    }

    @Override
    public String type() {
        return ManagerProtocol.ENROLLED;
    }

    @Override
    public ObjectNode toJson() {
        return Json.object().put("type", type()).put("hostId", hostId).put("role", role).put("certificate", certificate)
                .put("ca", ca);
    }

    public static Enrolled read(JsonNode msg) {
        return new Enrolled(msg.path("hostId").asText(), msg.path("role").asText(), msg.path("certificate").asText(null),
                msg.path("ca").asText(null));
    }
}
