/**
 * VADAPT's migration executor for plain libvirt hosts: {@link
 * io.vnet.manager.libvirt.LibvirtMigrations} moves a VM that an agent registered by name
 * (a libvirt domain) to another host's libvirt daemon with virDomainMigrate; {@link
 * io.vnet.manager.libvirt.LibvirtExecutorComponent} offers it as a {@link
 * io.vnet.manager.MigrationExecutor} service when the manager's configuration has a
 * {@code libvirt} section.
 */
package io.vnet.manager.libvirt;
