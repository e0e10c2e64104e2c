package io.vnet.it.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * The settings of one scaling benchmark run.
 *
 * @param transports the agent rows to measure (TLS, TCP), in table order
 * @param seconds iperf3's measured seconds per cell ({@code -t})
 * @param omitSeconds the seconds iperf3 leaves out at the start of each cell ({@code -O}), in
 *     addition to {@code seconds}
 * @param warmupSeconds a 4-stream iperf3 run on each fresh test bed before its cells (the agents'
 *     JIT), 0 for none
 * @param quick three cells only (kernel VXLAN and the agent at 2 loops × 2 lanes, shared and
 *     pinned, 4 streams; TLS unless {@code --only-transport} says otherwise), to check that the
 *     benchmark works
 * @param mtu the VMs' MTU (the underlay stays at 1500)
 * @param out where the Markdown is written
 */
public record ScalingOptions(List<Transport> transports, int seconds, int omitSeconds, int warmupSeconds, boolean quick,
        int mtu, Path out) {
    public static final String USAGE = "usage: ScalingBenchmark [--seconds N] [--omit N] [--warmup N] [--only-transport tls|tcp]"
            + " [--quick] [--mtu N] [--out FILE]";

    public static ScalingOptions defaults(Path repo) {
        return new ScalingOptions(List.of(Transport.AGENT_TLS, Transport.AGENT_TCP), 5, 1, 3, false, 1450,
                repo.resolve("integration-tests/benchmarks/target/bench-scaling.md"));
    }

    public static ScalingOptions parse(String[] args, Path repo) {
        ScalingOptions o = defaults(repo);
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (flag.equals("--quick")) {
                o = new ScalingOptions(o.transports, o.seconds, o.omitSeconds, o.warmupSeconds, true, o.mtu, o.out);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
            }
            String v = args[++i];
            o = switch (flag) {
                case "--seconds" -> new ScalingOptions(o.transports, number(flag, v, 1), o.omitSeconds, o.warmupSeconds,
                        o.quick, o.mtu, o.out);
                case "--omit" -> new ScalingOptions(o.transports, o.seconds, number(flag, v, 0), o.warmupSeconds, o.quick,
                        o.mtu, o.out);
                case "--warmup" -> new ScalingOptions(o.transports, o.seconds, o.omitSeconds, number(flag, v, 0), o.quick,
                        o.mtu, o.out);
                case "--only-transport" -> new ScalingOptions(List.of(transport(v)), o.seconds, o.omitSeconds,
                        o.warmupSeconds, o.quick, o.mtu, o.out);
                case "--mtu" -> new ScalingOptions(o.transports, o.seconds, o.omitSeconds, o.warmupSeconds, o.quick,
                        number(flag, v, 68), o.out);
                case "--out" -> new ScalingOptions(o.transports, o.seconds, o.omitSeconds, o.warmupSeconds, o.quick, o.mtu,
                        Path.of(v));
                default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
            };
        }
        if (o.quick && o.transports.size() > 1) {
            // a quick check measures one transport (TLS, the default) unless --only-transport names one
            o = new ScalingOptions(List.of(o.transports.get(0)), o.seconds, o.omitSeconds, o.warmupSeconds, true, o.mtu,
                    o.out);
        }
        return o;
    }

    private static Transport transport(String v) {
        return switch (v) {
            case "tls" -> Transport.AGENT_TLS;
            case "tcp" -> Transport.AGENT_TCP;
            default -> throw new IllegalArgumentException("--only-transport: tls or tcp, not " + v + "\n" + USAGE);
        };
    }

    private static int number(String flag, String v, int min) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a number, not " + v);
        }
        if (n < min) {
            throw new IllegalArgumentException(flag + " must be at least " + min + ": " + v);
        }
        return n;
    }
}
