package io.vnet.manager;

import io.vnet.api.NetworkId;
import java.util.List;

/**
 * VADAPT from the manager's live view: what an adaptation algorithm would do to a network's
 * overlay now, with its predicted gain. This is the computation of the closed loop's
 * "recommend" mode; it changes nothing.
 */
public interface AdaptationService {
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
