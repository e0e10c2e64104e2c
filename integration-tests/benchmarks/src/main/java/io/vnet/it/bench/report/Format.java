package io.vnet.it.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How the benchmarks write sizes, rates, shares, drop counts and verdicts in their reports and on the console. */
public final class Format {
    private Format() {
    }


    /** A whole number without decimals, else one decimal. */
    public static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    public static String size(int bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }

    public static String rate(long bps) {
        return bps <= 0 ? "unshaped" : number(bps / 1e6) + " Mbit/s";
    }

    public static String f1(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }

    public static String f2(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    public static String pct(double share) {
        return Double.isNaN(share) ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }

    public static String drops(Map<String, Long> drops) {
        if (drops == null || drops.isEmpty()) {
            return "none";
        }
        List<String> out = new ArrayList<>();
        drops.forEach((reason, n) -> out.add(reason + " " + n));
        return String.join(", ", out);
    }

    public static String verdict(boolean ok) {
        return ok ? "**met**" : "**not met**";
    }
}
