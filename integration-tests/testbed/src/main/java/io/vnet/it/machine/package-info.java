/**
 * The one reader of the machine a test or benchmark ran on, from /proc and /etc: what it is
 * ({@link io.vnet.it.machine.Machine}: date, OS, kernel, CPU, tool versions, load average), what
 * given processes used ({@link io.vnet.it.machine.ProcessUsage}: CPU seconds and peak memory of a
 * process tree), and the whole machine's CPU over time ({@link io.vnet.it.machine.CpuMonitor}).
 * Benchmarks print these beside their figures because the machines are shared and noisy.
 */
package io.vnet.it.machine;
