/**
 * The kernel fast path (issue 16, item 7; a prototype, off unless {@code kernelPath} is set): VXLAN
 * links whose frames the Linux kernel carries between the network's bridge and the underlay, with
 * the agent programming it as Open vSwitch's user space programs its datapath. One kernel vxlan
 * device per link and network sits on the network's bridge; the rules' destinations are the
 * bridge's static forwarding entries; nftables keeps the forwarder's semantics that the bridge
 * lacks (split horizon for fast paths, a link's frames never forged from a VM here, only the
 * peer's address on the link's UDP port) and counts the VM pairs. The user-space path stays for
 * everything else: TCP and TLS links, the proxy, and the frames the kernel hands to the agent's
 * TAP, which it sends over the link from user space.
 */
package io.vnet.dataplane.kernel;
