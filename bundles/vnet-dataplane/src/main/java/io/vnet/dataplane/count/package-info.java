/**
 * Count: traffic per (network, source MAC, destination MAC), the input of VTTIF. Frames that
 * enter the overlay here are counted on the forwarding path by {@link
 * io.vnet.dataplane.count.PairCounters} (one single-writer table per forwarding thread: no
 * lock, no allocation per frame; bounded, with what does not fit counted per network, and idle
 * pairs dropped each reporting interval). Frames between VMs on the same host never reach the
 * agent; the kernel counts them on the bridge ({@link io.vnet.dataplane.count.BridgePairCounter}).
 * {@link io.vnet.dataplane.count.CounterDeltas} turns cumulative counters into each interval's
 * growth.
 */
package io.vnet.dataplane.count;
