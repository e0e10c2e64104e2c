package io.vnet.vttif;

/**
 * What VTTIF left out of one network's inference to stay within its bounds ({@link
 * Vttif#MAX_REPORT_PAIRS}, {@link Vttif#MAX_WINDOW_PAIRS}, {@link Vttif#MAX_NODES}), and how
 * often the network's evaluation failed. The counters are cumulative since the network was first
 * heard of; {@code nodes} and {@code bytesPerSecond} describe the last evaluation.
 *
 * @param reportPairs       unicast pairs cut from reports that named more than {@link
 *                          Vttif#MAX_REPORT_PAIRS} (the smallest by bytes)
 * @param reportBytes       the bytes of those pairs
 * @param earlyReports      reports that left the window before their time because it held
 *                          {@link Vttif#MAX_WINDOW_PAIRS} pairs (the window then covered less time)
 * @param nodes             VMs left out of the last matrix: those beyond the {@link
 *                          Vttif#MAX_NODES} largest talkers
 * @param bytesPerSecond    the traffic left out of the last matrix with them (every pair with at
 *                          least one end left out)
 * @param cappedEvaluations evaluations that left VMs out
 * @param failedEvaluations evaluations (or reports) of this network that failed; each emptied its
 *                          window, and the other networks went on
 */
public record Omitted(long reportPairs, long reportBytes, long earlyReports, int nodes, double bytesPerSecond,
                      long cappedEvaluations, long failedEvaluations) {
    /** Nothing left out. */
    public static final Omitted NONE = new Omitted(0, 0, 0, 0, 0, 0, 0);

    /** Whether anything was ever left out or failed. */
    public boolean any() {
        return reportPairs > 0 || earlyReports > 0 || nodes > 0 || cappedEvaluations > 0 || failedEvaluations > 0;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d pair(s) (%d B) cut from reports, %d report(s) out of the window"
                        + " early, %d VM(s) (%.0f B/s) left out of the last matrix, %d capped and %d failed evaluation(s)",
                reportPairs, reportBytes, earlyReports, nodes, bytesPerSecond, cappedEvaluations, failedEvaluations);
    }
}
