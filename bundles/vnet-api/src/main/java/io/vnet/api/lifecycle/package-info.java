/**
 * How a VNET daemon's bundles end it: {@link io.vnet.api.lifecycle.Fatal} stops the framework
 * with a message the launcher prints before it exits non-zero.
 */
@Export
@Version("1.0.0")
package io.vnet.api.lifecycle;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
