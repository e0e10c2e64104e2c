package io.vnet.protocol.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.LinkSpec;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import java.util.ArrayList;
import java.util.List;

/**
 * Manager → agent {@value ManagerProtocol#MEMBERS}: the host's membership links, all of them (it
 * replaces the earlier ones): links that put a host on the flooding tree of a network it carries
 * when its configuration has none there (an enrolled host), each named {@value #PREFIX} and the
 * other daemon's id, flooding its networks. They are apart from the desired state: the closed loop's
 * changes never remove them. {@code links[]} holds at most {@value #MAX_LINKS}; an entry that is not
 * a valid link, or not named {@value #PREFIX}..., is skipped and counted ({@code skipped}).
 */
public record Members(List<LinkSpec> links, int skipped) implements ManagerMessage {
    public static final String PREFIX = "member-";
    public static final int MAX_LINKS = 1_024;

    public Members {
        links = List.copyOf(links);
    }

    public Members(List<LinkSpec> links) {
        this(links, 0);
    }

    @Override
    public String type() {
        return ManagerProtocol.MEMBERS;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode m = Json.object().put("type", type());
        ArrayNode a = m.putArray("links");
        links.forEach(l -> a.add(Json.write(l)));
        return m;
    }

    public static Members read(JsonNode msg) {
        List<LinkSpec> out = new ArrayList<>();
        int skipped = 0;
        JsonNode a = msg.path("links");
        for (int i = 0; i < a.size(); i++) {
            if (out.size() >= MAX_LINKS) {
                skipped += a.size() - i;
                break;
            }
            try {
                LinkSpec l = Json.link(a.get(i), "links[" + i + "]");
                if (l.id().startsWith(PREFIX)) {
                    out.add(l);
                } else {
                    skipped++;
                }
            } catch (IllegalArgumentException e) {
                skipped++;
            }
        }
        return new Members(out, skipped);
    }
}
