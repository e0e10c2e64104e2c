/**
 * The manager's HTTP endpoint as other bundles see it: where it listens ({@link io.vnet.manager.rest.HttpSettings}),
 * who is calling ({@link io.vnet.manager.rest.Sessions}, {@link io.vnet.manager.rest.Identity}) and where tenants
 * sign in ({@link io.vnet.manager.rest.TenantDirectory}, provided by the CloudStack bundle).
 */
@Export
@Version("1.1.0")
package io.vnet.manager.rest;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
