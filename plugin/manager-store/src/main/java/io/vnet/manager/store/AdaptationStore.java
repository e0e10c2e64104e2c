package io.vnet.manager.store;

import java.util.List;

/**
 * The closed loop's settings and decisions, per network. Part of {@link ManagerStore}, whose contract (upserts, history queries, errors) it shares;
 * a consumer that needs only this part takes this type.
 */
public interface AdaptationStore {
    /** Upsert by VNI. */
    void putAdaptationSetting(AdaptationSetting setting);

    /** Every network's closed-loop settings, ordered by VNI. */
    List<AdaptationSetting> adaptationSettings();

    /** One network's closed-loop settings, if it has any (a manager taking one network over reads only it). */
    java.util.Optional<AdaptationSetting> adaptationSetting(int vni);

    /** Upsert by (VNI, id): a decision is rewritten when its realised gain is measured. */
    void putDecision(DecisionRecord decision);

    /** The network's decisions, newest (highest id) first. */
    List<DecisionRecord> decisions(int vni, int limit);

    /**
     * The network's newest applied decision, however many came after it (it says what the closed loop installed),
     * if it has one.
     */
    java.util.Optional<DecisionRecord> latestAppliedDecision(int vni);
}
