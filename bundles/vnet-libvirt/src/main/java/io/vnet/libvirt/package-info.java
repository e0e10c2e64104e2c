/** libvirt for VNET: a domain's NICs read from its XML, domain lifecycle events, and migrations between libvirt daemons. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package io.vnet.libvirt;
