/**
 * Following the domains of one libvirt daemon: {@link io.vnet.libvirt.watch.DomainWatcher}
 * keeps a connection (retried, never fatal), turns lifecycle events and periodic re-listing into
 * "runs here with these NICs" / "gone" / "arrived by migration" for a {@link
 * io.vnet.libvirt.watch.DomainListener}. {@link io.vnet.libvirt.watch.Tracker} holds that logic
 * apart from libvirt, behind {@link io.vnet.libvirt.watch.DomainSource}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package io.vnet.libvirt.watch;
