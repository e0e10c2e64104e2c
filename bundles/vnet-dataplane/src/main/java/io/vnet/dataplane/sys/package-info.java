/**
 * Sys: running the host's own tools (iproute2's {@code ip}, nftables' {@code nft}) from the
 * daemon, with a deadline, their output captured and a failure said in one message that names
 * the command and the package to install.
 */
package io.vnet.dataplane.sys;
