package io.vnet.it.bench;

import io.vnet.it.fabric.Vm;
import java.util.List;

/**
 * One row's network, ready to measure: traffic goes from {@code client} to {@code server}.
 *
 * @param daemonPids the user-space forwarders (agents or tincd) whose CPU and memory are measured; empty for kernel paths
 * @param devices the interfaces on the client's path whose offloads the row reports
 * @param setup the commands and settings that built the path, for the report
 */
public record Testbed(Transport transport, int mtu, Vm client, Vm server, List<Long> daemonPids, List<Device> devices,
        List<String> setup) {

    /** A network interface to report: a readable role, its namespace and its name. */
    public record Device(String role, String ns, String name) {
    }
}
