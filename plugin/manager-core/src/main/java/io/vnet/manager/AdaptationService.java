package io.vnet.manager;

import io.vnet.api.NetworkId;
import java.time.Instant;
import java.util.List;

/**
 * VADAPT's closed loop, per network. In {@link Mode#RECOMMEND} a decision is recorded each time
 * VTTIF reports a new topology class (at most one per minimum interval) and nothing is applied;
 * in {@link Mode#AUTOMATIC} the decision's plan is also applied: its links and rules become the
 * agents' desired state (and, where migrations are allowed, VMs are moved first), its realised
 * gain is measured afterwards, and it can be rolled back.
 */
public interface AdaptationService {
    /**
     * Forgets the network's adaptation in memory (settings, decisions, rates): a released VNI's
     * next owner must see none of it. The overlay it installed stays until it is replaced.
     */
    default void forget(NetworkId network) {
    }

    /** What the loop does for a network. */
    enum Mode {
        /** Nothing. */
        OFF,
        /** Decisions computed and recorded, nothing applied (a dry run). */
        RECOMMEND,
        /** Decisions computed, recorded and applied. */
        AUTOMATIC
    }

    /**
     * A network's settings.
     *
     * @param algorithm            {@code greedy}, {@code anneal}, {@code topk}, {@code topk:K} or {@code exhaustive}
     * @param migrate              whether plans may move VMs (needs a migration executor)
     * @param maxMigrationsPerHour the most VMs the loop moves in any hour
     */
    record Settings(Mode mode, String algorithm, boolean migrate, int maxMigrationsPerHour) {
        public Settings {
            if (mode == null || algorithm == null || algorithm.isEmpty()) {
                throw new IllegalArgumentException("invalid adaptation settings: mode and algorithm are required");
            }
            if (maxMigrationsPerHour < 0 || maxMigrationsPerHour > 10_000) {
                throw new IllegalArgumentException("maxMigrationsPerHour: expected 0..10000, got " + maxMigrationsPerHour);
            }
        }

        /** Off, greedy, no migrations (4 per hour once allowed). */
        public static Settings defaults() {
            return new Settings(Mode.OFF, "greedy", false, 4);
        }

        public Settings withMode(Mode m) {
            return new Settings(m, algorithm, migrate, maxMigrationsPerHour);
        }
    }

    /**
     * A recorded decision.
     *
     * @param id            its number within the network
     * @param trigger       what caused it, e.g. "RING -> ALL_TO_ALL"
     * @param applied       whether its plan was pushed to the agents
     * @param note          why it was not applied, or what went wrong (empty if nothing)
     * @param appliedAt     when the desired state was pushed (null if not applied)
     * @param ackedAt       when every agent concerned had acknowledged it (null until then)
     * @param migrated      the VMs moved for it, "mac->host"
     * @param rateBefore    the network's traffic rate (bytes/s) just before it
     * @param rateAfter     ... once the new overlay had settled (NaN until measured)
     * @param realisedGain  rateAfter / rateBefore, the realised ratio of iteration times (NaN until measured)
     * @param rolledBackAt  when it was rolled back (null if it was not)
     */
    record Decision(long id, Instant time, String trigger, Recommendation recommendation, boolean applied, String note,
                    Instant appliedAt, Instant ackedAt, List<String> migrated, double rateBefore, double rateAfter,
                    double realisedGain, Instant rolledBackAt) {
        public Decision {
            migrated = List.copyOf(migrated);
            note = note == null ? "" : note;
        }

        /** A new decision, recorded and not applied: nothing measured, nothing moved. */
        public static Decision recorded(long id, Instant time, String trigger, Recommendation recommendation,
                                        double rateBefore) {
            return new Decision(id, time, trigger, recommendation, false, "", null, null, List.of(), rateBefore,
                    Double.NaN, Double.NaN, null);
        }

        /** This decision with {@code note} instead of its own. */
        public Decision withNote(String note) {
            return new Decision(id, time, trigger, recommendation, applied, note, appliedAt, ackedAt, migrated, rateBefore,
                    rateAfter, realisedGain, rolledBackAt);
        }

        /** This decision, not applied after all, having moved {@code migrated} (nothing measured). */
        public Decision withNotApplied(List<String> migrated) {
            return new Decision(id, time, trigger, recommendation, false, note, null, null, migrated, rateBefore,
                    Double.NaN, Double.NaN, null);
        }

        /** This decision applied at {@code at} with {@code recommendation} (maybe re-planned), acknowledged at {@code ackedAt} (null: not yet). */
        public Decision withApplied(Recommendation recommendation, String note, Instant at, Instant ackedAt,
                                    List<String> migrated) {
            return new Decision(id, time, trigger, recommendation, true, note, at, ackedAt, migrated, rateBefore,
                    Double.NaN, Double.NaN, null);
        }

        /** This decision, acknowledged by every agent concerned at {@code at}. */
        public Decision withAckedAt(Instant at) {
            return new Decision(id, time, trigger, recommendation, applied, note, appliedAt, at, migrated, rateBefore,
                    rateAfter, realisedGain, rolledBackAt);
        }

        /** This decision with its rate after and realised gain measured, and {@code note}. */
        public Decision withMeasured(double rateAfter, double realisedGain, String note) {
            return new Decision(id, time, trigger, recommendation, applied, note, appliedAt, ackedAt, migrated, rateBefore,
                    rateAfter, realisedGain, rolledBackAt);
        }

        /** This decision, rolled back at {@code at}. */
        public Decision withRolledBackAt(Instant at) {
            return new Decision(id, time, trigger, recommendation, applied, note, appliedAt, ackedAt, migrated, rateBefore,
                    rateAfter, realisedGain, at);
        }
    }

    /** The network's settings (defaults until set). */
    Settings settings(NetworkId network);

    /**
     * Sets the network's settings; {@code actor} is written to the audit log.
     *
     * @throws IllegalArgumentException an unknown algorithm, or migrations without an executor
     */
    Settings configure(NetworkId network, Settings settings, String actor);

    /** The network's mode. */
    default Mode mode(NetworkId network) {
        return settings(network).mode();
    }

    /** Sets the mode alone, as the REST API's caller. */
    default void setMode(NetworkId network, Mode mode) {
        configure(network, settings(network).withMode(mode), "api");
    }

    /** The network's decisions, newest first. */
    List<Decision> decisions(NetworkId network);

    /**
     * Restores the overlay from before the newest applied decision that was not rolled back.
     *
     * @return that decision, now marked rolled back
     * @throws IllegalStateException nothing to roll back
     */
    Decision rollback(NetworkId network, String actor);

    /**
     * Plans the network now with its settings' algorithm and applies the plan, whatever the mode
     * (a person applying a recommendation). The decision is recorded, measured and can be rolled
     * back like the loop's own.
     *
     * @return the decision, applied (or not, with a note saying why: a migration failed, say)
     * @throws IllegalStateException the network cannot be planned now, or the plan would change nothing
     */
    Decision apply(NetworkId network, String actor);

    /**
     * The recommendation of {@code algorithm} ({@code topk}, {@code topk:K}, {@code greedy},
     * {@code anneal}, {@code exhaustive}) for {@code network} now.
     *
     * @throws IllegalArgumentException an unknown algorithm (the message names it)
     * @throws IllegalStateException    the network cannot be planned now (no proxy, no agents...)
     */
    Recommendation recommend(NetworkId network, String algorithm, boolean allowMigration);

    /**
     * One recommendation.
     *
     * @param currentSeconds  the iteration time the cost model predicts for the current overlay
     * @param plannedSeconds  ... and for the planned one
     * @param predictedGain   current over planned (2.0: twice as fast)
     * @param worthApplying   whether the gain clears the cost model's minimum after the change costs
     * @param overlay         the planned overlay's links, "a-b"
     * @param added           the links it adds to the current overlay
     * @param floodTree       the links that carry floods (a tree rooted at the proxy)
     * @param migrations      VMs the plan moves, "mac->host"
     * @param computeMillis   how long the algorithm took
     */
    record Recommendation(NetworkId network, String algorithm, double currentSeconds, double plannedSeconds,
                          double predictedGain, boolean worthApplying, List<String> overlay, List<String> added,
                          List<String> floodTree, List<String> migrations, long computeMillis) {
    }
}
