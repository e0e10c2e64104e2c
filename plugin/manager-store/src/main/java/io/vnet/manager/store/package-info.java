/**
 * The manager's persistent state: hosts, networks, VMs, desired states, traffic matrices and
 * inferred topologies with their history, and the VNIs given to CloudStack networks. {@link io.vnet.manager.store.ManagerStore} is the
 * service; the records are immutable and validate their fields, naming a bad one.
 */
@Export
@Version("2.0.0")
package io.vnet.manager.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
