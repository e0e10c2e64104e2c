/**
 * VNET's protocols and their JSON codec: the agent's local control socket (one JSON object per
 * line over a Unix socket; {@link io.vnet.protocol.ControlClient} is what {@code vnetctl}
 * uses) and the agent-manager channel ({@link io.vnet.protocol.ManagerProtocol}). {@link
 * io.vnet.protocol.Json} reads and writes VNET's model, with errors that name the field.
 */
@Export
@Version("1.0.0")
package io.vnet.protocol;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
