package io.vnet.it.bench;

import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Host;
import io.vnet.it.fabric.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A WireGuard tunnel between two hosts in user space, as people build an encrypted overlay from
 * stock parts where the kernel has no WireGuard module: Debian's {@code wireguard-go} (in the
 * foreground, spawned through the fabric, so it is stopped by pid with the fabric) and
 * {@code wg} from wireguard-tools, with their defaults (MTU 1420, one peer each, keys made by
 * {@code wg genkey}). The tunnel's addresses are 10.77.0.1 and 10.77.0.2.
 */
public final class WireguardPair {
    public static final int PORT = 51820;
    /** wireguard-go's default MTU on a 1500-byte underlay (room for an IPv6 outer header). */
    public static final int MTU = 1420;
    private static final String NET = "10.77.0.";

    private final List<Long> pids = new ArrayList<>();
    private final List<String> setup = new ArrayList<>();
    private final String devA;

    private WireguardPair(String devA) {
        this.devA = devA;
    }

    public List<Long> pids() {
        return pids;
    }

    public List<String> setup() {
        return setup;
    }

    /** The tunnel device on the first host. */
    public String deviceA() {
        return devA;
    }

    /** Host {@code i}'s address in the tunnel (1 for the first host, 2 for the second). */
    public static String address(int i) {
        return NET + i;
    }

    /**
     * The tunnel device's name on {@code h}: unique on the machine, because wireguard-go's control
     * socket ({@code /var/run/wireguard/NAME.sock}) is a file, shared by every namespace.
     */
    public static String device(Host h) {
        String name = "wg" + h.ns().replace("vnt", "").replace("-", "");
        return name.length() <= 15 ? name : name.substring(name.length() - 15);
    }

    public static WireguardPair start(Fabric fabric, Host a, Host b) throws IOException {
        WireguardPair pair = new WireguardPair(device(a));
        Path dir = fabric.workDir().resolve("wireguard");
        Files.createDirectories(dir);
        String[] priv = new String[2];
        String[] pub = new String[2];
        Host[] hosts = {a, b};
        for (int i = 0; i < 2; i++) {
            priv[i] = Sh.must("wg", "genkey").trim();
            pub[i] = Sh.run(10, List.of("sh", "-c", "printf '%s\\n' \"$0\" | wg pubkey", priv[i])).out().trim();
            Path key = dir.resolve(hosts[i].name() + ".key");
            Files.writeString(key, priv[i] + "\n");
            pair.launch(fabric, hosts[i], dir);
        }
        for (int i = 0; i < 2; i++) {
            Host self = hosts[i];
            Host peer = hosts[1 - i];
            String dev = device(self);
            List<String> set = List.of("wg", "set", dev, "private-key", dir.resolve(self.name() + ".key").toString(),
                    "listen-port", Integer.toString(PORT), "peer", pub[1 - i], "allowed-ips", address(2 - i) + "/32",
                    "endpoint", peer.ip() + ":" + PORT);
            Sh.must(inNs(self, set));
            Sh.must("ip", "-n", self.ns(), "addr", "add", address(i + 1) + "/24", "dev", dev);
            Sh.must("ip", "-n", self.ns(), "link", "set", dev, "up");
            pair.setup.add(self.name() + ": `wireguard-go -f " + dev + "`, `wg set " + dev + " private-key KEY listen-port "
                    + PORT + " peer PUB allowed-ips " + address(2 - i) + "/32 endpoint " + peer.ip() + ":" + PORT
                    + "`, `ip addr add " + address(i + 1) + "/24 dev " + dev + "`, `ip link set " + dev + " up` (MTU "
                    + MTU + ", wireguard-go's default)");
        }
        return pair;
    }

    private void launch(Fabric fabric, Host host, Path dir) throws IOException {
        String dev = device(host);
        Path log = dir.resolve(host.name() + ".log");
        Process p = fabric.spawn(host.ns(), List.of("wireguard-go", "-f", dev), log);
        pids.add(p.pid());
        long deadline = System.currentTimeMillis() + 15_000;
        while (!Sh.run("ip", "-n", host.ns(), "link", "show", dev).ok()
                || !Files.exists(Path.of("/var/run/wireguard", dev + ".sock"))) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("wireguard-go in " + host.name() + " made no device " + dev
                        + (p.isAlive() ? " within 15 s" : " (exited " + p.exitValue() + ")") + "; its log:\n"
                        + Files.readString(log));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private static String[] inNs(Host h, List<String> cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", h.ns()));
        full.addAll(cmd);
        return full.toArray(new String[0]);
    }
}
