/**
 * The test fabric: test hosts and VMs made of Linux network namespaces, joined by veth pairs
 * through an underlay switch namespace, with the real host-agent process running in each host.
 * Everything a fabric creates (namespaces, processes by pid) is removed by {@link
 * io.vnet.it.fabric.Fabric#close()}, also when a test fails.
 */
package io.vnet.it.fabric;
