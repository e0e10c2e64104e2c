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
    /** In a cluster: the store's fenced writes, and the fence this manager holds for a network (empty: not its). */
    private final io.vnet.manager.store.ClusterStore cluster;
    private final java.util.function.Function<NetworkId, java.util.Optional<io.vnet.manager.store.Fence>> fences;
    private final java.util.concurrent.atomic.LongAdder fenced = new java.util.concurrent.atomic.LongAdder();

    StoreLoopRecords(AdaptationStore store) {
        this(store, null, null);
    }

    /**
     * In a cluster: a decision is written under this manager's lease of its network, and refused (logged,
     * counted) when the lease moved on: a manager paused past its lease writes nothing for a network it lost.
     */
    StoreLoopRecords(AdaptationStore store, io.vnet.manager.store.ClusterStore cluster,
                     java.util.function.Function<NetworkId, java.util.Optional<io.vnet.manager.store.Fence>> fences) {
        this.store = store;
        this.cluster = cluster;
        this.fences = fences;
    }

    /** Decisions the database refused because this manager's lease of their network had moved on. */
    long fenced() {
        return fenced.sum();
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
        DecisionRecord record = new DecisionRecord(network.vni(), d.decision().id(), d.decision().time(), doc.toString(),
                d.decision().applied());
        try {
            if (cluster == null) {
                store.putDecision(record);
                return;
            }
            java.util.Optional<io.vnet.manager.store.Fence> fence = fences.apply(network);
            if (fence.isEmpty()) {
                fenced.increment();
                LOG.log(Level.ERROR, "decision " + d.decision().id() + " of network " + network + " not stored: this"
                        + " manager no longer owns the network");
                return;
            }
            cluster.putDecision(fence.get(), record);
        } catch (io.vnet.manager.store.FencedException e) {
            fenced.increment();
            LOG.log(Level.ERROR, "decision " + d.decision().id() + " of network " + network + " not stored: "
                    + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "storing decision " + d.decision().id() + " of network " + network + ": " + e.getMessage());
        }
    }

    @Override
    public Map<NetworkId, Settings> loadSettings() {
        Map<NetworkId, Settings> out = new LinkedHashMap<>();
        for (AdaptationSetting s : store.adaptationSettings()) {
            read(s).ifPresent(v -> out.put(NetworkId.of(s.vni()), v));
        }
        return out;
    }

    @Override
    public java.util.Optional<Settings> loadSettings(NetworkId network) {
        return store.adaptationSetting(network.vni()).flatMap(StoreLoopRecords::read);
    }

    /** A stored document's settings; one that cannot be read is logged and left out. */
    private static java.util.Optional<Settings> read(AdaptationSetting s) {
        try {
            return java.util.Optional.of(AdaptationJson.settings(Json.MAPPER.readTree(s.document()), Settings.defaults()));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            LOG.log(Level.ERROR, "stored adaptation settings of network " + s.vni() + " ignored: " + e.getMessage());
            return java.util.Optional.empty();
        }
    }

    @Override
    public List<Stored> loadDecisions(NetworkId network, int limit) {
        List<Stored> out = new ArrayList<>();
        for (DecisionRecord r : store.decisions(network.vni(), limit)) {
            read(network, r).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public java.util.Optional<Stored> latestApplied(NetworkId network) {
        return store.latestAppliedDecision(network.vni()).flatMap(r -> read(network, r));
    }

    /** A stored decision; one that cannot be read is logged and left out. */
    private static java.util.Optional<Stored> read(NetworkId network, DecisionRecord r) {
        try {
            JsonNode doc = Json.MAPPER.readTree(r.document());
            return java.util.Optional.of(new Stored(AdaptationJson.decision(doc), overlay(doc.path("overlayBefore")),
                    overlay(doc.path("overlayAfter"))));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.log(Level.ERROR, "stored decision " + r.id() + " of network " + network + " ignored: " + e.getMessage());
            return java.util.Optional.empty();
        }
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
