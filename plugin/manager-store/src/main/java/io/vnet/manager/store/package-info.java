/**
 * The manager's persistent state: hosts, networks, VMs, desired states, traffic matrices and
 * inferred topologies with their history, and the VNIs given to CloudStack networks. {@link io.vnet.manager.store.ManagerStore} is the
 * service; the records are immutable and validate their fields, naming a bad one. A database that
 * cannot be reached fails a call with {@link io.vnet.manager.store.StoreUnavailableException};
 * {@link io.vnet.manager.store.ManagerStore#ping(int)} checks it cheaply.
 */
@Export
@Version("2.1.0")
package io.vnet.manager.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
