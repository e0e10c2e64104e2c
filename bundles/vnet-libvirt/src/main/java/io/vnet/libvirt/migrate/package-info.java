/** Live migration of a domain between two libvirt daemons (virDomainMigrate), for VADAPT's libvirt executor. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package io.vnet.libvirt.migrate;
