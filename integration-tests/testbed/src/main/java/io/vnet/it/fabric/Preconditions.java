package io.vnet.it.fabric;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a fabric needs from the machine; anything missing fails the run with the remedy. */
final class Preconditions {
    private Preconditions() {
    }

    static void check(Path repo) {
        List<String> problems = new ArrayList<>();
        Sh.Result id = Sh.run("id", "-u");
        if (!id.out().trim().equals("0")) {
            problems.add("not root (uid " + id.out().trim() + "): network namespaces and TAP devices need root");
        }
        for (String tool : List.of("ip", "ping", "iperf3", "sysctl", "nft", "curl", "ethtool")) {
            if (!Sh.run("sh", "-c", "command -v " + tool).ok()) {
                problems.add(tool + " is missing (run scripts/setup.sh, which installs iproute2, iputils-ping, iperf3, nftables, curl and ethtool)");
            }
        }
        for (String tool : List.of("dnsmasq", "busybox")) {
            if (!Sh.run("sh", "-c", "command -v " + tool).ok()) {
                problems.add(tool + " is missing (run scripts/setup.sh, which installs dnsmasq-base and busybox for the"
                        + " home network of ProxyDhcpIT)");
            }
        }
        if (!Sh.run("sh", "-c", "ldconfig -p | grep -q 'libpcap\\.so'").ok()) {
            problems.add("libpcap is missing (run scripts/setup.sh, which installs libpcap0.8 for the proxy's LAN device)");
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            problems.add("/dev/net/tun is missing (modprobe tun)");
        }
        Path agent = repo.resolve("host-agent/bin/vnet-agent");
        Path dist = repo.resolve("host-agent/target/dist/bundles");
        if (!Files.isExecutable(agent) || !Files.isDirectory(dist)) {
            problems.add("the agent is not built: " + agent + " with " + dist + " (run mvn package first)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("this machine cannot run the VNET test fabric:\n  - "
                    + String.join("\n  - ", problems));
        }
    }
}
