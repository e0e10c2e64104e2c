/**
 * Tap: where frames enter and leave a host. A TAP device (/dev/net/tun, IFF_TAP|IFF_NO_PI)
 * sits on the tenant network's Linux bridge next to the VMs' NICs. Each of its queues (one, or
 * one per event loop with IFF_MULTI_QUEUE) is read without blocking by an epoll event loop (or,
 * without epoll, by a thread of its own) that hands frames to the forwarder.
 */
package io.vnet.dataplane.tap;
