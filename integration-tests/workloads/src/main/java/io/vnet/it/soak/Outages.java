package io.vnet.it.soak;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The silences of one VM pair's probe: the stretches without an answer between the probe's start,
 * its answers and its end, less the time covered by excluded windows (a migration of either VM).
 * All times are epoch milliseconds.
 */
public final class Outages {
    private Outages() {
    }

    /** A time window, {@code fromMs} to {@code toMs}, with what it is (e.g. "p3 h1->h2"). */
    public record Window(long fromMs, long toMs, String what) {
        public Window {
            if (toMs < fromMs) {
                throw new IllegalArgumentException("window ends before it starts: " + fromMs + " > " + toMs);
            }
        }
    }

    /**
     * The longest silence of the probe and where it lies.
     *
     * @param fromMs start of the silence (the last answer before it, or the probe's start)
     * @param toMs   end (the next answer, or the probe's end)
     */
    public record Silence(long fromMs, long toMs) {
        public long millis() {
            return toMs - fromMs;
        }
    }

    /**
     * The silences of a probe running from {@code startMs} to {@code endMs} with answers at
     * {@code answersMs} (ascending, each within the run), cut by the {@code excluded} windows: each
     * silence between two answers (or the start and the first answer, or the last answer and the
     * end) gives the parts of it that no window covers. Sorted longest first.
     */
    public static List<Silence> silences(long startMs, long endMs, long[] answersMs, List<Window> excluded) {
        if (endMs < startMs) {
            throw new IllegalArgumentException("probe ends before it starts");
        }
        List<Window> w = new ArrayList<>(excluded);
        w.sort(Comparator.comparingLong(Window::fromMs));
        List<Silence> out = new ArrayList<>();
        long last = startMs;
        for (long a : answersMs) {
            if (a < last) {
                throw new IllegalArgumentException("answers not ascending or before the start: " + a + " < " + last);
            }
            uncovered(last, Math.min(a, endMs), w, out);
            last = a;
        }
        if (last < endMs) {
            uncovered(last, endMs, w, out);
        }
        out.sort(Comparator.comparingLong(Silence::millis).reversed());
        return out;
    }

    /** The longest silence outside the windows; a zero-length one at the start if there is none. */
    public static Silence longest(long startMs, long endMs, long[] answersMs, List<Window> excluded) {
        List<Silence> s = silences(startMs, endMs, answersMs, excluded);
        return s.isEmpty() ? new Silence(startMs, startMs) : s.get(0);
    }

    /** Adds the parts of [from, to] that no window (sorted by start) covers. */
    private static void uncovered(long from, long to, List<Window> sorted, List<Silence> out) {
        long at = from;
        for (Window x : sorted) {
            if (x.toMs() <= at) {
                continue;
            }
            if (x.fromMs() >= to) {
                break;
            }
            if (x.fromMs() > at) {
                out.add(new Silence(at, x.fromMs()));
            }
            at = Math.max(at, x.toMs());
            if (at >= to) {
                return;
            }
        }
        if (to > at) {
            out.add(new Silence(at, to));
        }
    }
}
