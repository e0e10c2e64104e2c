package io.vnet.it.patterns;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/** What one rank printed (see {@link Rank}), parsed. */
public record RankLog(List<Iteration> iterations, List<PhaseTotal> phases, long totalIterations, double totalMs,
        boolean done, String failure, String text, List<PhaseStart> starts) {

    /** One {@code start phase} line: when (wall clock, epoch ms) this rank began a phase. */
    public record PhaseStart(int phase, Pattern pattern, long epochMs) {
    }

    private static final java.util.regex.Pattern START = java.util.regex.Pattern.compile(
            "^start phase (\\d+) pattern (\\S+) epoch_ms (\\d+)$");

    /** One {@code iter} line. */
    public record Iteration(long index, Pattern pattern, double timeMs, double commMs, double syncMs, int phase) {
    }

    /** One {@code phase} line: the totals of one phase of the schedule. */
    public record PhaseTotal(int index, Pattern pattern, long iterations, double timeMs, double meanMs, double minMs,
            double maxMs, double commMeanMs, double syncMeanMs) {
    }

    private static final java.util.regex.Pattern ITER = java.util.regex.Pattern.compile(
            "^iter (\\d+) pattern (\\S+) time_ms ([\\d.]+) comm_ms ([\\d.]+) sync_ms ([\\d.]+) phase (\\d+)$");
    private static final java.util.regex.Pattern PHASE = java.util.regex.Pattern.compile(
            "^phase (\\d+) pattern (\\S+) iterations (\\d+) time_ms ([\\d.]+) mean_ms ([\\d.]+) min_ms ([\\d.]+)"
                    + " max_ms ([\\d.]+) comm_mean_ms ([\\d.]+) sync_mean_ms ([\\d.]+)$");
    private static final java.util.regex.Pattern TOTAL = java.util.regex.Pattern.compile(
            "^total iterations (\\d+) time_ms ([\\d.]+) mean_ms ([\\d.]+|NaN)$");

    public static RankLog parse(String text) {
        List<Iteration> its = new ArrayList<>();
        List<PhaseTotal> phases = new ArrayList<>();
        List<PhaseStart> starts = new ArrayList<>();
        long total = -1;
        double totalMs = Double.NaN;
        boolean done = false;
        String failure = null;
        for (String l : text.split("\n")) {
            String line = l.strip();
            Matcher m;
            if ((m = ITER.matcher(line)).matches()) {
                its.add(new Iteration(Long.parseLong(m.group(1)), Pattern.parse(m.group(2)), d(m.group(3)), d(m.group(4)),
                        d(m.group(5)), Integer.parseInt(m.group(6))));
            } else if ((m = PHASE.matcher(line)).matches()) {
                phases.add(new PhaseTotal(Integer.parseInt(m.group(1)), Pattern.parse(m.group(2)), Long.parseLong(m.group(3)),
                        d(m.group(4)), d(m.group(5)), d(m.group(6)), d(m.group(7)), d(m.group(8)), d(m.group(9))));
            } else if ((m = START.matcher(line)).matches()) {
                starts.add(new PhaseStart(Integer.parseInt(m.group(1)), Pattern.parse(m.group(2)), Long.parseLong(m.group(3))));
            } else if ((m = TOTAL.matcher(line)).matches()) {
                total = Long.parseLong(m.group(1));
                totalMs = d(m.group(2));
            } else if (line.startsWith("done rank ")) {
                done = true;
            } else if (line.startsWith("FAILED ") && failure == null) {
                failure = line.substring("FAILED ".length());
            }
        }
        return new RankLog(List.copyOf(its), List.copyOf(phases), total, totalMs, done, failure, text, List.copyOf(starts));
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }

    /** The iterations of phase {@code index}. */
    public List<Iteration> iterationsOf(int index) {
        return iterations.stream().filter(i -> i.phase() == index).toList();
    }

    /** The last {@code lines} lines of the output, for error messages. */
    public String tail(int lines) {
        String[] all = text.split("\n");
        StringBuilder b = new StringBuilder();
        for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
            b.append("    ").append(all[i]).append('\n');
        }
        return b.toString();
    }
}
