package io.vnet.it.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's CPU samples went: the methods that were on top of the stack (self
 * time), the methods anywhere on it (total time), and the threads, each as a share of the
 * samples. Usage: {@code JfrTop FILE.jfr [N]}.
 */
public final class JfrTop {
    private JfrTop() {
    }

    /** The counts of one recording. */
    public record Profile(int samples, Map<String, Integer> self, Map<String, Integer> total,
                          Map<String, Integer> threads) {
        /** The {@code n} largest entries of {@code counts} as "share name" lines. */
        public String top(Map<String, Integer> counts, int n) {
            StringBuilder b = new StringBuilder();
            counts.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(n)
                    .forEach(e -> b.append(String.format(Locale.ROOT, "%5.1f%%  %s%n",
                            100.0 * e.getValue() / Math.max(1, samples), e.getKey())));
            return b.toString();
        }
    }

    /** Reads the execution and native samples of {@code file}. */
    public static Profile read(Path file) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int samples = 0;
        try (RecordingFile f = new RecordingFile(file)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                String type = e.getEventType().getName();
                if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")) {
                    continue;
                }
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
                threads.merge(thread == null ? "?" : thread.replaceAll("-\\d+$", "-N"), 1, Integer::sum);
                List<RecordedFrame> frames = st.getFrames();
                self.merge(name(frames.get(0)) + (type.equals("jdk.NativeMethodSample") ? " (native, waiting)" : ""),
                        1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame fr : frames) {
                    String n = name(fr);
                    if (seen.add(n)) {
                        total.merge(n, 1, Integer::sum);
                    }
                }
            }
        }
        return new Profile(samples, self, total, threads);
    }

    private static String name(RecordedFrame f) {
        if (f.getMethod() == null) {
            return "?";
        }
        String cls = f.getMethod().getType() == null ? "?" : f.getMethod().getType().getName();
        int dot = cls.lastIndexOf('.');
        return cls.substring(dot + 1) + "." + f.getMethod().getName();
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrTop FILE.jfr [N]");
            System.exit(2);
        }
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Profile p = read(Path.of(args[0]));
        System.out.println(p.samples() + " samples");
        System.out.println("threads:");
        System.out.print(p.top(p.threads(), 10));
        System.out.println("self (top of stack):");
        System.out.print(p.top(p.self(), n));
        System.out.println("total (anywhere on the stack):");
        System.out.print(p.top(p.total(), n));
    }
}
