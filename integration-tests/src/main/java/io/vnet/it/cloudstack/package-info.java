/**
 * A stand-in for an Apache CloudStack management server, for the integration tests: {@link
 * io.vnet.it.cloudstack.CloudStackStandIn} runs as a process in a test host's namespace, checks
 * every request's signature as CloudStack does, answers with the recorded response shapes of
 * plugin/manager-cloudstack's fixtures (rewritten for the test fabric's hosts and VMs), and
 * carries out migrateVirtualMachine for real with the fabric's migration script.
 */
package io.vnet.it.cloudstack;
