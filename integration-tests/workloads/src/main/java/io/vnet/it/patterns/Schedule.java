package io.vnet.it.patterns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The order in which the workload runs its patterns: a comma-separated list of
 * {@code pattern:length} phases, e.g. {@code ring:20,mesh:20,all:20}. A length is in seconds
 * by default ({@code 20}, {@code 20s}, {@code 2.5}) or in iterations with the suffix
 * {@code it} ({@code 300it}). A timed phase ends at the first barrier at which rank 0 has
 * spent at least that long in it (so it runs whole iterations and may overrun by less than
 * one); a counted phase runs exactly that many iterations. The run ends after the last phase.
 */
public final class Schedule {
    /** One phase: a pattern for {@code seconds} (if > 0) or for {@code iterations}. */
    public record Phase(Pattern pattern, double seconds, long iterations) {
        public Phase {
            if (pattern == null) {
                throw new IllegalArgumentException("a phase needs a pattern");
            }
            if ((seconds > 0) == (iterations > 0) || seconds < 0 || iterations < 0 || Double.isNaN(seconds)
                    || Double.isInfinite(seconds)) {
                throw new IllegalArgumentException("phase " + pattern.id()
                        + ": give either a positive number of seconds or a positive number of iterations");
            }
        }

        public static Phase seconds(Pattern p, double seconds) {
            return new Phase(p, seconds, 0);
        }

        public static Phase iterations(Pattern p, long iterations) {
            return new Phase(p, 0, iterations);
        }

        public boolean timed() {
            return seconds > 0;
        }

        @Override
        public String toString() {
            if (!timed()) {
                return pattern.id() + ":" + iterations + "it";
            }
            String s = seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
            return pattern.id() + ":" + s + "s";
        }
    }

    private final List<Phase> phases;

    private Schedule(List<Phase> phases) {
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("a schedule needs at least one phase");
        }
        this.phases = List.copyOf(phases);
    }

    public static Schedule of(Phase... phases) {
        return new Schedule(Arrays.asList(phases));
    }

    public static Schedule of(List<Phase> phases) {
        return new Schedule(phases);
    }

    /** Parses e.g. {@code ring:20,mesh:20s,all:300it}. */
    public static Schedule parse(String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("empty schedule: expected e.g. ring:20,all:20 (pattern:seconds or pattern:Nit)");
        }
        List<Phase> out = new ArrayList<>();
        for (String item : s.split(",", -1)) {
            String t = item.trim();
            int colon = t.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("schedule item '" + t + "': expected pattern:seconds or pattern:Nit, e.g. ring:20");
            }
            Pattern p = Pattern.parse(t.substring(0, colon));
            String len = t.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            try {
                if (len.endsWith("it")) {
                    long n = Long.parseLong(len.substring(0, len.length() - 2).trim());
                    if (n <= 0) {
                        throw new IllegalArgumentException("schedule item '" + t + "': iterations must be positive");
                    }
                    out.add(Phase.iterations(p, n));
                } else {
                    String num = len.endsWith("s") ? len.substring(0, len.length() - 1).trim() : len;
                    double sec = Double.parseDouble(num);
                    if (!(sec > 0) || Double.isInfinite(sec)) {
                        throw new IllegalArgumentException("schedule item '" + t + "': seconds must be positive");
                    }
                    out.add(Phase.seconds(p, sec));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("schedule item '" + t
                        + "': length must be seconds (20, 20s, 2.5) or iterations (300it)");
            }
        }
        return new Schedule(out);
    }

    public List<Phase> phases() {
        return phases;
    }

    public Phase phase(int index) {
        return phases.get(index);
    }

    public int size() {
        return phases.size();
    }

    /** The distinct patterns, in order of first use. */
    public Set<Pattern> patterns() {
        Set<Pattern> s = new LinkedHashSet<>();
        for (Phase p : phases) {
            s.add(p.pattern());
        }
        return Collections.unmodifiableSet(s);
    }

    /** The sum of the timed phases' lengths. */
    public double seconds() {
        return phases.stream().mapToDouble(Phase::seconds).sum();
    }

    /** The sum of the counted phases' lengths. */
    public long iterations() {
        return phases.stream().mapToLong(Phase::iterations).sum();
    }

    /** The canonical form, which {@link #parse(String)} reads back. */
    @Override
    public String toString() {
        return phases.stream().map(Phase::toString).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule s && s.phases.equals(phases);
    }

    @Override
    public int hashCode() {
        return phases.hashCode();
    }
}
