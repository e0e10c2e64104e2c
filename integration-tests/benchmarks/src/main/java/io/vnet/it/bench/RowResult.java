package io.vnet.it.bench;

import java.util.List;

/**
 * What one row measured.
 *
 * @param offloads one summary per device on the client's path
 * @param setup how the path was built
 * @param oneStream iperf3 with 1 stream
 * @param fourStreams iperf3 with 4 streams
 * @param cpuSecondsPerGB user+system CPU seconds of both forwarding daemons over the two iperf3 runs,
 *     per 10^9 bytes received; NaN for kernel paths
 * @param peakRssMiB the larger VmHWM of the two daemons at the end; NaN for kernel paths
 * @param idlePing pings one second apart on the idle path; null if none were asked for
 * @param idleCpuPercent the busier daemon's CPU over those pings, in percent of one core; NaN for
 *     kernel paths or without them
 */
public record RowResult(Transport transport, int mtu, List<String> offloads, List<String> setup, PingProbe.Result ping,
        IperfProbe.Result oneStream, IperfProbe.Result fourStreams, double cpuSecondsPerGB, double peakRssMiB,
        PingProbe.Result idlePing, double idleCpuPercent) {

    public double gbps(int streams) {
        return (streams == 1 ? oneStream : fourStreams).gbps();
    }

    public double rttAvgMicros() {
        return ping.avgMs() * 1000;
    }

    public double rttMedianMicros() {
        return ping.medianMs() * 1000;
    }

    public double rttMaxMicros() {
        return ping.maxMs() * 1000;
    }

    public int pingsSent() {
        return ping.sent();
    }

    public int pingsReceived() {
        return ping.received();
    }

    public long bytesReceived() {
        return oneStream.bytesReceived() + fourStreams.bytesReceived();
    }
}
