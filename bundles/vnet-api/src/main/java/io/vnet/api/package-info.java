/**
 * The shared VNET model: MAC addresses, tenant networks (VNIs), forwarding rules, link and
 * interface specifications, statistics and the control-endpoint vocabulary. Every type is
 * immutable and validates its input: a bad value is rejected with a message naming it.
 */
@Export
@Version("1.2.0")
package io.vnet.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
