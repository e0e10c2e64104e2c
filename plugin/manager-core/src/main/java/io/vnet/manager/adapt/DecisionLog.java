package io.vnet.manager.adapt;

import io.vnet.api.NetworkId;

/**
 * Keeps a network's decisions: the newest {@link AdaptationLoop#KEEP} in memory, every change in the
 * records; and counts, per network, what the changes were ({@link Counts}: for the metrics).
 */
final class DecisionLog {
    private final LoopRecords records;
    private final java.util.Map<NetworkId, Counts> counts = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A network's decisions since the manager started: recorded, applied, rolled back, the VMs they
     * moved, and the gains of the newest that has each (NaN: none yet).
     */
    static final class Counts {
        volatile long recorded;
        volatile long applied;
        volatile long rolledBack;
        volatile long migrations;
        volatile double predictedGain = Double.NaN;
        volatile double realisedGain = Double.NaN;
    }

    DecisionLog(LoopRecords records) {
        this.records = records;
    }

    void put(NetworkId network, NetworkState s, LoopRecords.Stored d) {
        count(network, s.decisions.get(d.decision().id()), d);
        s.decisions.put(d.decision().id(), d);
        trim(s);
        records.decision(network, d);
    }

    /**
     * Keeps the newest {@link AdaptationLoop#KEEP} decisions and, however old, the newest applied one: it says
     * what is installed and is what a rollback undoes (the loop records a decision at every change of the
     * traffic, so a hundred not applied can follow it within the hour).
     */
    static void trim(NetworkState s) {
        Long keep = null;
        for (LoopRecords.Stored d : s.decisions.descendingMap().values()) {
            if (d.decision().applied()) {
                keep = d.decision().id();
                break;
            }
        }
        while (s.decisions.size() > AdaptationLoop.KEEP) {
            Long oldest = s.decisions.firstKey();
            if (!oldest.equals(keep)) {
                s.decisions.remove(oldest);
            } else if (s.decisions.size() - 1 > AdaptationLoop.KEEP) {
                s.decisions.remove(s.decisions.higherKey(oldest)); // the next oldest goes instead
            } else {
                break; // the newest KEEP and the one kept
            }
        }
    }

    /** What changed from {@code before} (null: a new decision) to {@code after}; one thread at a time (the loop's lock). */
    private void count(NetworkId network, LoopRecords.Stored before, LoopRecords.Stored after) {
        Counts c = counts.computeIfAbsent(network, n -> new Counts());
        io.vnet.manager.AdaptationService.Decision b = before == null ? null : before.decision();
        io.vnet.manager.AdaptationService.Decision a = after.decision();
        if (b == null) {
            c.recorded++;
            if (a.recommendation() != null) {
                c.predictedGain = a.recommendation().predictedGain();
            }
        }
        if (a.applied() && (b == null || !b.applied())) {
            c.applied++;
        }
        if (a.rolledBackAt() != null && (b == null || b.rolledBackAt() == null)) {
            c.rolledBack++;
        }
        int moved = a.migrated().size() - (b == null ? 0 : b.migrated().size());
        if (moved > 0) {
            c.migrations += moved;
        }
        if (!Double.isNaN(a.realisedGain()) && (b == null || Double.isNaN(b.realisedGain()))) {
            c.realisedGain = a.realisedGain();
        }
    }

    /** Each network's counts (a view). */
    java.util.Map<NetworkId, Counts> counts() {
        return java.util.Collections.unmodifiableMap(counts);
    }

    /** Forgets a released network's counts. */
    void forget(NetworkId network) {
        counts.remove(network);
    }

    /** {@code s} with {@code note} on its decision. */
    static LoopRecords.Stored withNote(LoopRecords.Stored s, String note) {
        return new LoopRecords.Stored(s.decision().withNote(note), s.before(), s.after());
    }
}
