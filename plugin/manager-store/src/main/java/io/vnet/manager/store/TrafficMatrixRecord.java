package io.vnet.manager.store;

import java.time.Instant;

/**
 * A network's traffic matrix at one time, as VTTIF aggregated it.
 *
 * @param vni the network
 * @param time the end of the interval it covers
 * @param document the matrix as JSON, e.g. {@code [{"src":"..","dst":"..","bytes":n}]}
 */
public record TrafficMatrixRecord(int vni, Instant time, String document) {
    public TrafficMatrixRecord {
        Checks.vni("vni", vni);
        time = Checks.time("time", time);
        Checks.json("document", document);
    }
}
