package io.vnet.it.demo;

import io.vnet.it.fabric.AgentProcess;
import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.HomeLan;
import io.vnet.it.fabric.HomeNetwork;
import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import java.util.List;

/**
 * The demo's part 4, the home-network proxy: a cloud VM on host ha, two overlay hops from the
 * tenant's home LAN (ha - hb - proxy), gets its address by DHCP from the home LAN's server and
 * pings the home PC. The VM appears on the home network as if it were plugged in there.
 */
final class HomeNetworkDemo {
    private static final int VNI = 100;

    private HomeNetworkDemo() {
    }

    /** Runs the part; adds the namespaces it made to {@code created}. Returns 0 when all went well. */
    static int run(List<String> created) throws Exception {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Demo.step("Part 4: the home network. A home LAN (switch, dnsmasq DHCP server " + HomeLan.SERVER_IP
                    + ", home PC " + HomeLan.PC_IP + "), a proxy plugged into it, and a cloud VM two overlay hops away");
            HomeNetwork net = HomeNetwork.start(fabric, VNI);
            HomeLan home = net.home();
            String device = net.device();
            Vm vm = net.vm();
            AgentProcess agentP = net.agentP();
            System.out.println("  cloud VM " + vm.name() + " (" + vm.mac() + ") on host ha, with no address yet");
            System.out.println("  overlay: ha --TCP--> hb <--TCP-- proxy (the proxy only dials out, as behind a home NAT)");
            System.out.println("  the proxy's " + device + " is a plain NIC on the home switch; the agent opens it with pcap");

            System.out.println("  the proxy's interfaces (vnetctl if list):");
            vnetctl(fabric, agentP, "if", "list");

            Demo.step("vm1 asks for an address by DHCP (busybox udhcpc); the home LAN's dnsmasq answers through the proxy");
            String address = vm.dhcp(5);
            System.out.println("  vm1 got " + address + " (range " + HomeLan.RANGE_FROM + ".." + HomeLan.RANGE_TO + ")");
            System.out.println("  dnsmasq's lease file " + home.leaseFile() + ":");
            home.leases().lines().forEach(l -> System.out.println("    " + l));
            boolean leased = home.leases().contains(vm.mac());

            Demo.step("vm1 pings the home PC, and the home PC pings vm1");
            Vm.PingResult out = vm.ping(HomeLan.PC_IP, 5);
            System.out.printf("  vm1 -> home PC %s: %d/%d replies, average RTT %.3f ms%n", HomeLan.PC_IP, out.received(),
                    out.sent(), out.avgMs());
            Vm.PingResult in = home.pingFromPc(address, 5);
            System.out.printf("  home PC -> vm1 %s: %d/%d replies, average RTT %.3f ms%n", address, in.received(),
                    in.sent(), in.avgMs());
            String neigh = Sh.run("ip", "-n", home.pcNs(), "neigh", "show", address).out().trim();
            System.out.println("  the home PC sees vm1 as a LAN neighbour: " + neigh);

            Demo.step("The proxy's counters (vnetctl stats): its LAN port is kind pcap");
            vnetctl(fabric, agentP, "stats");
            created.addAll(fabric.namespaces());
            Demo.step("Tearing down part 4: agents and dnsmasq stopped by pid, namespaces deleted");
            boolean ok = leased && out.received() >= out.sent() - 1 && in.received() >= in.sent() - 1;
            if (!ok) {
                System.out.println("  part 4 FAILED; dnsmasq's log:\n" + home.serverLog());
            }
            return ok ? 0 : 1;
        }
    }

    private static void vnetctl(Fabric fabric, AgentProcess agent, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(fabric.repoDir().resolve("host-agent/bin/vnetctl").toString(),
                "-s", agent.socket().toString()));
        cmd.addAll(List.of(args));
        Sh.run(60, cmd).out().lines().forEach(l -> System.out.println("    " + l));
    }
}
