package io.vnet.manager.adapt;

import io.vnet.api.NetworkId;
import io.vnet.manager.AdaptationService.Decision;
import io.vnet.manager.AdaptationService.Settings;
import java.util.List;
import java.util.Map;

/** What the closed loop keeps across restarts: settings per network, and decisions with the overlays around them. */
interface LoopRecords {
    /** A decision with the network's managed overlay before and after it (empty if it changed nothing). */
    record Stored(Decision decision, Rollout.Installed before, Rollout.Installed after) {
    }

    void settings(NetworkId network, Settings settings);

    void decision(NetworkId network, Stored decision);

    Map<NetworkId, Settings> loadSettings();

    /** One network's saved settings, if it has any. */
    default java.util.Optional<Settings> loadSettings(NetworkId network) {
        return java.util.Optional.ofNullable(loadSettings().get(network));
    }

    /** The network's newest decisions, newest first. */
    List<Stored> loadDecisions(NetworkId network, int limit);

    /**
     * The network's newest applied decision, however many decisions not applied came after it (it says what the
     * loop installed), if it has one. By default, the newest among the newest {@link AdaptationLoop#KEEP}.
     */
    default java.util.Optional<Stored> latestApplied(NetworkId network) {
        return loadDecisions(network, AdaptationLoop.KEEP).stream().filter(d -> d.decision().applied()).findFirst();
    }

    /** Keeps nothing. */
    LoopRecords NONE = new LoopRecords() {
        @Override
        public void settings(NetworkId network, Settings settings) {
        }

        @Override
        public void decision(NetworkId network, Stored decision) {
        }

        @Override
        public Map<NetworkId, Settings> loadSettings() {
            return Map.of();
        }

        @Override
        public List<Stored> loadDecisions(NetworkId network, int limit) {
            return List.of();
        }
    };
}
