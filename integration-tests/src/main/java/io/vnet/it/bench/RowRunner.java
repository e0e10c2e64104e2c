package io.vnet.it.bench;

import io.vnet.it.fabric.Fabric;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures one row on a fresh fabric: build the path, wait for it to carry a ping, warm up,
 * then ping RTT (idle), iperf3 with 1 stream and with 4, with the forwarders' CPU time taken
 * around the two iperf3 runs and their peak RSS at the end.
 */
final class RowRunner {
    /** Pings (every millisecond) after the iperf3 warm-up, before the measured ones. */
    static final int WARMUP_PINGS = 2000;

    private RowRunner() {
    }

    static RowResult run(Transport t, BenchOptions o) throws IOException, InterruptedException {
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            Testbed bed = Testbeds.build(fabric, t, o.mtu());
            PingProbe.awaitPath(bed.client(), bed.server(), 30_000, t.label());
            List<String> offloads = new ArrayList<>();
            for (Testbed.Device d : bed.devices()) {
                offloads.add(Offloads.summary(d));
            }
            if (o.warmupSeconds() > 0) {
                IperfProbe.run(fabric, bed.client(), bed.server(), o.warmupSeconds(), 1);
                // the small-frame path too: after bulk traffic alone, a Java forwarder still runs the
                // ping's path partly interpreted (about 1 ms per RTT instead of 0.4 ms here)
                PingProbe.run(bed.client(), bed.server(), WARMUP_PINGS, 0.001);
            }
            PingProbe.Result ping = PingProbe.run(bed.client(), bed.server(), o.pings(), o.pingInterval());
            boolean daemons = !bed.daemonPids().isEmpty();
            double cpuBefore = daemons ? ProcUsage.cpuSeconds(bed.daemonPids()) : 0;
            IperfProbe.Result one = IperfProbe.run(fabric, bed.client(), bed.server(), o.seconds(), 1);
            IperfProbe.Result four = IperfProbe.run(fabric, bed.client(), bed.server(), o.seconds(), 4);
            double cpu = daemons ? ProcUsage.cpuSeconds(bed.daemonPids()) - cpuBefore : Double.NaN;
            double rss = daemons ? ProcUsage.peakRssMiB(bed.daemonPids()) : Double.NaN;
            double gb = (one.bytesReceived() + four.bytesReceived()) / 1e9;
            return new RowResult(t, bed.mtu(), offloads, bed.setup(), ping, one, four, cpu / gb, rss);
        }
    }
}
