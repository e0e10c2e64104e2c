package io.vnet.manager;

import io.vnet.api.NetworkId;
import java.time.Instant;
import java.util.List;

/**
 * VADAPT from the manager's live view: what an adaptation algorithm would do to a network's
 * overlay now, with its predicted gain, and, per network, the mode of the closed loop and the
 * decisions it recorded. In {@link Mode#RECOMMEND} a decision is recorded each time VTTIF
 * reports a new topology class (at most one per minimum interval); nothing is applied.
 */
public interface AdaptationService {
    /** What the loop does for a network. */
    enum Mode {
        /** Nothing. */
        OFF,
        /** Decisions computed and recorded, nothing applied (a dry run). */
        RECOMMEND,
        /** Decisions applied: not available yet. */
        AUTOMATIC
    }

    /** A recorded decision: when, what triggered it, what the algorithm recommended, whether it was applied. */
    record Decision(Instant time, String trigger, Recommendation recommendation, boolean applied) {
    }

    /** The network's mode (OFF until set). */
    Mode mode(NetworkId network);

    /**
     * Sets the network's mode.
     *
     * @throws UnsupportedOperationException for {@link Mode#AUTOMATIC}, which is not available yet
     */
    void setMode(NetworkId network, Mode mode);

    /** The network's decisions, newest first. */
    List<Decision> decisions(NetworkId network);

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
