package io.vnet.it.bench;

import io.vnet.it.machine.ProcessUsage;
import io.vnet.it.fabric.Fabric;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures one row on a fresh fabric: build the path, wait for it to carry a ping, warm up,
 * then ping RTT (idle), iperf3 with 1 stream and with 4, with the forwarders' CPU time taken
 * around the two iperf3 runs and their peak RSS at the end.
 */
public final class RowRunner {
    /**
     * Pings after the iperf3 warm-up, before the measured ones: the small-frame path reaches the
     * JIT's top tier only after some 15,000 frames (C2's invocation thresholds); after 2,000, a
     * trace of a ping a second showed the agents waking the compiler threads mid-ping. A
     * long-running agent's path is compiled; this measures that agent.
     */
    public static final int WARMUP_PINGS = Integer.getInteger("vnet.bench.warmupPings", 20_000);
    /** Seconds between the warm-up pings (root may ping this fast). */
    public static final double WARMUP_PING_INTERVAL = 0.0002;

    private RowRunner() {
    }

    public static RowResult run(Transport t, BenchOptions o) throws IOException, InterruptedException {
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
                // ping's path partly interpreted or in the JIT's lower tiers
                PingProbe.run(bed.client(), bed.server(), WARMUP_PINGS, WARMUP_PING_INTERVAL);
            }
            PingProbe.Result ping = PingProbe.run(bed.client(), bed.server(), o.pings(), o.pingInterval());
            boolean daemons = !bed.daemonPids().isEmpty();
            // a ping a second, as a user tries a path, on an otherwise idle path: each finds the
            // forwarders asleep; what they spend meanwhile is their idle CPU
            PingProbe.Result idle = null;
            double idleCpu = Double.NaN;
            if (o.idlePings() > 0) {
                Process sched = perfSched(t);
                double[] before = perDaemonCpu(bed);
                long t0 = System.nanoTime();
                try {
                    idle = PingProbe.run(bed.client(), bed.server(), o.idlePings(), 1.0);
                } finally {
                    stop(sched, bed);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double[] after = perDaemonCpu(bed);
                for (int i = 0; i < before.length; i++) {
                    double pct = (after[i] - before[i]) / seconds * 100;
                    idleCpu = Double.isNaN(idleCpu) ? pct : Math.max(idleCpu, pct);
                }
            }
            double cpuBefore = daemons ? ProcessUsage.cpuSeconds(bed.daemonPids()) : 0;
            IperfProbe.Result one = IperfProbe.run(fabric, bed.client(), bed.server(), o.seconds(), 1);
            IperfProbe.Result four = IperfProbe.run(fabric, bed.client(), bed.server(), o.seconds(), 4);
            double cpu = daemons ? ProcessUsage.cpuSeconds(bed.daemonPids()) - cpuBefore : Double.NaN;
            double rss = daemons ? ProcessUsage.peakRssMiB(bed.daemonPids()) : Double.NaN;
            double gb = (one.bytesReceived() + four.bytesReceived()) / 1e9;
            return new RowResult(t, bed.mtu(), offloads, bed.setup(), ping, one, four, cpu / gb, rss, idle, idleCpu);
        }
    }

    /**
     * With {@code -Dvnet.bench.perfsched=DIR}: {@code perf sched record} of the whole machine
     * while the pings one second apart run, into DIR/ROW.data, for where each microsecond of
     * the idle ping goes ({@code perf sched timehist -w -i DIR/ROW.data}); null otherwise.
     */
    private static Process perfSched(Transport t) throws IOException {
        String dir = System.getProperty("vnet.bench.perfsched");
        if (dir == null) {
            return null;
        }
        java.nio.file.Files.createDirectories(java.nio.file.Path.of(dir));
        String out = java.nio.file.Path.of(dir, t.id() + ".data").toString();
        return new ProcessBuilder("perf", "sched", "record", "-a", "-o", out).redirectErrorStream(true)
                .redirectOutput(java.nio.file.Path.of(dir, t.id() + ".log").toFile()).start();
    }

    private static void stop(Process p, Testbed bed) throws InterruptedException {
        if (p == null) {
            return;
        }
        p.toHandle().destroy(); // SIGTERM: perf writes its file and ends
        if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        System.out.println("perf sched: the forwarders' pids are " + bed.daemonPids());
    }

    /** Each forwarding daemon's CPU seconds so far (user and system, its threads and children). */
    private static double[] perDaemonCpu(Testbed bed) {
        List<Long> pids = bed.daemonPids();
        double[] out = new double[pids.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ProcessUsage.cpuSeconds(List.of(pids.get(i)));
        }
        return out;
    }
}
