package io.vnet.manager.adapt;

import io.vnet.api.NetworkId;

/** Keeps a network's decisions: the newest {@link AdaptationLoop#KEEP} in memory, every change in the records. */
final class DecisionLog {
    private final LoopRecords records;

    DecisionLog(LoopRecords records) {
        this.records = records;
    }

    void put(NetworkId network, NetworkState s, LoopRecords.Stored d) {
        s.decisions.put(d.decision().id(), d);
        while (s.decisions.size() > AdaptationLoop.KEEP) {
            s.decisions.pollFirstEntry();
        }
        records.decision(network, d);
    }

    /** {@code s} with {@code note} on its decision. */
    static LoopRecords.Stored withNote(LoopRecords.Stored s, String note) {
        return new LoopRecords.Stored(s.decision().withNote(note), s.before(), s.after());
    }
}
