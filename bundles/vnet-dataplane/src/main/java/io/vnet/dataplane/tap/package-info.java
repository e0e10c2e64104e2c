/**
 * Tap: where frames enter and leave a host. A TAP device (/dev/net/tun, IFF_TAP|IFF_NO_PI)
 * sits on the tenant network's Linux bridge next to the VMs' NICs; one reader thread per
 * TAP drains it without blocking and hands frames to the forwarder.
 */
package io.vnet.dataplane.tap;
