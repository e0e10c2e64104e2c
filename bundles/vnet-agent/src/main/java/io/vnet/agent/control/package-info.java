/**
 * The agent's local control protocol: one JSON object per line over a Unix socket. This
 * package has the codec of VNET's model to and from JSON (with errors that name the field)
 * and the client that {@code vnetctl} uses.
 */
@Export
@Version("1.0.0")
package io.vnet.agent.control;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
