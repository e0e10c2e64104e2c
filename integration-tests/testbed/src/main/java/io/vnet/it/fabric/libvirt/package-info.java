/**
 * Real libvirt and QEMU in the test fabric: one {@link io.vnet.it.fabric.libvirt.Libvirtd} per
 * test host (in the host's network namespace, with its own mount and UTS namespaces, state
 * directories, hostname and host UUID), the tiny diskless Linux guest that scripts/libvirt.sh
 * builds ({@link io.vnet.it.fabric.libvirt.GuestImage}), its domain XML
 * ({@link io.vnet.it.fabric.libvirt.DomainSpec}), its life cycle and live migration between two
 * daemons ({@link io.vnet.it.fabric.libvirt.Domains}, {@link io.vnet.it.fabric.libvirt.Guest}),
 * and traffic to and from it ({@link io.vnet.it.fabric.libvirt.GuestTraffic}).
 * Everything is stopped by pid when the fabric closes.
 */
package io.vnet.it.fabric.libvirt;
