package io.vnet.it.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The targets for the agent, checked against one run's rows (reported, never enforced). */
final class Targets {
    static final double RTT_MARGIN_MICROS = 150;
    static final double RSS_LIMIT_MIB = 256;

    /** One target: what it asks, what was measured, and whether it is met (null: not measured in this run). */
    record Check(String target, String measured, Boolean met) {
        String line() {
            String verdict = met == null ? "NOT MEASURED" : met ? "met" : "NOT MET";
            return "- " + target + ": " + measured + " — **" + verdict + "**";
        }
    }

    private Targets() {
    }

    static List<Check> evaluate(Map<Transport, RowResult> results) {
        List<Check> checks = new ArrayList<>();
        checks.add(throughput(results, Transport.AGENT_TCP, Transport.KERNEL_VXLAN, 0.5));
        checks.add(throughput(results, Transport.AGENT_VXLAN, Transport.KERNEL_VXLAN, 0.3));
        checks.add(throughput(results, Transport.AGENT_TCP, Transport.TINC_PLAIN, 2));
        checks.add(throughput(results, Transport.AGENT_VXLAN, Transport.TINC_PLAIN, 2));
        checks.add(throughput(results, Transport.AGENT_TLS, Transport.TINC, 2));
        for (Transport t : List.of(Transport.AGENT_TCP, Transport.AGENT_TLS, Transport.AGENT_VXLAN)) {
            checks.add(rtt(results, t));
        }
        for (Transport t : List.of(Transport.AGENT_TCP, Transport.AGENT_TLS, Transport.AGENT_VXLAN)) {
            checks.add(rss(results, t));
        }
        return checks;
    }

    private static Check throughput(Map<Transport, RowResult> results, Transport row, Transport ref, double factor) {
        String target = row.label() + " throughput ≥ " + factor + "× " + ref.label() + " (1 and 4 streams)";
        Optional<Ratios> r = Ratios.of(results, row, ref);
        return r.map(x -> new Check(target, "1 stream " + fmt(x.oneStream()) + "×, 4 streams " + fmt(x.fourStreams()) + "×",
                x.atLeast(factor))).orElse(new Check(target, "row or reference not run", null));
    }

    private static Check rtt(Map<Transport, RowResult> results, Transport row) {
        String target = "average ping RTT, " + row.label() + " ≤ kernel VXLAN + " + (int) RTT_MARGIN_MICROS + " µs";
        RowResult r = results.get(row);
        RowResult ref = results.get(Transport.KERNEL_VXLAN);
        if (r == null || ref == null) {
            return new Check(target, "row or reference not run", null);
        }
        double limit = ref.rttAvgMicros() + RTT_MARGIN_MICROS;
        return new Check(target, String.format("%.0f µs vs %.0f µs (kernel VXLAN %.0f µs); medians %.0f and %.0f µs",
                r.rttAvgMicros(), limit, ref.rttAvgMicros(), r.rttMedianMicros(), ref.rttMedianMicros()),
                r.rttAvgMicros() <= limit);
    }

    private static Check rss(Map<Transport, RowResult> results, Transport row) {
        String target = "agent peak RSS ≤ " + (int) RSS_LIMIT_MIB + " MiB at full load, " + row.label();
        RowResult r = results.get(row);
        if (r == null) {
            return new Check(target, "row not run", null);
        }
        return new Check(target, String.format("%.0f MiB (VmHWM, larger of the two agents, after the 4-stream run)",
                r.peakRssMiB()), r.peakRssMiB() <= RSS_LIMIT_MIB);
    }

    private static String fmt(double x) {
        return String.format("%.2f", x);
    }
}
