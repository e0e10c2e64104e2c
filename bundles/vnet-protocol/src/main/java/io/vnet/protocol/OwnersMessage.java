package io.vnet.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.Ids;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The manager's {@value ManagerProtocol#OWNERS} message: per network, the host each registered
 * VM's address is on. Written within the protocol's bounds and read defensively: an entry that is
 * not a unicast address on a valid host id, a network listed twice, and whatever passes the bounds
 * are skipped and counted, never thrown.
 */
public final class OwnersMessage {
    /** How many reasons for skipped entries a reading keeps (the count covers all). */
    static final int MAX_ERRORS = 8;

    private OwnersMessage() {
    }

    /** What a reading found: owners per network, how many entries were skipped, and why (the first few). */
    public record Read(Map<NetworkId, Map<MacAddress, String>> owners, int skipped, List<String> errors) {
    }

    /**
     * The message for {@code owners} (per network, address → host id), listing at most the
     * protocol's bounds in iteration order; {@code omitted} counts the rest.
     */
    public static ObjectNode write(Map<NetworkId, Map<MacAddress, String>> owners) {
        ObjectNode m = Json.object().put("type", ManagerProtocol.OWNERS);
        ArrayNode nets = m.putArray("networks");
        int total = 0;
        long omitted = 0;
        for (Map.Entry<NetworkId, Map<MacAddress, String>> n : owners.entrySet()) {
            ObjectNode net = nets.addObject().put("vni", n.getKey().vni());
            ArrayNode list = net.putArray("owners");
            for (Map.Entry<MacAddress, String> e : n.getValue().entrySet()) {
                if (list.size() >= ManagerProtocol.MAX_OWNERS_PER_NETWORK || total >= ManagerProtocol.MAX_OWNERS) {
                    omitted++;
                    continue;
                }
                list.addObject().put("mac", e.getKey().toString()).put("host", e.getValue());
                total++;
            }
        }
        m.put("omitted", omitted);
        return m;
    }

    /** Reads a message as {@link #write} makes it; never throws on its content. */
    public static Read read(JsonNode msg) {
        Map<NetworkId, Map<MacAddress, String>> out = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        int[] skipped = {0};
        JsonNode nets = msg == null ? null : msg.get("networks");
        if (nets == null || !nets.isArray()) {
            skip(errors, skipped, "networks: expected an array");
            return new Read(out, skipped[0], errors);
        }
        int total = 0;
        for (int i = 0; i < nets.size(); i++) {
            JsonNode net = nets.get(i);
            NetworkId vni;
            try {
                vni = NetworkId.of(net.path("vni").isInt() ? net.path("vni").asInt() : -1);
            } catch (IllegalArgumentException e) {
                skip(errors, skipped, "networks[" + i + "].vni: " + e.getMessage());
                continue;
            }
            if (out.containsKey(vni)) {
                skip(errors, skipped, "networks[" + i + "]: network " + vni + " is listed twice");
                continue;
            }
            JsonNode list = net.path("owners");
            if (!list.isArray()) {
                skip(errors, skipped, "networks[" + i + "].owners: expected an array");
                continue;
            }
            Map<MacAddress, String> owners = new LinkedHashMap<>();
            for (int j = 0; j < list.size(); j++) {
                if (owners.size() >= ManagerProtocol.MAX_OWNERS_PER_NETWORK || total >= ManagerProtocol.MAX_OWNERS) {
                    skip(errors, skipped, "networks[" + i + "]: more owners than the protocol allows");
                    skipped[0] += list.size() - j - 1;
                    break;
                }
                JsonNode o = list.get(j);
                try {
                    MacAddress mac = MacAddress.parse(o.path("mac").isTextual() ? o.path("mac").asText() : "");
                    if (mac.isGroup()) {
                        throw new IllegalArgumentException("a group address belongs to no VM");
                    }
                    String host = Ids.check("host id", o.path("host").isTextual() ? o.path("host").asText() : "");
                    if (owners.putIfAbsent(mac, host) != null) {
                        throw new IllegalArgumentException(mac + " is listed twice");
                    }
                    total++;
                } catch (IllegalArgumentException e) {
                    skip(errors, skipped, "networks[" + i + "].owners[" + j + "]: " + e.getMessage());
                }
            }
            out.put(vni, owners);
        }
        return new Read(out, skipped[0], errors);
    }

    private static void skip(List<String> errors, int[] skipped, String why) {
        skipped[0]++;
        if (errors.size() < MAX_ERRORS) {
            errors.add(why);
        }
    }
}
