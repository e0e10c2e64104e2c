/**
 * A stand-in for an Apache CloudStack management server, for the integration tests: {@link
 * io.vnet.it.cloudstack.CloudStackStandIn} runs as a process in a test host's namespace, checks
 * every request's signature as CloudStack does (against the key pair of the root admin or of a
 * declared tenant account), answers with the recorded response shapes of plugin/manager-cloudstack's
 * fixtures (rewritten for the test fabric's hosts, accounts, networks and VMs, each caller seeing
 * what its account may), and carries out migrateVirtualMachine for real with the fabric's migration
 * script.
 */
package io.vnet.it.cloudstack;
