package io.vnet.protocol.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.api.UnpairedTraffic;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import java.util.ArrayList;
import java.util.List;

/**
 * Agent → manager {@value ManagerProtocol#REPORT}, every interval: the counts of the interval
 * ({@code pairs[]}: at most {@value ManagerProtocol#MAX_REPORT_PAIRS}, the largest by bytes;
 * {@code rest[]}: per network, the traffic not named in {@code pairs}; {@code refusedPairs}: an
 * estimate of the pairs the agent's bounded counters refused), its {@link Inventory}, and its
 * links as measured ({@code links[]}, null when not sent).
 *
 * @param intervalMs the interval the counts cover (null when the report does not say)
 * @param skipped    entries of {@code pairs[]} and {@code rest[]} that were not valid (skipped when read)
 */
public record Report(String hostId, long seq, Long intervalMs, List<PairCount> pairs, List<UnpairedTraffic> rest,
                     long refusedPairs, int skipped, Inventory inventory, List<LinkReport> links) implements AgentMessage {
    public Report {
        pairs = List.copyOf(pairs);
        rest = List.copyOf(rest);
        links = links == null ? null : List.copyOf(links);
    }

    /**
     * A link as the agent measured it over the interval.
     *
     * @param vnis the networks it carries (empty when the agent's list was missing or not valid)
     */
    public record LinkReport(String id, String peer, String transport, boolean up, long rttMicros, long minRttMicros,
                             long outBitsPerSecond, long inBitsPerSecond, List<NetworkId> vnis) {
        public LinkReport {
            vnis = List.copyOf(vnis);
        }
    }

    @Override
    public String type() {
        return ManagerProtocol.REPORT;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode r = Json.object().put("type", type()).put("hostId", hostId).put("seq", seq);
        if (intervalMs != null) {
            r.put("intervalMs", intervalMs);
        }
        ArrayNode ps = r.putArray("pairs");
        for (PairCount p : pairs) {
            ps.addObject().put("vni", p.network().vni()).put("src", p.src().toString()).put("dst", p.dst().toString())
                    .put("frames", p.frames()).put("bytes", p.bytes()).put("sameHost", p.sameHost());
        }
        ArrayNode rs = r.putArray("rest");
        rest.forEach(u -> rs.addObject().put("vni", u.network().vni()).put("pairs", u.pairs()).put("frames", u.frames())
                .put("bytes", u.bytes()));
        r.put("refusedPairs", refusedPairs);
        inventory.write(r);
        if (links != null) {
            ArrayNode ls = r.putArray("links");
            for (LinkReport l : links) {
                ObjectNode o = ls.addObject().put("id", l.id()).put("peer", l.peer()).put("transport", l.transport())
                        .put("up", l.up()).put("rttMicros", l.rttMicros()).put("minRttMicros", l.minRttMicros())
                        .put("outBitsPerSecond", l.outBitsPerSecond()).put("inBitsPerSecond", l.inBitsPerSecond());
                ArrayNode v = o.putArray("vnis");
                l.vnis().forEach(n -> v.add(n.vni()));
            }
        }
        return r;
    }

    /**
     * Reads it. Pairs and rest entries that are not valid (a bad address, a negative count) are
     * skipped and counted; links without an id are skipped.
     *
     * @throws IllegalArgumentException a network or address of its inventory that is not valid
     */
    public static Report read(JsonNode msg) {
        int skipped = 0;
        List<PairCount> pairs = new ArrayList<>();
        for (JsonNode p : msg.path("pairs")) {
            try {
                pairs.add(new PairCount(NetworkId.of(p.path("vni").asInt()), MacAddress.parse(p.path("src").asText()),
                        MacAddress.parse(p.path("dst").asText()), p.path("frames").asLong(), p.path("bytes").asLong(),
                        p.path("sameHost").asBoolean()));
            } catch (IllegalArgumentException e) {
                skipped++;
            }
        }
        List<UnpairedTraffic> rest = new ArrayList<>();
        for (JsonNode r : msg.path("rest")) {
            try {
                rest.add(new UnpairedTraffic(NetworkId.of(r.path("vni").asInt()), r.path("pairs").asLong(),
                        r.path("frames").asLong(), r.path("bytes").asLong()));
            } catch (IllegalArgumentException e) {
                skipped++;
            }
        }
        List<LinkReport> links = null;
        if (msg.has("links")) {
            links = new ArrayList<>();
            for (JsonNode l : msg.path("links")) {
                if (!l.path("id").isTextual()) {
                    continue;
                }
                links.add(new LinkReport(l.path("id").asText(), l.path("peer").asText(), l.path("transport").asText("tcp"),
                        l.path("up").asBoolean(), l.path("rttMicros").asLong(-1), l.path("minRttMicros").asLong(-1),
                        l.path("outBitsPerSecond").asLong(0), l.path("inBitsPerSecond").asLong(0), carried(l)));
            }
        }
        JsonNode interval = msg.path("intervalMs");
        return new Report(msg.path("hostId").asText(), msg.path("seq").asLong(0),
                interval.isNumber() ? interval.asLong() : null, pairs, rest, Math.max(0, msg.path("refusedPairs").asLong()),
                skipped, Inventory.read(msg), links);
    }

    /** The networks a reported link carries; none when the list is missing or not valid. */
    private static List<NetworkId> carried(JsonNode link) {
        try {
            return Json.networks(link, "links", "vnis", io.vnet.api.LinkSpec.MAX_NETWORKS);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }
}
