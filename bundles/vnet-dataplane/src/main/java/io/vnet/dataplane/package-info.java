/**
 * The data plane's service interface: a {@link io.vnet.dataplane.DataPlane} carries tenant
 * Ethernet frames between local TAP interfaces and overlay links by VNET's forwarding rules.
 * Obtain one from the {@link io.vnet.dataplane.DataPlaneFactory} service.
 *
 * <p>Implementation packages, named after the step a frame takes: {@code tap} (frames in and
 * out of the host's bridge), {@code pcap} (a proxy's home LAN device), {@code link} (records over the overlay), {@code forward} (rules,
 * learning, flooding), {@code impl} (assembly and the OSGi component).
 */
@Export
@Version("1.2.0")
package io.vnet.dataplane;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
