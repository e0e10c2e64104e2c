package io.vnet.manager.agents;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.manager.DesiredState;
import io.vnet.manager.store.Host;
import io.vnet.manager.store.InventoryStore;
import io.vnet.protocol.Json;
import java.lang.System.Logger.Level;
import java.util.List;

/** Brings back, after a manager restart, the desired state of every host the store knows. */
final class Restore {
    private static final System.Logger LOG = System.getLogger(Restore.class.getName());

    private Restore() {
    }

    /** Restores the desired states into {@code sessions}; returns the highest generation found. */
    static long desiredStates(InventoryStore store, AgentSessions sessions) {
        long max = 0;
        int n = 0;
        for (Host h : store.hosts()) {
            var saved = store.desiredState(h.hostId());
            if (saved.isEmpty()) {
                continue;
            }
            try {
                JsonNode doc = Json.MAPPER.readTree(saved.get().document());
                List<LinkSpec> links = Json.links(doc.path("links"), "links");
                List<ForwardingRule> rules = Json.rules(doc.path("rules"), "rules");
                List<io.vnet.api.QuietLink> quiet = Json.quietLinks(doc.path("quiet"), "quiet");
                sessions.restore(new DesiredState(h.hostId(), saved.get().generation(), links, rules, quiet));
                max = Math.max(max, saved.get().generation());
                n++;
            } catch (Exception e) {
                LOG.log(Level.ERROR, "cannot restore the desired state of " + h.hostId() + ": " + e.getMessage());
            }
        }
        if (n > 0) {
            LOG.log(Level.INFO, "restored the desired state of " + n + " host(s) from the store");
        }
        return max;
    }
}
