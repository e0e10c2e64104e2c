package io.vnet.manager.store;

import java.time.Instant;

/**
 * The closed loop's settings for one network.
 *
 * @param vni       the network
 * @param document  the settings as JSON (mode, algorithm, migrations)
 * @param updatedAt when they were set
 */
public record AdaptationSetting(int vni, String document, Instant updatedAt) {
    public AdaptationSetting {
        Checks.vni("vni", vni);
        Checks.json("document", document);
        updatedAt = Checks.time("updatedAt", updatedAt);
    }
}
