/**
 * VADAPT's closed loop, one concern: {@code AdaptationLoop} (offered as {@link
 * io.vnet.manager.AdaptationService}) runs its jobs each in a class: {@code Decider} (when a
 * network gets a decision: its traffic changed and held, {@code TrafficShift}; and its plan from
 * {@code Recommender} and {@code Planner}), {@code Undo} (rollbacks, the loop's own of decisions
 * that did not pay among them), {@code
 * Applier} (migrations, without the loop's lock, then links and rules through {@code Rollout},
 * make before break), {@code GainMeter}
 * (acknowledgements and the realised gain, from {@code RateMeter}), {@code MoveFollower} (rules
 * rewritten for VMs that moved); {@code DecisionLog} and {@code StoreLoopRecords} keep the
 * decisions. It reaches the agents and VTTIF only through their services. Set by the file's
 * {@code adaptation} and {@code migration} fields ({@code AdaptationSettings}).
 */
package io.vnet.manager.adapt;
