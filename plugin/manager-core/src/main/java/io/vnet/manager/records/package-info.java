/**
 * What the manager keeps in its {@link io.vnet.manager.store.ManagerStore}, one concern: the
 * {@link io.vnet.manager.Recorder} of hosts, VMs, desired states, topologies and matrices
 * ({@code StoreRecorder}, bounded against what tenants send) and the {@link
 * io.vnet.manager.AuditLog} ({@code StoreAudit}). Both write through one bounded queue and its
 * thread ({@code StoreWriter}), never on the caller's thread, and keep what failed while the
 * database was away until it answers again; {@link io.vnet.manager.records.StoreWrites} (the only
 * exported type) says how that goes. {@link io.vnet.manager.records.TopologyJson} is the JSON form
 * of VTTIF's graphs the store keeps and the REST API serves.
 */
@Export
@Version("1.0.0")
package io.vnet.manager.records;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
