/**
 * Link: frames between daemons. A TCP link carries a stream of length-prefixed records
 * (see {@link io.vnet.dataplane.link.Records}); a Netty pipeline of small handlers decodes
 * them, says hello, keeps the link alive and hands frames to the forwarder.
 */
package io.vnet.dataplane.link;
