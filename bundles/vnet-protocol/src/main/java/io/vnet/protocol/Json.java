package io.vnet.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.Endpoint;
import io.vnet.api.ForwardingRule;
import io.vnet.api.Ids;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.LanSpec;
import io.vnet.api.LinkSpec;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.api.PortStats;
import io.vnet.api.QuietLink;
import io.vnet.api.RuleTarget;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * VNET's model as JSON. Readers take the node and its path in the document and throw
 * {@link IllegalArgumentException} with a message like
 * {@code links[1].connect: invalid endpoint 'x': expected HOST:PORT}.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    // ---- reading -------------------------------------------------------------------------

    /** Rejects fields not in {@code known}, so that a typo is an error, not a silent default. */
    public static void onlyFields(JsonNode node, String path, Set<String> known) {
        if (!node.isObject()) {
            throw new IllegalArgumentException((path.isEmpty() ? "" : path + ": ") + "expected an object, got " + node.getNodeType().name().toLowerCase());
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new IllegalArgumentException(at(path, f) + ": unknown field (expected one of " + String.join(", ", known) + ")");
            }
        }
    }

    public static String at(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    public static String text(JsonNode node, String path, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(at(path, field) + ": required, expected a string");
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(at(path, field) + ": expected a string, got " + v);
        }
        return v.asText();
    }

    public static String optText(JsonNode node, String path, String field, String dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(at(path, field) + ": expected a string, got " + v);
        }
        return v.asText();
    }

    /** The number {@code node.field} in {@code min..max}; {@code dflt} when absent or null. */
    public static double number(JsonNode node, String path, String field, double dflt, double min, double max) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) {
            throw new IllegalArgumentException(at(path, field) + ": expected a number " + min + ".." + max + ", got " + n);
        }
        return n.asDouble();
    }

    public static int integer(JsonNode node, String path, String field, int min, int max, Integer dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                throw new IllegalArgumentException(at(path, field) + ": required, expected an integer " + min + ".." + max);
            }
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw new IllegalArgumentException(at(path, field) + ": expected an integer " + min + ".." + max + ", got " + v);
        }
        return v.asInt();
    }

    public static boolean bool(JsonNode node, String path, String field, boolean dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(at(path, field) + ": expected true or false, got " + v);
        }
        return v.asBoolean();
    }

    /** Runs {@code parse} and prefixes any validation error with the field's path. */
    public static <T> T field(String path, String field, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at(path, field) + ": " + e.getMessage(), e);
        }
    }

    public static final Set<String> LINK_FIELDS = Set.of("id", "peer", "connect", "flood", "transport", "vnis",
            "unauthenticated");

    public static LinkSpec link(JsonNode n, String path) {
        onlyFields(n, path, LINK_FIELDS);
        String id = text(n, path, "id");
        field(path, "id", () -> Ids.check("link id", id));
        String peer = text(n, path, "peer");
        field(path, "peer", () -> Ids.check("peer host id", peer));
        String transport = optText(n, path, "transport", "tcp").toLowerCase();
        LinkSpec.Transport t = switch (transport) {
            case "tcp" -> LinkSpec.Transport.TCP;
            case "vxlan" -> LinkSpec.Transport.VXLAN;
            default -> throw new IllegalArgumentException(at(path, "transport") + ": '" + transport
                    + "' is not supported (expected tcp or vxlan)");
        };
        String connect = optText(n, path, "connect", null);
        Endpoint ep = connect == null ? null : field(path, "connect", () -> Endpoint.parse(connect));
        JsonNode floodNode = n.get("flood");
        boolean floodArray = floodNode != null && floodNode.isArray();
        boolean flood = !floodArray && bool(n, path, "flood", false);
        List<NetworkId> flooded = floodArray ? networks(n, path, "flood", LinkSpec.MAX_NETWORKS) : null;
        boolean unauthenticated = bool(n, path, "unauthenticated", false);
        if (t == LinkSpec.Transport.VXLAN && !unauthenticated) {
            throw new IllegalArgumentException(at(path, "unauthenticated") + ": link " + id + " is a VXLAN link, and VXLAN"
                    + " cannot be authenticated (anyone who can send from the peer's address can inject frames): set"
                    + " \"unauthenticated\": true on it to accept that, or use a TCP link with mutual TLS");
        }
        if (t == LinkSpec.Transport.TCP && unauthenticated) {
            throw new IllegalArgumentException(at(path, "unauthenticated") + ": only a VXLAN link is unauthenticated; a"
                    + " TCP link is as authenticated as the daemon (\"tls\", or \"insecure\": true)");
        }
        List<NetworkId> vnis = networks(n, path, "vnis", LinkSpec.MAX_NETWORKS);
        if (vnis.isEmpty()) {
            throw new IllegalArgumentException(at(path, "vnis") + ": link " + id + " names no network: list the VNIs"
                    + " it carries, e.g. \"vnis\": [100]");
        }
        return field(path, t == LinkSpec.Transport.VXLAN && ep == null ? "connect" : flooded != null ? "flood" : "id",
                () -> flooded != null ? new LinkSpec(id, peer, t, ep, flooded, vnis) : new LinkSpec(id, peer, t, ep, flood, vnis));
    }

    /** An array of at most {@code max} VNIs at {@code field}; empty when the field is absent. */
    public static List<NetworkId> networks(JsonNode node, String path, String field, int max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(at(path, field) + ": expected an array of VNIs, got " + v.getNodeType()
                    .name().toLowerCase());
        }
        if (v.size() > max) {
            throw new IllegalArgumentException(at(path, field) + ": " + v.size() + " VNIs, at most " + max);
        }
        List<NetworkId> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt() || e.asInt() < 1 || e.asInt() > NetworkId.MAX_VNI) {
                throw new IllegalArgumentException(at(path, field) + "[" + i + "]: expected a VNI 1.." + NetworkId.MAX_VNI
                        + ", got " + e);
            }
            out.add(NetworkId.of(e.asInt()));
        }
        return out;
    }

    public static final Set<String> QUIET_FIELDS = Set.of("link", "vnis");

    /** At most this many quiet links in one desired state (an agent has no more links than this in its file). */
    public static final int MAX_QUIET = 4096;

    /** A {@link QuietLink}: {@code {"link": ID, "vnis": [...]}}. */
    public static QuietLink quiet(JsonNode n, String path) {
        onlyFields(n, path, QUIET_FIELDS);
        String link = text(n, path, "link");
        field(path, "link", () -> Ids.check("link id", link));
        List<NetworkId> vnis = networks(n, path, "vnis", LinkSpec.MAX_NETWORKS);
        return field(path, "vnis", () -> new QuietLink(link, vnis));
    }

    /** The quiet links of a JSON array at {@code field} (none when it is absent); the first bad one is an error naming it. */
    public static List<QuietLink> quietLinks(JsonNode array, String field) {
        requireQuiet(array, field);
        List<QuietLink> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            out.add(quiet(array.get(i), field + "[" + i + "]"));
        }
        return out;
    }

    /** Refuses a {@code quiet} field that is neither an array nor missing, or longer than {@link #MAX_QUIET}. */
    public static void requireQuiet(JsonNode array, String field) {
        requireArray(array, field);
        if (array.size() > MAX_QUIET) {
            throw new IllegalArgumentException(field + ": " + array.size() + " links, at most " + MAX_QUIET);
        }
    }

    public static ObjectNode write(QuietLink q) {
        ObjectNode o = object().put("link", q.link());
        ArrayNode v = o.putArray("vnis");
        for (int vni : q.vnis()) {
            v.add(vni);
        }
        return o;
    }

    public static final Set<String> RULE_FIELDS = Set.of("vni", "src", "dst", "to");

    public static ForwardingRule rule(JsonNode n, String path) {
        onlyFields(n, path, RULE_FIELDS);
        ForwardingRule.Key key = ruleKey(n, path, false);
        String to = text(n, path, "to");
        RuleTarget target = field(path, "to", () -> RuleTarget.parse(to));
        return field(path, "src", () -> new ForwardingRule(key.network(), key.src(), key.dst(), target));
    }

    public static ForwardingRule.Key ruleKey(JsonNode n, String path, boolean strict) {
        if (strict) {
            onlyFields(n, path, Set.of("vni", "src", "dst"));
        }
        NetworkId vni = NetworkId.of(integer(n, path, "vni", 1, NetworkId.MAX_VNI, null));
        String src = optText(n, path, "src", "any");
        String dst = optText(n, path, "dst", "any");
        MacMatch s = field(path, "src", () -> MacMatch.parse(src));
        MacMatch d = field(path, "dst", () -> MacMatch.parse(dst));
        return new ForwardingRule.Key(vni, s, d);
    }

    /** Refuses a node that is neither an array nor missing (an object's size would be taken for its length). */
    public static void requireArray(JsonNode node, String field) {
        if (node != null && !node.isMissingNode() && !node.isNull() && !node.isArray()) {
            throw new IllegalArgumentException(field + ": expected an array, got " + node.getNodeType().name().toLowerCase());
        }
    }

    /** The links of a JSON array at {@code field} (e.g. "links"); the first bad one is an error naming it. */
    public static List<LinkSpec> links(JsonNode array, String field) {
        requireArray(array, field);
        List<LinkSpec> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            out.add(link(array.get(i), field + "[" + i + "]"));
        }
        return out;
    }

    /** The rules of a JSON array at {@code field} (e.g. "rules"); the first bad one is an error naming it. */
    public static List<ForwardingRule> rules(JsonNode array, String field) {
        requireArray(array, field);
        List<ForwardingRule> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            out.add(rule(array.get(i), field + "[" + i + "]"));
        }
        return out;
    }

    // ---- writing -------------------------------------------------------------------------

    /** {@code {"links": [...], "rules": [...]}}: a desired state's content. */
    public static ObjectNode writeLinksAndRules(List<LinkSpec> links, List<ForwardingRule> rules) {
        return writeState(links, rules, List.of());
    }

    /** {@code {"links": [...], "rules": [...], "quiet": [...]}}: a desired state's content ({@code quiet} only when there are some). */
    public static ObjectNode writeState(List<LinkSpec> links, List<ForwardingRule> rules, List<QuietLink> quiet) {
        ObjectNode o = object();
        if (!quiet.isEmpty()) {
            ArrayNode q = o.putArray("quiet");
            quiet.forEach(x -> q.add(write(x)));
        }
        ArrayNode l = o.putArray("links");
        links.forEach(x -> l.add(write(x)));
        ArrayNode r = o.putArray("rules");
        rules.forEach(x -> r.add(write(x)));
        return o;
    }

    public static ObjectNode write(LinkSpec l) {
        ObjectNode o = object().put("id", l.id()).put("peer", l.peerHost()).put("transport", l.transport().name().toLowerCase());
        if (l.connect() != null) {
            o.put("connect", l.connect().toString());
        }
        if (!l.flood() || l.floodsAll()) {
            o.put("flood", l.flood());
        } else {
            ArrayNode f = o.putArray("flood");
            l.flooded().forEach(n -> f.add(n.vni()));
        }
        if (l.isVxlan()) {
            o.put("unauthenticated", true);
        }
        ArrayNode v = o.putArray("vnis");
        for (int vni : l.vnis()) {
            v.add(vni);
        }
        return o;
    }

    public static ObjectNode write(ForwardingRule r) {
        return object().put("vni", r.network().vni()).put("src", r.src().toString())
                .put("dst", r.dst().toString()).put("to", r.target().toString());
    }

    public static ObjectNode write(InterfaceSpec i) {
        ObjectNode o = object().put("id", i.id()).put("vni", i.network().vni());
        if (i.bridge() != null) {
            o.put("bridge", i.bridge());
        }
        return o.put("mtu", i.mtu());
    }

    /** A proxy's LAN device, as {@code if list} shows it: kind pcap, the device as its id. */
    public static ObjectNode write(LanSpec l) {
        return object().put("kind", "pcap").put("id", l.device()).put("vni", l.network().vni()).put("mtu", l.mtu());
    }

    public static ObjectNode write(PairCount p) {
        return object().put("vni", p.network().vni()).put("src", p.src().toString()).put("dst", p.dst().toString())
                .put("frames", p.frames()).put("bytes", p.bytes()).put("sameHost", p.sameHost());
    }

    public static ObjectNode write(PortStats s) {
        ObjectNode o = object().put("kind", s.kind()).put("id", s.id()).put("state", s.state()).put("peer", s.peer())
                .put("framesIn", s.framesIn()).put("bytesIn", s.bytesIn())
                .put("framesOut", s.framesOut()).put("bytesOut", s.bytesOut());
        ObjectNode d = o.putObject("drops");
        s.drops().forEach(d::put);
        return o;
    }
}
