package io.vnet.it.fabric;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A packet capture with tcpdump on one interface of a test namespace (Debian's tcpdump, which
 * setup.sh installs): started before the traffic, stopped after it, then read back as the
 * Ethernet frames it saw. The capture process is the fabric's helper, stopped by pid at close
 * should the test fail first.
 */
public final class Capture implements AutoCloseable {
    /** One captured frame: its Ethernet source and destination and tcpdump's one-line description. */
    public record Frame(String src, String dst, String line) {
    }

    private static final Pattern ETHER = Pattern.compile("^\\S+\\s+([0-9a-f:]{17}) > ([0-9a-f:]{17}),");

    private final Process process;
    private final Path file;
    private final Path log;
    private final String where;
    private List<Frame> frames;

    private Capture(Process process, Path file, Path log, String where) {
        this.process = process;
        this.file = file;
        this.log = log;
        this.where = where;
    }

    /** Starts capturing every frame on {@code iface} in {@code ns}; returns once tcpdump listens. */
    public static Capture start(Fabric fabric, String ns, String iface) throws IOException, InterruptedException {
        Path dir = fabric.workDir();
        String name = "capture-" + ns + "-" + iface;
        Path file = dir.resolve(name + ".pcap");
        Path log = dir.resolve(name + ".log");
        Process p = fabric.spawn(ns, List.of("tcpdump", "-n", "-U", "-Z", "root", "-i", iface, "-w", file.toString()), log);
        String where = iface + " in " + ns;
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("listening on")) {
                return new Capture(p, file, log, where);
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        p.destroy();
        throw new IllegalStateException("tcpdump did not start on " + where + ": "
                + (Files.exists(log) ? Files.readString(log) : "no output"));
    }

    /** Stops the capture and returns every frame it saw, in order. */
    public synchronized List<Frame> stop() throws IOException, InterruptedException {
        if (frames != null) {
            return frames;
        }
        process.destroy(); // SIGTERM: tcpdump writes what it has and exits
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("tcpdump on " + where + " did not stop");
        }
        Sh.Result r = Sh.run(60, List.of("tcpdump", "-n", "-e", "-r", file.toString()));
        if (r.exit() != 0 && !r.out().contains("reading from file")) {
            throw new IllegalStateException("cannot read the capture of " + where + ": " + r.out() + "\n"
                    + Files.readString(log));
        }
        List<Frame> out = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            Matcher m = ETHER.matcher(line);
            if (m.find()) {
                out.add(new Frame(m.group(1), m.group(2), line));
            }
        }
        frames = List.copyOf(out);
        return frames;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
    }
}
