package io.vnet.manager.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.CertIdentity;
import io.vnet.protocol.Json;
import java.util.Map;
import java.util.TreeMap;

/**
 * What managers of a cluster say to each other, on the agents' port with their managers'
 * certificates (the same length-prefixed JSON as the agents'). Each manager dials every other live
 * one and sends on its own connection:
 * <ul>
 *   <li>{@value #HELLO} first: {@code managerId} (its id in the cluster), {@code protocol};</li>
 *   <li>{@value #RELAY}: a message of one of its agents, {@code host} and {@code msg} (the agent's hello,
 *       vms or report, as the agent sent it, a report with only the pairs of the receiver's networks),
 *       or one it makes: {@value #GONE} (the agent left it), {@value #APPLIED} ({@code generation},
 *       {@code parts: {VNI: generation}}, {@code errors[]}: what the agent runs now, by network); a
 *       relayed hello carries the agent's certificate {@code identity {id, role, tenant}}, its
 *       {@code security} and {@code remote} (the address its manager saw it from, without a port);</li>
 *   <li>{@value #PART}: {@code host, vni, generation}: the network's owner wrote a new part of the host's
 *       desired state in the database (the host's manager composes and pushes it).</li>
 * </ul>
 * Everything read is checked: ids as ids, VNIs in range, at most {@value #MAX_PARTS} parts; what
 * does not fit is refused whole ({@link IllegalArgumentException}).
 */
sealed interface PeerMessage {
    String HELLO = "peer-hello";
    String RELAY = "relay";
    String PART = "part";
    String GONE = "gone";
    String APPLIED = "applied";
    /** The version of this protocol. */
    int PROTOCOL = 1;
    /** The most parts an applied message names (a host carries at most this many networks' parts). */
    int MAX_PARTS = 4096;
    /** The most errors an applied message carries on. */
    int MAX_ERRORS = 64;

    ObjectNode toJson();

    /** A manager's first message on its connection. */
    record Hello(String managerId, int protocol) implements PeerMessage {
        @Override
        public ObjectNode toJson() {
            return Json.object().put("type", HELLO).put("managerId", managerId).put("protocol", protocol);
        }
    }

    /**
     * A message of agent {@code host} (or about it), from the manager it is connected to.
     *
     * @param identity with a hello: the agent's certificate, else null
     */
    record Relay(String host, JsonNode msg, CertIdentity identity, String security, String remote) implements PeerMessage {
        @Override
        public ObjectNode toJson() {
            ObjectNode o = Json.object().put("type", RELAY).put("host", host);
            o.set("msg", msg);
            if (identity != null) {
                ObjectNode i = o.putObject("identity").put("id", identity.id()).put("role", identity.role());
                if (identity.tenant() != null) {
                    i.put("tenant", identity.tenant());
                }
            }
            if (security != null) {
                o.put("security", security);
            }
            if (remote != null) {
                o.put("remote", remote);
            }
            return o;
        }

        String type() {
            return msg.path("type").asText();
        }
    }

    /** A network's owner wrote part generation {@code generation} of host {@code host}'s state. */
    record Part(String host, int vni, long generation) implements PeerMessage {
        @Override
        public ObjectNode toJson() {
            return Json.object().put("type", PART).put("host", host).put("vni", vni).put("generation", generation);
        }
    }

    /** A relayed {@value #GONE}: the agent left the manager that relays it. */
    static ObjectNode gone() {
        return Json.object().put("type", GONE);
    }

    /** A relayed {@value #APPLIED}: the agent runs whole generation {@code generation}, which carries these parts. */
    static ObjectNode applied(long generation, Map<Integer, Long> parts, java.util.List<String> errors) {
        ObjectNode o = Json.object().put("type", APPLIED).put("generation", generation);
        ObjectNode p = o.putObject("parts");
        parts.forEach((vni, g) -> p.put(Integer.toString(vni), g));
        errors.stream().limit(MAX_ERRORS).forEach(o.putArray("errors")::add);
        return o;
    }

    /** The parts of a relayed {@value #APPLIED}, checked. */
    static Map<Integer, Long> parts(JsonNode applied) {
        JsonNode p = applied.path("parts");
        if (!p.isObject() || p.size() > MAX_PARTS) {
            throw new IllegalArgumentException("applied.parts: expected an object of at most " + MAX_PARTS + " VNIs");
        }
        Map<Integer, Long> out = new TreeMap<>();
        p.fields().forEachRemaining(e -> {
            int vni = vni(e.getKey(), "applied.parts");
            if (!e.getValue().canConvertToLong() || e.getValue().asLong() < -1) {
                throw new IllegalArgumentException("applied.parts." + vni + ": expected a generation");
            }
            out.put(vni, e.getValue().asLong());
        });
        return out;
    }

    private static int vni(String text, String where) {
        try {
            int v = Integer.parseInt(text);
            io.vnet.api.NetworkId.of(v);
            return v;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": '" + (text.length() > 12 ? text.substring(0, 12) + "..." : text)
                    + "' is not a VNI");
        }
    }

    /** Reads a peer's message; throws {@link IllegalArgumentException} for anything that does not fit. */
    static PeerMessage read(JsonNode m) {
        if (m == null || !m.isObject()) {
            throw new IllegalArgumentException("a peer manager's message must be an object");
        }
        String type = m.path("type").asText();
        switch (type) {
            case HELLO -> {
                String id = io.vnet.api.Ids.check("managerId", m.path("managerId").asText(""));
                if (!m.path("protocol").canConvertToInt()) {
                    throw new IllegalArgumentException("peer-hello.protocol: expected a number");
                }
                return new Hello(id, m.path("protocol").asInt());
            }
            case RELAY -> {
                String host = io.vnet.api.Ids.check("relay.host", m.path("host").asText(""));
                JsonNode msg = m.get("msg");
                if (msg == null || !msg.isObject() || !msg.path("type").isTextual()) {
                    throw new IllegalArgumentException("relay.msg: expected a message object with a type");
                }
                CertIdentity identity = null;
                JsonNode i = m.get("identity");
                if (i != null && !i.isNull()) {
                    identity = new CertIdentity(io.vnet.api.Ids.check("relay.identity.id", i.path("id").asText("")),
                            i.path("role").asText(""), i.hasNonNull("tenant") ? text(i, "tenant", 64) : null, false);
                }
                String security = text(m, "security", 32);
                String remote = text(m, "remote", 128);
                return new Relay(host, msg, identity, security, remote);
            }
            case PART -> {
                String host = io.vnet.api.Ids.check("part.host", m.path("host").asText(""));
                int vni = vni(m.path("vni").asText(""), "part.vni");
                if (!m.path("generation").canConvertToLong()) {
                    throw new IllegalArgumentException("part.generation: expected a number");
                }
                return new Part(host, vni, m.path("generation").asLong());
            }
            default -> throw new IllegalArgumentException("a peer manager sent an unknown message type '"
                    + (type.length() > 20 ? type.substring(0, 20) + "..." : type) + "'");
        }
    }

    private static String text(JsonNode m, String field, int max) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().length() > max) {
            throw new IllegalArgumentException("relay." + field + ": expected text of at most " + max + " characters");
        }
        return v.asText();
    }
}
