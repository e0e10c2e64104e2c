/**
 * {@code vnet-cloudstack}: the administrator's command line (setup of the "Home Network (VNET)"
 * offering, a connection check). It runs outside OSGi, on the jars of the manager's assembly.
 */
package io.vnet.manager.cloudstack.cli;
