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
 * Two tinc 1.0 daemons in switch mode, one per host, whose tap device sits on the VMs' bridge.
 * Each gets its own configuration directory in the fabric's work directory (tinc.conf, hosts/,
 * an RSA key made with {@code tincd -K}); the first connects to the second. tincd runs in the
 * foreground, spawned through the fabric, so it is stopped by pid with the fabric.
 */
public final class TincPair {
    public static final int PORT = 655;
    /** RSA key size: it only matters for the meta connection's handshake, not for the data. */
    public static final int KEY_BITS = 2048;

    private final List<Long> pids = new ArrayList<>();
    private final List<String> setup = new ArrayList<>();

    private TincPair() {
    }

    public List<Long> pids() {
        return pids;
    }

    public List<String> setup() {
        return setup;
    }

    public static String tapName(int vni) {
        return "tn" + vni;
    }

    /**
     * Configures and starts tinc on {@code a} (which connects) and {@code b}.
     *
     * @param crypto false for {@code Cipher = none} and {@code Digest = none} in both host files
     */
    public static TincPair start(Fabric fabric, Host a, Host b, int vni, int mtu, boolean crypto) throws IOException {
        TincPair pair = new TincPair();
        Path root = fabric.workDir().resolve(crypto ? "tinc" : "tinc-none");
        Path dirA = pair.configure(root, a, b, vni, crypto, true);
        Path dirB = pair.configure(root, b, a, vni, crypto, false);
        // each side needs the other's host file (address, port, public key, cipher choice)
        Files.copy(dirA.resolve("hosts").resolve(a.name()), dirB.resolve("hosts").resolve(a.name()));
        Files.copy(dirB.resolve("hosts").resolve(b.name()), dirA.resolve("hosts").resolve(b.name()));
        pair.launch(fabric, b, dirB, vni, mtu);
        pair.launch(fabric, a, dirA, vni, mtu);
        return pair;
    }

    private Path configure(Path root, Host self, Host peer, int vni, boolean crypto, boolean connects) throws IOException {
        Path dir = root.resolve(self.name());
        Files.createDirectories(dir.resolve("hosts"));
        StringBuilder conf = new StringBuilder().append("Name = ").append(self.name()).append('\n')
                .append("Mode = switch\n").append("Interface = ").append(tapName(vni)).append('\n')
                .append("AddressFamily = ipv4\n");
        if (connects) {
            conf.append("ConnectTo = ").append(peer.name()).append('\n');
        }
        Files.writeString(dir.resolve("tinc.conf"), conf);
        StringBuilder host = new StringBuilder().append("Address = ").append(self.ip()).append('\n')
                .append("Port = ").append(PORT).append('\n');
        if (!crypto) {
            host.append("Cipher = none\nDigest = none\n");
        }
        Files.writeString(dir.resolve("hosts").resolve(self.name()), host);
        // non-interactive: with stdin not a terminal, tincd -K takes the default file names
        Sh.Result keys = Sh.run(120, List.of("sh", "-c", "exec tincd -c \"$0\" -K" + KEY_BITS + " </dev/null", dir.toString()));
        if (!keys.ok() || !Files.exists(dir.resolve("rsa_key.priv"))) {
            throw new IllegalStateException("tincd -K failed in " + dir + ": " + keys.out());
        }
        setup.add(self.name() + ": tinc.conf `" + conf.toString().trim().replace("\n", "; ") + "`, hosts/" + self.name()
                + " `" + host.toString().trim().replace("\n", "; ") + "` + RSA " + KEY_BITS + " key");
        return dir;
    }

    private void launch(Fabric fabric, Host host, Path dir, int vni, int mtu) throws IOException {
        Path log = dir.resolve("tincd.log");
        List<String> cmd = List.of("tincd", "-c", dir.toString(), "-D", "-d1", "--pidfile=" + dir.resolve("tincd.pid"));
        Process p = fabric.spawn(host.ns(), cmd, log);
        pids.add(p.pid());
        String tap = tapName(vni);
        long deadline = System.currentTimeMillis() + 15_000;
        while (!Sh.run("ip", "-n", host.ns(), "link", "show", tap).ok()) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("tincd in " + host.name() + " made no device " + tap
                        + (p.isAlive() ? " within 15 s" : " (exited " + p.exitValue() + ")") + "; its log:\n"
                        + Files.readString(log));
            }
            sleep(50);
        }
        Sh.must("ip", "-n", host.ns(), "link", "set", tap, "mtu", Integer.toString(mtu), "master", Host.bridgeName(vni), "up");
        setup.add(host.name() + ": `" + String.join(" ", cmd).replace(dir.toString(), "DIR") + "`, then `ip link set " + tap
                + " mtu " + mtu + " master " + Host.bridgeName(vni) + " up`");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
