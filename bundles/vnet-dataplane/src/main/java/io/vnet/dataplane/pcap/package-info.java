/**
 * Pcap: a proxy's way onto the tenant's home LAN, as in the original VNET. A
 * {@link io.vnet.dataplane.pcap.PcapPort} captures every frame that arrives on an existing
 * network device (promiscuously, incoming direction only, so frames it injected itself never
 * come back) and injects the overlay's frames onto the device. No TAP is involved.
 *
 * <p>Only {@link io.vnet.dataplane.pcap.Pcap4jDevice} touches pcap4j and libpcap. The data
 * plane bundle imports pcap4j optionally, and a host agent that opens no LAN device never
 * loads libpcap.
 */
package io.vnet.dataplane.pcap;
