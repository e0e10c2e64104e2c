/**
 * VTTIF, VNET's traffic and topology inference. Agents count bytes per (network, source MAC,
 * destination MAC) and report them as {@link io.vnet.vttif.TrafficSample}s. The
 * {@link io.vnet.vttif.Vttif} engine sums the reports of each network over a sliding window
 * (a low-pass filter) into a {@link io.vnet.vttif.TrafficMatrix}, infers the application's
 * communication graph from it, classifies that graph as a {@link io.vnet.vttif.TopologyClass}
 * and reports a {@link io.vnet.vttif.TopologyChange} when the topology changes, either at once
 * ({@code REACTIVE}) or once the new topology has been stable for a while ({@code DAMPED}).
 *
 * <p>Everything here is pure: no I/O, no threads and no clocks. The caller passes the time.
 * Every type is immutable and validates its input, and a bad value is rejected with a message
 * naming it. The engine itself is mutable and not thread-safe; confine it to one thread.
 */
@Export
@Version("2.1.0")
package io.vnet.vttif;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
