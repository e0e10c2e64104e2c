package io.vnet.it.machine;

import io.vnet.it.fabric.Sh;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One reading of a running JVM (an agent, a manager), in whatever network namespace it runs:
 * <ul>
 * <li>the heap in use after a full collection: {@code jcmd PID} runs {@code GC.run} (a
 * {@code System.gc()}: a full, stop-the-world collection with the daemons' default G1) and then
 * {@code GC.heap_info}, in one attach; the heap is the sum of the "used" of the top-level heap
 * lines (G1's "garbage-first heap", or the generations of the other collectors), Metaspace not
 * included;</li>
 * <li>threads and resident set ({@code Threads}, {@code VmRSS} of /proc/PID/status), open file
 * descriptors (the entries of /proc/PID/fd), and user plus system CPU seconds (/proc/PID/stat).</li>
 * </ul>
 * jcmd is the one of the JDK running this code (its {@code bin/jcmd}), else the one on the PATH.
 * Each reading costs one short JVM (jcmd, about 0.3 s of CPU) and one full collection in the target.
 */
public final class JvmProbe {
    /** A top-level heap line of GC.heap_info: one space of indentation, a name, "total NK, used NK". */
    private static final Pattern HEAP_LINE = Pattern.compile("^ (\\S[^\\n]*?)\\s+total (\\d+)K, used (\\d+)K", Pattern.MULTILINE);
    private static final Path JCMD = jcmd();

    private JvmProbe() {
    }

    /**
     * One reading at {@code epochMs}: heap after GC and heap committed (KiB), threads, FDs, RSS (KiB), CPU seconds.
     *
     * @param heapKiB          NaN when no heap was read (not asked for, or jcmd failed: see {@code error})
     * @param heapCommittedKiB the heap's committed size after that GC (NaN likewise): RSS grows towards it as
     *                         the collector first touches its regions
     * @param error            null, or why the heap could not be read
     */
    public record Sample(long epochMs, double heapKiB, double heapCommittedKiB, int threads, int fds, long rssKiB,
                         double cpuSeconds, String error) {
    }

    /** The heap's used and committed size (KiB) as GC.heap_info gives them. */
    public record Heap(long usedKiB, long committedKiB) {
    }

    /** Reads process {@code pid}: the heap after a full GC through jcmd, the rest from /proc. */
    public static Sample sample(long pid) {
        return sample(pid, true);
    }

    /**
     * As {@link #sample(long)}; with {@code heap} false no jcmd runs (and no GC): heap NaN. Throws
     * {@link IllegalStateException} if the process is gone.
     */
    public static Sample sample(long pid, boolean heap) {
        long now = System.currentTimeMillis();
        double heapKiB = Double.NaN;
        double committedKiB = Double.NaN;
        String error = null;
        if (heap) {
            try {
                Heap h = heapAfterGc(pid);
                heapKiB = h.usedKiB();
                committedKiB = h.committedKiB();
            } catch (IllegalStateException e) {
                error = e.getMessage();
            }
        }
        String status = read(Path.of("/proc", Long.toString(pid), "status"));
        int threads = (int) statusField(status, "Threads:");
        long rss = statusField(status, "VmRSS:");
        int fds;
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds = (int) s.count();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/" + pid + "/fd: " + e.getMessage(), e);
        }
        double cpu = ProcessUsage.cpuSeconds(pid);
        return new Sample(now, heapKiB, committedKiB, threads, fds, rss, cpu, error);
    }

    /** {@code GC.run} then {@code GC.heap_info} in process {@code pid}; the heap's "used" and committed sizes. */
    public static Heap heapAfterGc(long pid) {
        Path cmds;
        try {
            cmds = Files.createTempFile("vnet-jcmd", ".txt");
            Files.writeString(cmds, "GC.run\nGC.heap_info\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Sh.Result r = Sh.run(60, List.of(JCMD.toString(), "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC",
                    Long.toString(pid), "-f", cmds.toString()));
            if (!r.ok()) {
                throw new IllegalStateException("jcmd " + pid + " GC.run, GC.heap_info failed (exit " + r.exit() + "): "
                        + r.out().strip());
            }
            return parseHeap(r.out());
        } finally {
            try {
                Files.deleteIfExists(cmds);
            } catch (IOException ignored) {
                // a temporary file left behind
            }
        }
    }

    /** The sum of "used" over GC.heap_info's top-level heap lines (not Metaspace or class space), in KiB. */
    public static long parseHeapUsedKiB(String heapInfo) {
        return parseHeap(heapInfo).usedKiB();
    }

    /** The sums of "used" and of "total" (committed) over GC.heap_info's top-level heap lines, in KiB. */
    public static Heap parseHeap(String heapInfo) {
        Matcher m = HEAP_LINE.matcher(heapInfo);
        long used = 0;
        long total = 0;
        boolean any = false;
        while (m.find()) {
            String name = m.group(1).trim();
            if (name.startsWith("Metaspace") || name.startsWith("class space")) {
                continue;
            }
            used += Long.parseLong(m.group(3));
            total += Long.parseLong(m.group(2));
            any = true;
        }
        if (!any) {
            throw new IllegalStateException("no heap line in GC.heap_info's answer:\n" + heapInfo);
        }
        return new Heap(used, total);
    }

    /**
     * The class histogram of process {@code pid} ({@code jcmd PID GC.class_histogram}, after a full GC): bytes
     * per class name, for the {@code top} largest classes.
     */
    public static java.util.Map<String, Long> classHistogram(long pid, int top) {
        Sh.Result r = Sh.run(120, List.of(JCMD.toString(), "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC",
                Long.toString(pid), "GC.class_histogram"));
        if (!r.ok()) {
            throw new IllegalStateException("jcmd " + pid + " GC.class_histogram failed (exit " + r.exit() + "): "
                    + r.out().strip());
        }
        return parseHistogram(r.out(), top);
    }

    /** Bytes per class of a GC.class_histogram answer ("N: instances bytes class [(module)]"), the first {@code top}. */
    public static java.util.Map<String, Long> parseHistogram(String out, int top) {
        java.util.Map<String, Long> bytes = new java.util.LinkedHashMap<>();
        Matcher m = Pattern.compile("^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE).matcher(out);
        while (m.find() && bytes.size() < top) {
            bytes.merge(m.group(2), Long.parseLong(m.group(1)), Long::sum);
        }
        return bytes;
    }

    private static long statusField(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no " + key + " in /proc/PID/status:\n" + status);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + p + " (the process is gone?): " + e.getMessage(), e);
        }
    }

    private static Path jcmd() {
        Path own = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return Files.isExecutable(own) ? own : Path.of("jcmd");
    }
}
