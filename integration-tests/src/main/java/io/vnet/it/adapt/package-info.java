/**
 * The adaptation experiment: does VADAPT's overlay make a BSP application faster, and how fast
 * does it come? {@link io.vnet.it.adapt.AdaptTestbed} builds VM hosts and a proxy on shaped
 * uplinks, joined by the static VNET star through the proxy, with a manager running VTTIF;
 * {@link io.vnet.it.adapt.AdaptBenchmark} runs the patterns workload on the star, on a full
 * direct mesh and on the top-k host links (set by the harness through the manager's
 * desired-state API), and on the overlay the manager's closed loop chooses itself
 * ({@link io.vnet.it.adapt.AdaptationApi}); it writes a Markdown table and a PNG plot
 * ({@link io.vnet.it.adapt.Plot}). {@link io.vnet.it.adapt.IterationTimes} and
 * {@link io.vnet.it.adapt.CpuMonitor} are the measuring pieces, reusable by a CI-sized test
 * ({@link io.vnet.it.adapt.AdaptTestbed#small}).
 */
package io.vnet.it.adapt;
