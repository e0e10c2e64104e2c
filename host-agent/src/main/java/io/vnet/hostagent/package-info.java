/**
 * The host agent runtime: {@link io.vnet.hostagent.Launcher} starts an embedded Apache Felix
 * with the VNET bundles; {@link io.vnet.hostagent.VnetCtl} is the command line for the
 * agent's control socket. No forwarding logic lives here: it is in the bundles.
 */
package io.vnet.hostagent;
