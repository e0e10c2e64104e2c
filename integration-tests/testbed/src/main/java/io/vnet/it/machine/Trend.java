package io.vnet.it.machine;

import java.util.Locale;

/**
 * Whether a series keeps growing: the least-squares slope of its last two thirds (the first third,
 * where a JVM warms up, is left out), as a percentage of its starting value per hour.
 *
 * <p>The starting value is the fitted line's value at the first sample of the part judged, so that
 * one noisy sample does not set the scale. If that value is not positive (a rate that starts at
 * zero), the window's mean is used; if that is not positive either, any rise counts as unbounded
 * growth ({@code +Infinity} per cent) and a flat or falling series as 0.
 *
 * @param samples        how many samples the series had
 * @param used           how many of them (the last two thirds, at least 2) were fitted
 * @param fromMs         the time of the first sample fitted (epoch ms)
 * @param toMs           the time of the last
 * @param slopePerHour   the fitted slope, in the series' unit per hour
 * @param start          the starting value the percentage is of
 * @param percentPerHour {@code 100 * slopePerHour / start}
 * @param marginPercentPerHour the half-width of the slope's 95% confidence interval (Student's t on the
 *                       residuals of the fit), in the same unit: how far from the true slope noise alone may put
 *                       the fitted one; infinite with only 2 samples fitted
 */
public record Trend(int samples, int used, long fromMs, long toMs, double slopePerHour, double start,
                    double percentPerHour, double marginPercentPerHour) {
    /** The limit: a series growing faster than 2% of its starting value per hour keeps growing. */
    public static final double LIMIT_PERCENT_PER_HOUR = 2.0;
    private static final double HOUR_MS = 3_600_000.0;

    /**
     * The trend of {@code values} sampled at {@code timesMs} (epoch ms, ascending). Needs at least 3
     * samples (2 in the part judged) spanning some time; NaN values (a sample that could not be taken)
     * are left out of the fit.
     */
    public static Trend of(long[] timesMs, double[] values) {
        if (timesMs.length != values.length) {
            throw new IllegalArgumentException(timesMs.length + " times for " + values.length + " values");
        }
        int n = timesMs.length;
        if (n < 3) {
            throw new IllegalArgumentException("a trend needs at least 3 samples; got " + n);
        }
        int first = n / 3; // the first third (rounded down) is warm-up
        int count = 0;
        for (int i = first; i < n; i++) {
            if (!Double.isNaN(values[i])) {
                count++;
            }
        }
        if (count < 2) {
            throw new IllegalArgumentException("a trend needs at least 2 samples in the last two thirds; got " + count
                    + " of " + n + " samples");
        }
        long t0 = -1;
        long tEnd = 0;
        double sumT = 0;
        double sumV = 0;
        for (int i = first; i < n; i++) {
            if (Double.isNaN(values[i])) {
                continue;
            }
            if (t0 < 0) {
                t0 = timesMs[i];
            }
            tEnd = timesMs[i];
            sumT += (timesMs[i] - t0) / HOUR_MS;
            sumV += values[i];
        }
        double meanT = sumT / count;
        double meanV = sumV / count;
        double sxx = 0;
        double sxy = 0;
        for (int i = first; i < n; i++) {
            if (Double.isNaN(values[i])) {
                continue;
            }
            double dt = (timesMs[i] - t0) / HOUR_MS - meanT;
            sxx += dt * dt;
            sxy += dt * (values[i] - meanV);
        }
        if (sxx <= 0) {
            throw new IllegalArgumentException("the samples judged span no time");
        }
        double slope = sxy / sxx;
        double intercept = meanV - slope * meanT;
        double rss = 0;
        for (int i = first; i < n; i++) {
            if (!Double.isNaN(values[i])) {
                double r = values[i] - (intercept + slope * (timesMs[i] - t0) / HOUR_MS);
                rss += r * r;
            }
        }
        double se = count > 2 ? Math.sqrt(rss / (count - 2) / sxx) : Double.POSITIVE_INFINITY;
        double margin = t975(count - 2) * se;
        double start = intercept; // the fitted value at t0
        if (!(start > 0)) {
            start = meanV;
        }
        double pct;
        double marginPct;
        if (start > 0) {
            pct = 100 * slope / start;
            marginPct = 100 * margin / start;
        } else {
            pct = slope > 0 ? Double.POSITIVE_INFINITY : 0;
            marginPct = Double.POSITIVE_INFINITY;
        }
        return new Trend(n, count, t0, tEnd, slope, start, pct, marginPct);
    }

    /** Student's t, two-sided 95% (0.975 quantile), for {@code df} degrees of freedom (infinite for none). */
    static double t975(int df) {
        final double[] table = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
            2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052,
            2.048, 2.045, 2.042};
        if (df < 1) {
            return Double.POSITIVE_INFINITY;
        }
        if (df <= table.length) {
            return table[df - 1];
        }
        return df <= 60 ? 2.000 : df <= 120 ? 1.980 : 1.960;
    }

    /**
     * The rule as written: the fitted slope is more than {@code limitPercentPerHour} of the
     * starting value per hour.
     */
    public boolean growing(double limitPercentPerHour) {
        return percentPerHour > limitPercentPerHour;
    }

    /**
     * The same rule where the run is too short to resolve the limit: the growth is shown beyond noise,
     * that is even the lower end of the slope's 95% confidence interval is above the limit. Of a long,
     * quiet series (margin well below the limit) this says what {@link #growing(double)} says; of a
     * short, noisy one it only catches growth steeper than the noise.
     */
    public boolean growingBeyondNoise(double limitPercentPerHour) {
        return percentPerHour - marginPercentPerHour > limitPercentPerHour;
    }

    /** Whether it grows faster than the 2%/h. */
    public boolean growing() {
        return growing(LIMIT_PERCENT_PER_HOUR);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%+.2f%%/h ± %.2f (slope %+.4g/h from %.4g, %d of %d samples)", percentPerHour,
                marginPercentPerHour, slopePerHour, start, used, samples);
    }
}
