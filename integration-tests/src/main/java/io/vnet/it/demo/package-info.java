/** The local demo: two test hosts, one VM each, real agents, ping and iperf3 across the overlay. */
package io.vnet.it.demo;
