package io.vnet.agent.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.LinkSpec;
import io.vnet.dataplane.DataPlane;
import io.vnet.protocol.Json;
import io.vnet.protocol.messages.Members;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The manager's membership links on this agent ({@link Members}): what puts a host that its
 * configuration links nowhere (an enrolled host) on the flooding trees of its networks. They are
 * reconciled like the desired state (removed, changed in place where the connection can stay,
 * added), apart from it, and kept in a file beside the desired state's ({@code STATE.members},
 * fsynced, renamed into place), so a restarted agent is on its trees before the manager answers.
 */
final class MemberLinks {
    private static final System.Logger LOG = System.getLogger(MemberLinks.class.getName());

    private final DataPlane dp;
    private final Path file;
    private final Map<String, LinkSpec> links = new LinkedHashMap<>();

    MemberLinks(DataPlane dp, Path stateFile) {
        this.dp = dp;
        this.file = stateFile == null ? null : stateFile.resolveSibling(stateFile.getFileName() + ".members");
    }

    /** The links of an earlier run's file, if there is one. */
    synchronized void restore() {
        if (file == null || !Files.exists(file)) {
            return;
        }
        try {
            JsonNode saved = Json.MAPPER.readTree(Files.readString(file));
            ObjectNode m = Json.object().put("type", "members");
            m.set("links", saved.path("links"));
            List<String> said = apply(Members.read(m), false);
            LOG.log(Level.INFO, "restored " + links.size() + " membership link(s) from " + file + (said.isEmpty() ? "" : ": " + said));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "cannot restore the membership links " + file + ": " + e.getMessage());
        }
    }

    /** Applies the manager's full set; returns what could not be applied. */
    synchronized List<String> apply(Members members, boolean save) {
        List<String> errors = new ArrayList<>();
        if (members.skipped() > 0) {
            errors.add(members.skipped() + " membership link(s) skipped: not valid, or not named " + Members.PREFIX + "...");
        }
        Map<String, LinkSpec> want = new LinkedHashMap<>();
        members.links().forEach(l -> want.put(l.id(), l));
        for (LinkSpec l : List.copyOf(links.values())) {
            LinkSpec w = want.get(l.id());
            if (l.equals(w)) {
                continue;
            }
            if (w != null && l.sameConnection(w)) {
                try {
                    dp.updateLink(w);
                    links.put(l.id(), w);
                    continue;
                } catch (IllegalArgumentException e) {
                    errors.add("link " + l.id() + ": " + e.getMessage());
                }
            }
            dp.removeLink(l.id());
            links.remove(l.id());
        }
        for (LinkSpec l : want.values()) {
            if (!links.containsKey(l.id())) {
                try {
                    dp.addLink(l);
                    links.put(l.id(), l);
                    LOG.log(Level.INFO, "membership link " + l.id() + " to " + l.peerHost() + " (networks " + l.networks() + ")");
                } catch (IllegalArgumentException e) {
                    errors.add("link " + l.id() + ": " + e.getMessage());
                }
            }
        }
        if (save) {
            save();
        }
        return errors;
    }

    synchronized List<LinkSpec> links() {
        return List.copyOf(links.values());
    }

    private void save() {
        if (file == null) {
            return;
        }
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("links");
        links.values().forEach(l -> a.add(Json.write(l)));
        try {
            DurableFile.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot save the membership links to " + file + ": " + e.getMessage());
        }
    }
}
