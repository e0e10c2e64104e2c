package io.vnet.manager.adapt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.NetworkId;
import io.vnet.manager.AdaptationJson;
import io.vnet.manager.AdaptationService.Settings;
import io.vnet.manager.store.AdaptationSetting;
import io.vnet.manager.store.AdaptationStore;
import io.vnet.manager.store.DecisionRecord;
import io.vnet.protocol.Json;
import io.vnet.vadapt.DaemonConfig;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The closed loop's settings and decisions in the {@link AdaptationStore}. A decision's document is
 * its JSON form (as the REST API shows it) plus the overlays before and after it, so a restarted
 * manager knows what it installed and what a rollback restores. A database error is logged; the
 * loop goes on.
 */
final class StoreLoopRecords implements LoopRecords {
    private static final System.Logger LOG = System.getLogger(StoreLoopRecords.class.getName());
    private final AdaptationStore store;

    StoreLoopRecords(AdaptationStore store) {
        this.store = store;
    }

    @Override
    public void settings(NetworkId network, Settings settings) {
        try {
            store.putAdaptationSetting(new AdaptationSetting(network.vni(), AdaptationJson.settings(settings).toString(),
                    Instant.now()));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "storing the adaptation settings of network " + network + ": " + e.getMessage());
        }
    }

    @Override
    public void decision(NetworkId network, Stored d) {
        ObjectNode doc = AdaptationJson.decision(d.decision());
        doc.set("overlayBefore", overlay(d.before()));
        doc.set("overlayAfter", overlay(d.after()));
        try {
            store.putDecision(new DecisionRecord(network.vni(), d.decision().id(), d.decision().time(), doc.toString()));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "storing decision " + d.decision().id() + " of network " + network + ": " + e.getMessage());
        }
    }

    @Override
    public Map<NetworkId, Settings> loadSettings() {
        Map<NetworkId, Settings> out = new LinkedHashMap<>();
        for (AdaptationSetting s : store.adaptationSettings()) {
            try {
                out.put(NetworkId.of(s.vni()), AdaptationJson.settings(Json.MAPPER.readTree(s.document()),
                        Settings.defaults()));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                LOG.log(Level.ERROR, "stored adaptation settings of network " + s.vni() + " ignored: " + e.getMessage());
            }
        }
        return out;
    }

    @Override
    public List<Stored> loadDecisions(NetworkId network, int limit) {
        List<Stored> out = new ArrayList<>();
        for (DecisionRecord r : store.decisions(network.vni(), limit)) {
            try {
                JsonNode doc = Json.MAPPER.readTree(r.document());
                out.add(new Stored(AdaptationJson.decision(doc), overlay(doc.path("overlayBefore")),
                        overlay(doc.path("overlayAfter"))));
            } catch (JsonProcessingException | RuntimeException e) {
                LOG.log(Level.ERROR, "stored decision " + r.id() + " of network " + network + " ignored: " + e.getMessage());
            }
        }
        return out;
    }

    static ObjectNode overlay(Rollout.Installed inst) {
        ObjectNode o = Json.object();
        inst.configs().forEach((host, c) -> o.set(host, Json.writeState(c.links(), c.rules(), c.quiet())));
        return o;
    }

    static Rollout.Installed overlay(JsonNode o) {
        Map<String, DaemonConfig> configs = new TreeMap<>();
        o.fields().forEachRemaining(e -> configs.put(e.getKey(), new DaemonConfig(e.getKey(),
                Json.links(e.getValue().path("links"), e.getKey() + ".links"),
                Json.rules(e.getValue().path("rules"), e.getKey() + ".rules"),
                Json.quietLinks(e.getValue().path("quiet"), e.getKey() + ".quiet"))));
        return new Rollout.Installed(configs);
    }
}
