package io.vnet.dataplane.tap;

import io.vnet.dataplane.sys.Command;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real TAP devices for a test, kept away from the host's own networking: a network namespace of
 * the test's own with a bridge in it (IPv6 off, so the kernel sends nothing of its own), into
 * which the test moves the TAPs it opened. No address is configured anywhere: frames only cross
 * the bridge. Closing deletes the namespace, and with it the bridge and any TAP still in it.
 * Names carry this JVM's pid, so that runs side by side do not meet.
 */
final class TapLab implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final long PID = ProcessHandle.current().pid() % 100_000;
    /** The destination of every test frame: an address no device has, so that the bridge floods it. */
    static final long FLOOD_DST = 0x02_00_5e_ee_ee_01L;
    /** The UDP payload's first four bytes, which tell a test frame from anything else. */
    static final int MAGIC = 0x564d5131; // "VMQ1"

    final String ns;
    final String bridge;
    private final List<String> persistent = new ArrayList<>();

    TapLab() throws IOException {
        ns = "vmq" + PID + "-" + SEQ.incrementAndGet();
        bridge = name("br");
        Command.must(null, "ip", "netns", "add", ns);
        try {
            in("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
            in("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
            in("ip", "link", "add", "name", bridge, "type", "bridge");
            in("ip", "link", "set", "dev", bridge, "up");
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A device name of this run (at most 15 characters). */
    static String name(String what) {
        return "mq" + PID + what + SEQ.incrementAndGet();
    }

    /** Moves {@code dev} (opened in this process's namespace) into the lab and onto its bridge, up. */
    void plug(String dev) throws IOException {
        Command.must(null, "ip", "link", "set", "dev", dev, "netns", ns);
        in("ip", "link", "set", "dev", dev, "master", bridge, "up");
    }

    /** Runs {@code cmd} in the lab's namespace; fails unless it exits 0. */
    Command in(String... cmd) throws IOException {
        String[] full = new String[cmd.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = ns;
        System.arraycopy(cmd, 0, full, 4, cmd.length);
        return Command.must(null, full);
    }

    /** Whether {@code dev} exists in the lab's namespace. */
    boolean has(String dev) throws IOException {
        return Command.run(null, "ip", "netns", "exec", ns, "ip", "link", "show", "dev", dev).exit() == 0;
    }

    /**
     * Creates a persistent single-queue TAP in this process's namespace, without IPv6 (so that it
     * sends nothing of its own when a test brings it up), deleted again by {@link #close}.
     */
    void persistentTap(String dev) throws IOException {
        Command.must(null, "ip", "tuntap", "add", "dev", dev, "mode", "tap");
        persistent.add(dev);
        Command.must(null, "sysctl", "-qw", "net.ipv6.conf." + dev + ".disable_ipv6=1");
    }

    /** Whether {@code dev} exists in this process's namespace. */
    static boolean hasHere(String dev) throws IOException {
        return Command.run(null, "ip", "link", "show", "dev", dev).exit() == 0;
    }

    @Override
    public void close() throws IOException {
        for (String dev : persistent) {
            Command.run(null, "ip", "tuntap", "del", "dev", dev, "mode", "tap");
        }
        Command.run(null, "ip", "netns", "del", ns);
    }

    /**
     * An Ethernet frame with an IPv4 UDP packet of flow {@code flow} (its source port) whose
     * payload is {@link #MAGIC}, the flow, {@code seq} and {@code tag}, from {@code src} to
     * {@link #FLOOD_DST}. The addresses are loopback ones: the frame only crosses the lab's bridge.
     */
    static ByteBuffer udp(long src, int flow, int seq, int tag) {
        ByteBuffer b = ByteBuffer.allocateDirect(14 + 20 + 8 + 16).order(ByteOrder.BIG_ENDIAN);
        putMac(b, FLOOD_DST);
        putMac(b, src);
        b.putShort((short) 0x0800);
        int ip = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) 44).putShort((short) seq).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(0x7f000001).putInt(0x7f000002);
        b.putShort(ip + 10, checksum(b, ip, 20));
        b.putShort((short) (10_000 + flow)).putShort((short) 7777).putShort((short) 24).putShort((short) 0);
        b.putInt(MAGIC).putInt(flow).putInt(seq).putInt(tag);
        return b.flip();
    }

    private static void putMac(ByteBuffer b, long mac) {
        b.putShort((short) (mac >>> 32)).putInt((int) mac);
    }

    private static short checksum(ByteBuffer b, int off, int len) {
        int sum = 0;
        for (int i = 0; i < len; i += 2) {
            sum += b.getShort(off + i) & 0xffff;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (short) ~sum;
    }

    /** A test frame's flow, sequence number and tag, read back from {@code len} bytes of {@code b}; null for any other frame. */
    static int[] parse(ByteBuffer b, int len) {
        if (len < 58 || b.getShort(12) != 0x0800 || b.get(23) != 17 || b.getInt(42) != MAGIC) {
            return null;
        }
        return new int[] {b.getInt(46), b.getInt(50), b.getInt(54)};
    }

    /**
     * Reads the next test frame from queue {@code queue} of {@code tap} into {@code buf} within
     * {@code millis}, skipping other frames; returns its flow, sequence number and tag, or null.
     */
    static int[] next(TapDevice tap, int queue, ByteBuffer buf, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        long addr = TapDevice.address(buf);
        while (System.nanoTime() < deadline) {
            int n = tap.read(queue, addr, buf.capacity());
            if (n > 0) {
                int[] f = parse(buf, n);
                if (f != null) {
                    return f;
                }
                continue;
            }
            tap.awaitReadable(queue, 20);
        }
        return null;
    }
}
