package io.vnet.it.bench;

import io.vnet.it.fabric.Sh;
import io.vnet.it.fabric.Vm;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ping from one VM to another: the RTT summary of a run, and a wait for the first reply. */
public final class PingProbe {
    private static final Pattern COUNTS = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    private static final Pattern RTT = Pattern.compile("= ([\\d.]+)/([\\d.]+)/([\\d.]+)/([\\d.]+) ms");
    private static final Pattern REPLY = Pattern.compile("icmp_seq=\\d+ ttl=\\d+ time=([\\d.]+) ms");

    /**
     * The summary of one ping run and the command that produced it (run in the client VM); the
     * median of the replies' times is less sensitive than the average to a busy machine's stalls.
     */
    public record Result(String command, int sent, int received, double avgMs, double maxMs, double medianMs) {
    }

    private PingProbe() {
    }

    public static List<String> command(Vm to, int count, double interval) {
        return List.of("ping", "-n", "-c", Integer.toString(count), "-i",
                java.math.BigDecimal.valueOf(interval).toPlainString(), "-W", "1",
                "-s", "56", to.ip());
    }

    public static Result run(Vm from, Vm to, int count, double interval) {
        List<String> cmd = command(to, count, interval);
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", from.ns()));
        full.addAll(cmd);
        Sh.Result r = Sh.run(30 + (long) Math.ceil(count * (interval + 0.1)), full);
        Matcher c = COUNTS.matcher(r.out());
        if (!c.find()) {
            throw new IllegalStateException("cannot read ping's summary: " + String.join(" ", full) + "\n" + r.out());
        }
        Matcher rtt = RTT.matcher(r.out());
        boolean any = rtt.find();
        return new Result(String.join(" ", cmd), Integer.parseInt(c.group(1)), Integer.parseInt(c.group(2)),
                any ? Double.parseDouble(rtt.group(2)) : Double.NaN, any ? Double.parseDouble(rtt.group(3)) : Double.NaN,
                median(r.out()));
    }

    public static double median(String pingOutput) {
        List<Double> times = new ArrayList<>();
        Matcher m = REPLY.matcher(pingOutput);
        while (m.find()) {
            times.add(Double.parseDouble(m.group(1)));
        }
        if (times.isEmpty()) {
            return Double.NaN;
        }
        java.util.Collections.sort(times);
        int n = times.size();
        return n % 2 == 1 ? times.get(n / 2) : (times.get(n / 2 - 1) + times.get(n / 2)) / 2;
    }

    /** Pings once a second-ish until a reply comes, so that measuring starts on a working path. */
    public static void awaitPath(Vm from, Vm to, long timeoutMs, String what) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            Sh.Result r = Sh.run("ip", "netns", "exec", from.ns(), "ping", "-n", "-q", "-c", "1", "-W", "1", to.ip());
            if (r.ok()) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(what + ": no ping reply from " + to + " to " + from + " within "
                        + timeoutMs + " ms");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
