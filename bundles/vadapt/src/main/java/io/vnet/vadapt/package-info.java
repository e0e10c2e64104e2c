/**
 * VADAPT, VNET's overlay adaptation. From the application's traffic ({@link io.vnet.vadapt.Demand},
 * usually built from VTTIF's matrix or topology), the VM-to-host {@link io.vnet.vadapt.Placement},
 * the host-to-host path properties of the {@link io.vnet.vadapt.Underlay} and the current
 * {@link io.vnet.vadapt.Overlay}, an {@link io.vnet.vadapt.Adapter} computes a
 * {@link io.vnet.vadapt.Plan}: the desired overlay links, a widest-path route per VM pair, a
 * flooding tree, optionally a new placement, and the predicted gain. The
 * {@link io.vnet.vadapt.CostModel} defines the objective that every algorithm minimises, and
 * {@link io.vnet.vadapt.DaemonConfigs} turns a plan into each daemon's links and rules.
 *
 * <p>Everything here is pure: no I/O, no threads. The annealer may be given a deadline, which it
 * checks with {@link System#nanoTime()} only; with an iteration budget alone every algorithm is
 * deterministic for a given seed. Every type is immutable and validates its input, and a bad
 * value is rejected with a message naming it.
 */
@Export
@Version("1.1.0")
package io.vnet.vadapt;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
