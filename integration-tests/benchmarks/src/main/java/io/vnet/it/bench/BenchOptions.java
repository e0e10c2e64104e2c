package io.vnet.it.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * The settings of one data plane benchmark run.
 *
 * @param rows which transports to measure, in table order
 * @param seconds iperf3 duration of each of the 1-stream and 4-stream runs
 * @param pings how many pings for the RTT (sent every {@code pingInterval} s)
 * @param pingInterval seconds between pings
 * @param warmupSeconds a 1-stream iperf3 run before measuring (the agent's JIT), 0 for none
 * @param mtu the VMs' MTU, the same in every row (the underlay stays at 1500)
 * @param out where the Markdown table is written
 * @param idlePings pings one second apart on the otherwise idle path (0: none), during which the
 *     forwarders' idle CPU is measured
 */
public record BenchOptions(List<Transport> rows, int seconds, int pings, double pingInterval, int warmupSeconds, int mtu,
        Path out, int idlePings) {
    public static final String USAGE = "usage: DataPlaneBenchmark [--only ROW,...] [--seconds N] [--pings N] [--idle-pings N]"
            + " [--warmup N] [--mtu N] [--out FILE]\n  rows: " + Transport.ids();

    public static BenchOptions defaults(Path repo) {
        return new BenchOptions(List.of(Transport.values()), 10, 100, 0.01, 3, 1450,
                repo.resolve("integration-tests/benchmarks/target/bench-dataplane.md"), 10);
    }

    public static BenchOptions parse(String[] args, Path repo) {
        BenchOptions o = defaults(repo);
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
            }
            String v = args[++i];
            o = switch (flag) {
                case "--only" -> o.withRows(Transport.parseList(v));
                case "--seconds" -> new BenchOptions(o.rows, positive(flag, v), o.pings, o.pingInterval, o.warmupSeconds, o.mtu, o.out, o.idlePings);
                case "--pings" -> new BenchOptions(o.rows, o.seconds, positive(flag, v), o.pingInterval, o.warmupSeconds, o.mtu, o.out, o.idlePings);
                case "--idle-pings" -> new BenchOptions(o.rows, o.seconds, o.pings, o.pingInterval, o.warmupSeconds, o.mtu, o.out, nonNegative(flag, v));
                case "--warmup" -> new BenchOptions(o.rows, o.seconds, o.pings, o.pingInterval, nonNegative(flag, v), o.mtu, o.out, o.idlePings);
                case "--mtu" -> new BenchOptions(o.rows, o.seconds, o.pings, o.pingInterval, o.warmupSeconds, positive(flag, v), o.out, o.idlePings);
                case "--out" -> new BenchOptions(o.rows, o.seconds, o.pings, o.pingInterval, o.warmupSeconds, o.mtu, Path.of(v), o.idlePings);
                default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
            };
        }
        if (o.rows.isEmpty()) {
            throw new IllegalArgumentException("no rows selected\n" + USAGE);
        }
        return o;
    }

    public BenchOptions withRows(List<Transport> r) {
        return new BenchOptions(r, seconds, pings, pingInterval, warmupSeconds, mtu, out, idlePings);
    }

    private static int nonNegative(String flag, String v) {
        int n = Integer.parseInt(v);
        if (n < 0) {
            throw new IllegalArgumentException(flag + " must not be negative: " + v);
        }
        return n;
    }

    private static int positive(String flag, String v) {
        int n = Integer.parseInt(v);
        if (n <= 0) {
            throw new IllegalArgumentException(flag + " must be positive: " + v);
        }
        return n;
    }
}
