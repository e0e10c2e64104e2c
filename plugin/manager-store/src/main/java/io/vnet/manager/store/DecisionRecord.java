package io.vnet.manager.store;

import java.time.Instant;

/**
 * One decision of the closed loop for a network.
 *
 * @param vni      the network
 * @param id       its number within the network (increasing)
 * @param time     when it was taken
 * @param document the decision as JSON (trigger, recommendation, applied, realised gain)
 */
public record DecisionRecord(int vni, long id, Instant time, String document) {
    public DecisionRecord {
        Checks.vni("vni", vni);
        if (id < 1) {
            throw new IllegalArgumentException("id: " + id + " is not a decision number (>= 1)");
        }
        time = Checks.time("time", time);
        Checks.json("document", document);
    }
}
