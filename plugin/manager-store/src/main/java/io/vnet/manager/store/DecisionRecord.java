package io.vnet.manager.store;

import java.time.Instant;

/**
 * One decision of the closed loop for a network.
 *
 * @param vni      the network
 * @param id       its number within the network (increasing)
 * @param time     when it was taken
 * @param document the decision as JSON (trigger, recommendation, applied, realised gain)
 * @param applied  whether it was applied (the newest applied one says what is installed; pruning keeps it)
 */
public record DecisionRecord(int vni, long id, Instant time, String document, boolean applied) {
    public DecisionRecord {
        Checks.vni("vni", vni);
        if (id < 1) {
            throw new IllegalArgumentException("id: " + id + " is not a decision number (>= 1)");
        }
        time = Checks.time("time", time);
        Checks.json("document", document);
    }

    /** A decision not applied. */
    public DecisionRecord(int vni, long id, Instant time, String document) {
        this(vni, id, time, document, false);
    }
}
