/**
 * What the manager keeps in its {@link io.vnet.manager.store.ManagerStore}, one concern: the
 * {@link io.vnet.manager.Recorder} of hosts, VMs, desired states, topologies and matrices
 * ({@code StoreRecorder}, bounded against what tenants send) and the {@link
 * io.vnet.manager.AuditLog} ({@code StoreAudit}).
 */
package io.vnet.manager.records;
