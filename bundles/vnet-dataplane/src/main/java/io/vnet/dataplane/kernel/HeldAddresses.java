package io.vnet.dataplane.kernel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vnet.api.MacAddress;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The addresses the bridges have on VM ports, from {@code bridge -j fdb show}: what the kernel
 * path holds against claims from links (see {@link KernelLinks#holds}). The listing's addresses
 * come from tenants' frames, so it is read defensively: entries that are not learned on a bridge
 * port of a network this host carries, or whose port is a link or the agent's TAP, are skipped;
 * anything malformed is counted and skipped; at most {@code cap} addresses per network are kept
 * (the lowest), the rest counted.
 */
public final class HeldAddresses {
    /** The most addresses held per network (a VM flooding random sources cannot grow the sets further). */
    public static final int CAP = 16_384;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Per network the held addresses, sorted; entries beyond the cap; entries that could not be read. */
    public record Result(Map<Integer, long[]> held, long overCap, long malformed) {
    }

    private HeldAddresses() {
    }

    /**
     * @param json     {@code bridge -j fdb show}'s output
     * @param vniOf    the network of each bridge that has kernel links
     * @param notVms   ports that are no VM's: the kernel links' devices and the agent's TAPs
     */
    public static Result parse(String json, Map<String, Integer> vniOf, Set<String> notVms, int cap) {
        JsonNode root;
        try {
            root = JSON.readTree(json == null ? "" : json);
        } catch (JsonProcessingException e) {
            return new Result(Map.of(), 0, 1);
        }
        Map<Integer, TreeSet<Long>> seen = new TreeMap<>();
        long malformed = 0;
        if (root == null || !root.isArray()) {
            return new Result(Map.of(), 0, root == null || root.isMissingNode() ? 0 : 1);
        }
        for (JsonNode e : root) {
            Integer vni = vniOf.get(e.path("master").asText(""));
            String state = e.path("state").asText("");
            if (vni == null || notVms.contains(e.path("ifname").asText("")) || state.equals("permanent")
                    || state.equals("static") || e.has("flags") && e.path("flags").toString().contains("sticky")) {
                continue;
            }
            long mac;
            try {
                mac = MacAddress.parse(e.path("mac").asText("")).bits();
            } catch (IllegalArgumentException x) {
                malformed++;
                continue;
            }
            seen.computeIfAbsent(vni, k -> new TreeSet<>()).add(mac);
        }
        Map<Integer, long[]> held = new TreeMap<>();
        long over = 0;
        for (Map.Entry<Integer, TreeSet<Long>> e : seen.entrySet()) {
            int n = Math.min(cap, e.getValue().size());
            over += e.getValue().size() - n;
            held.put(e.getKey(), e.getValue().stream().limit(n).mapToLong(Long::longValue).toArray());
        }
        return new Result(held, over, malformed);
    }
}
