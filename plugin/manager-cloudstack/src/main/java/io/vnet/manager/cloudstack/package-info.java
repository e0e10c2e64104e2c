/**
 * The manager's view of Apache CloudStack: the {@link io.vnet.manager.cloudstack.CloudStackInventory}
 * of CloudStack VMs with their NICs, and {@link io.vnet.manager.cloudstack.HomeNetworks}, the VNIs
 * the manager gave to networks of the "Home Network (VNET)" offering. Both are services, registered
 * when the manager's configuration file has a {@code cloudstack} section.
 */
@Export
@Version("1.0.0")
package io.vnet.manager.cloudstack;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
