/** Settings of the manager's HTTP endpoint, for the launcher that starts the framework. */
@Export
@Version("1.0.0")
package io.vnet.manager.rest;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
