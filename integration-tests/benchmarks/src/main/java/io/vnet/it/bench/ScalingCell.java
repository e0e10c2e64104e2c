package io.vnet.it.bench;

/**
 * One cell of the scaling benchmark: one iperf3 run on one test bed.
 *
 * @param placement "shared" or "pinned" for the agents; "start" or "end" for kernel VXLAN's two passes
 * @param loops the agents' {@code eventLoops} (0 for kernel VXLAN)
 * @param lanes the agents' {@code linkLanes} (0 for kernel VXLAN)
 * @param run what iperf3 measured, or null if the cell failed
 * @param cpuHa agent ha's user+system CPU seconds over the whole iperf3 run (NaN for kernel VXLAN)
 * @param cpuHb the same for agent hb
 * @param wallSeconds how long the iperf3 run took
 * @param linkStats ha's link stats line (its {@code peer} field) after the cell, and hb's lanes
 * @param error why the cell failed, or null
 */
public record ScalingCell(Transport transport, String placement, int loops, int lanes, int streams, IperfProbe.Omitting run,
        double cpuHa, double cpuHb, double wallSeconds, String linkStats, String error) {

    public static ScalingCell failed(Transport t, String placement, int loops, int lanes, int streams, String error) {
        return new ScalingCell(t, placement, loops, lanes, streams, null, Double.NaN, Double.NaN, Double.NaN, null, error);
    }

    public boolean ok() {
        return error == null;
    }

    public boolean isAgent() {
        return transport.isAgent();
    }

    public double gbps() {
        return ok() ? run.measured().gbps() : Double.NaN;
    }

    /** Both agents' CPU seconds per 10^9 bytes carried (iperf3's received bytes plus those of the omitted seconds). */
    public double cpuSecondsPerGB() {
        return ok() ? (cpuHa + cpuHb) / (run.bytesMoved() / 1e9) : Double.NaN;
    }

    /** An agent's CPU over the run in percent of one core. */
    public double percent(double cpuSeconds) {
        return cpuSeconds / wallSeconds * 100;
    }

    /** "(loops, lanes)" as the summary names a configuration. */
    public String config() {
        return "(" + loops + ", " + lanes + ")";
    }
}
