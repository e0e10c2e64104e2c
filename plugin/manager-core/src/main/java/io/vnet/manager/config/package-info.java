/**
 * The manager's configuration file, read once: {@link io.vnet.manager.config.ManagerConfiguration}
 * hands each bundle the top-level fields it owns, by name. A bundle owns the fields its manifest
 * lists in the header {@value io.vnet.manager.config.ManagerConfiguration#FIELDS_HEADER}; a field no
 * installed bundle owns stops the manager at start, with its name.
 */
@Export
@Version("1.0.0")
package io.vnet.manager.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
