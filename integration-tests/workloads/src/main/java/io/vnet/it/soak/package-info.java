/**
 * Issue 19's soak: {@link io.vnet.it.soak.Soak} runs the founding experiment's cloud with the patterns
 * workload, the closed loop in automatic mode and VM churn ({@link io.vnet.it.soak.Churn}), probes every VM
 * pair ({@link io.vnet.it.soak.PairProbes}, {@link io.vnet.it.soak.Outages}), follows the decisions
 * ({@link io.vnet.it.soak.DecisionWatch}), samples every agent and the manager
 * ({@link io.vnet.it.machine.ResourceSampler}) and judges the result ({@link io.vnet.it.soak.SoakResult},
 * {@link io.vnet.it.machine.Trend}); {@link io.vnet.it.soak.SoakReport} writes it as Markdown and CSV.
 */
package io.vnet.it.soak;
