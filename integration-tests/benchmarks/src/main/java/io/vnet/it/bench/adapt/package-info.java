/**
 * The adaptation benchmark: does VADAPT's overlay make a BSP application faster, and how fast
 * does it come? On the founding experiment's shaped test bed ({@link io.vnet.it.experiment.AdaptTestbed}),
 * {@link io.vnet.it.bench.adapt.AdaptBenchmark} runs the patterns workload on the star, on a full
 * direct mesh and on the top-k host links (set by the harness through the manager's
 * desired-state API), and on the overlay the manager's closed loop chooses itself
 * ({@link io.vnet.it.bench.adapt.ClosedLoopRun}, through {@link io.vnet.it.experiment.AdaptationApi});
 * it measures with {@link io.vnet.it.experiment.IterationTimes} and
 * {@link io.vnet.it.machine.CpuMonitor} and hands its results to
 * {@link io.vnet.it.bench.report.AdaptReport}, which writes the Markdown table and the PNG plot.
 */
package io.vnet.it.bench.adapt;
