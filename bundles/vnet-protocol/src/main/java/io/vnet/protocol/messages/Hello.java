package io.vnet.protocol.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;

/**
 * Agent → manager {@value ManagerProtocol#HELLO}, the first message on a connection: who the
 * agent is ({@code hostId, role}: host or proxy), which protocol and software it speaks
 * ({@code protocol}: {@value #PROTOCOL} now, 0 from agents before versions; {@code software}: its
 * bundle's version, null when unknown), where its links listen ({@code linkAddress}, null: it
 * dials only), the generation of the desired state it applies now, whether its VXLAN links take
 * the kernel path ({@code kernelPath}), without TLS its enrolment {@code token} ({@code
 * insecure: true}), and its {@link Inventory}.
 */
public record Hello(int protocol, String software, String hostId, String role, long generation, String linkAddress,
                    boolean kernelPath, boolean insecure, String token, Inventory inventory) implements AgentMessage {
    /** The protocol this code speaks. */
    public static final int PROTOCOL = 1;
    /** The oldest protocol this code still speaks: a manager refuses agents outside [{@value}, {@value #PROTOCOL}]. */
    public static final int MIN_PROTOCOL = 1;

    /**
     * Why a peer speaking {@code protocol} cannot be served by this code, or null: 0 is an agent
     * from before versions, a larger number than {@link #PROTOCOL} one newer than this manager.
     */
    public static String incompatible(int protocol, String software) {
        String who = "protocol " + protocol + (software != null ? " (software " + software + ")" : "");
        if (protocol > PROTOCOL) {
            return "the agent speaks " + who + ", newer than this manager's " + MIN_PROTOCOL + ".." + PROTOCOL
                    + ": upgrade the manager first, then the agents";
        }
        if (protocol < MIN_PROTOCOL) {
            return "the agent speaks " + who + ", older than this manager's " + MIN_PROTOCOL + ".." + PROTOCOL
                    + ": upgrade the agent";
        }
        return null;
    }

    @Override
    public String type() {
        return ManagerProtocol.HELLO;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode h = Json.object().put("type", type()).put("protocol", protocol);
        if (software != null) {
            h.put("software", software);
        }
        h.put("hostId", hostId).put("role", role).put("generation", generation);
        if (linkAddress != null) {
            h.put("linkAddress", linkAddress);
        }
        if (kernelPath) {
            h.put("kernelPath", true);
        }
        if (insecure) {
            h.put("insecure", true).put("token", token);
        }
        inventory.write(h);
        return h;
    }

    /** The longest {@code software} kept: a longer one is cut there, and characters outside printable ASCII become '?'. */
    public static final int MAX_SOFTWARE = 64;

    static String software(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_SOFTWARE));
        for (int i = 0; i < text.length() && i < MAX_SOFTWARE; i++) {
            char c = text.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    /**
     * Reads it ({@code software} bounded, see {@link #MAX_SOFTWARE}): a missing role is host's, a missing generation -1, missing lists empty.
     *
     * @throws IllegalArgumentException a network or address of its inventory that is not valid
     */
    public static Hello read(JsonNode msg) {
        Inventory i = Inventory.read(msg);
        Inventory inventory = new Inventory(i.networks() == null ? java.util.List.of() : i.networks(),
                i.macs() == null ? java.util.List.of() : i.macs(), i.macsOmitted(),
                i.vms() == null ? java.util.List.of() : i.vms(), i.badVms(), i.badVmsOmitted());
        return new Hello(msg.path("protocol").asInt(0), software(msg.path("software").asText(null)), msg.path("hostId").asText(),
                msg.path("role").asText("host"), msg.path("generation").asLong(-1), msg.path("linkAddress").asText(null),
                msg.path("kernelPath").asBoolean(false), msg.path("insecure").asBoolean(false),
                msg.path("token").asText(null), inventory);
    }
}
