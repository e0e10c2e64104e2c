/**
 * The soak (issue 19, item 6) as one command: {@link io.vnet.it.bench.soak.SoakBenchmark} (run by
 * {@code scripts/soak.sh}) runs {@link io.vnet.it.soak.Soak} for 30 minutes (or as asked) and writes
 * the Markdown table ({@link io.vnet.it.soak.SoakReport}), the samples as CSV and the figure
 * ({@link io.vnet.it.bench.soak.SoakPlot}: heap, RSS, threads, FDs and CPU per process over time).
 */
package io.vnet.it.bench.soak;
