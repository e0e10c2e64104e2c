package io.vnet.it.patterns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * One rank of the BSP patterns workload, run as its own JVM in a VM (namespace):
 *
 * <pre>
 * java -cp CLASSES io.vnet.it.patterns.Rank --rank I --hosts IP0,IP1,... [--port 7000]
 *      (--schedule ring:20,mesh:20s,all:300it | --pattern P [--seconds 10])
 *      [--compute-ms 20] [--compute sleep|spin] [--message-bytes 16384] [--iterations N]
 *      [--grid RxC] [--timeout-ms 30000] [--print-every 1]
 * </pre>
 *
 * It uses only the JDK. The hosts are the ranks' addresses in rank order ({@code IP} or
 * {@code IP:PORT}); each rank listens on its own. Rank i dials every lower rank it talks to
 * and accepts the higher ones; it talks to the union of its neighbours over the schedule's
 * patterns, plus rank 0 (the barrier). Each iteration: compute ({@code --compute-ms}, by
 * sleeping unless {@code --compute spin}), then send {@code --message-bytes} to each
 * out-neighbour of the current pattern and receive as much from each in-neighbour (at once;
 * for the staged tree patterns, receive first), then a barrier through rank 0: every rank
 * sends ARRIVE to rank 0, which answers every rank with RELEASE carrying the next phase (rank
 * 0 alone watches the schedule, so all ranks switch at the same iteration). The barrier costs
 * 2(n-1) messages of 13 bytes per iteration, all between rank 0 and the others.
 *
 * <p>Output, flushed line by line: a start line, then per iteration (every
 * {@code --print-every}) {@code iter K pattern P time_ms T comm_ms C sync_ms S phase F}
 * (T = compute + exchange + barrier, C = exchange, S = barrier), then per phase
 * {@code phase F pattern P iterations N time_ms T mean_ms M min_ms A max_ms B comm_mean_ms C sync_mean_ms S},
 * {@code total iterations N time_ms T mean_ms M} and {@code done rank I}. Exit code 0 on
 * success; 1 with a {@code FAILED} line naming the peer if a peer is unreachable, silent or
 * gone for longer than {@code --timeout-ms} (a rank waiting for rank 0's release allows twice
 * that, so that rank 0 is the one to name a silent rank); 2 for bad arguments.
 */
public final class Rank {
    public static final int DEFAULT_PORT = 7000;

    /** The settings of one rank; {@link #parse(String[])} and {@link #toArgs()} are inverse. */
    public record Config(int rank, List<InetSocketAddress> addresses, Schedule schedule, double computeMs,
            boolean spin, int messageBytes, long maxIterations, Grid grid, long timeoutMs, int printEvery) {
        public Config {
            addresses = List.copyOf(addresses);
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("--hosts: no addresses");
            }
            if (rank < 0 || rank >= addresses.size()) {
                throw new IllegalArgumentException("--rank " + rank + ": must be in 0.." + (addresses.size() - 1)
                        + " for " + addresses.size() + " hosts");
            }
            if (schedule == null) {
                throw new IllegalArgumentException("a schedule is needed (--schedule or --pattern)");
            }
            if (!(computeMs >= 0) || Double.isInfinite(computeMs)) {
                throw new IllegalArgumentException("--compute-ms " + computeMs + ": must be >= 0");
            }
            if (messageBytes < 0) {
                throw new IllegalArgumentException("--message-bytes " + messageBytes + ": must be >= 0");
            }
            if (maxIterations < 0) {
                throw new IllegalArgumentException("--iterations " + maxIterations + ": must be >= 0 (0: no limit)");
            }
            if (timeoutMs <= 0) {
                throw new IllegalArgumentException("--timeout-ms " + timeoutMs + ": must be > 0");
            }
            if (printEvery < 1) {
                throw new IllegalArgumentException("--print-every " + printEvery + ": must be >= 1");
            }
            for (Pattern p : schedule.patterns()) {
                if (p == Pattern.MESH_2D || p == Pattern.TORUS_2D) {
                    Grid.resolve(addresses.size(), grid); // fail now, not at the phase
                }
            }
        }

        public int n() {
            return addresses.size();
        }

        static String show(InetSocketAddress a) {
            return a.getHostString() + ":" + a.getPort();
        }

        public static Config parse(String[] args) {
            Integer rank = null;
            String hosts = null;
            int port = DEFAULT_PORT;
            String schedule = null;
            String pattern = null;
            double seconds = 10;
            double computeMs = 20;
            boolean spin = false;
            int messageBytes = 16 * 1024;
            long iterations = 0;
            Grid grid = null;
            long timeoutMs = 30_000;
            int printEvery = 1;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + ": missing value");
                }
                String v = args[++i];
                try {
                    switch (a) {
                        case "--rank" -> rank = Integer.parseInt(v);
                        case "--hosts" -> hosts = v;
                        case "--port" -> port = Integer.parseInt(v);
                        case "--schedule" -> schedule = v;
                        case "--pattern" -> pattern = v;
                        case "--seconds" -> seconds = Double.parseDouble(v);
                        case "--compute-ms" -> computeMs = Double.parseDouble(v);
                        case "--compute" -> {
                            if (!v.equals("sleep") && !v.equals("spin")) {
                                throw new IllegalArgumentException("--compute " + v + ": expected sleep or spin");
                            }
                            spin = v.equals("spin");
                        }
                        case "--message-bytes" -> messageBytes = Integer.parseInt(v);
                        case "--iterations" -> iterations = Long.parseLong(v);
                        case "--grid" -> grid = Grid.parse(v);
                        case "--timeout-ms" -> timeoutMs = Long.parseLong(v);
                        case "--print-every" -> printEvery = Integer.parseInt(v);
                        default -> throw new IllegalArgumentException("unknown option " + a);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(a + " " + v + ": not a number");
                }
            }
            if (rank == null) {
                throw new IllegalArgumentException("--rank is required");
            }
            if (hosts == null) {
                throw new IllegalArgumentException("--hosts is required (the ranks' IP addresses in rank order)");
            }
            if ((schedule == null) == (pattern == null)) {
                throw new IllegalArgumentException("give either --schedule or --pattern");
            }
            Schedule s = schedule != null ? Schedule.parse(schedule)
                    : Schedule.of(Schedule.Phase.seconds(Pattern.parse(pattern), seconds));
            return new Config(rank, addresses(hosts, port), s, computeMs, spin, messageBytes, iterations, grid,
                    timeoutMs, printEvery);
        }

        /** {@code IP} or {@code IP:PORT} entries, comma-separated. */
        public static List<InetSocketAddress> addresses(String hosts, int defaultPort) {
            List<InetSocketAddress> out = new ArrayList<>();
            for (String h : hosts.split(",")) {
                String t = h.trim();
                if (t.isEmpty()) {
                    throw new IllegalArgumentException("--hosts '" + hosts + "': empty entry");
                }
                int colon = t.lastIndexOf(':');
                int p = defaultPort;
                if (colon > 0 && t.indexOf(':') == colon) {
                    p = Integer.parseInt(t.substring(colon + 1));
                    t = t.substring(0, colon);
                }
                if (p < 1 || p > 65535) {
                    throw new IllegalArgumentException("--hosts entry '" + h + "': bad port " + p);
                }
                out.add(new InetSocketAddress(t, p));
            }
            return out;
        }

        /** The command-line arguments that give this configuration. */
        public List<String> toArgs() {
            List<String> a = new ArrayList<>();
            a.addAll(List.of("--rank", Integer.toString(rank)));
            a.addAll(List.of("--hosts", addresses.stream().map(Config::show).collect(Collectors.joining(","))));
            a.addAll(List.of("--schedule", schedule.toString()));
            a.addAll(List.of("--compute-ms", Double.toString(computeMs), "--compute", spin ? "spin" : "sleep"));
            a.addAll(List.of("--message-bytes", Integer.toString(messageBytes)));
            if (maxIterations > 0) {
                a.addAll(List.of("--iterations", Long.toString(maxIterations)));
            }
            if (grid != null) {
                a.addAll(List.of("--grid", grid.toString()));
            }
            a.addAll(List.of("--timeout-ms", Long.toString(timeoutMs), "--print-every", Integer.toString(printEvery)));
            return a;
        }
    }

    /** What a finished rank measured. */
    public record Summary(int rank, long iterations, double totalMs, List<PhaseStats> phases) {
    }

    /** The timings of one phase at one rank. */
    public record PhaseStats(int index, Pattern pattern, long iterations, double timeMs, double meanMs, double minMs,
            double maxMs, double commMeanMs, double syncMeanMs) {
    }

    private final Config c;
    private final PrintStream out;
    private final int me;
    private final int n;
    private final Peer[] peers;
    private final List<Pending> pending = new ArrayList<>();
    // rank 0's view of the schedule
    private int phase;
    private long phaseStartNanos;
    private long itersInPhase;
    private long itersTotal;

    private record Pending(Peer peer, Future<?> future, String what) {
    }

    private Rank(Config c, PrintStream out) {
        this.c = c;
        this.out = out;
        this.me = c.rank();
        this.n = c.n();
        this.peers = new Peer[n];
    }

    public static void main(String[] args) {
        String usage = "usage: Rank --rank I --hosts IP0,IP1,... [--port P] (--schedule ring:20,all:300it | --pattern P"
                + " [--seconds S]) [--compute-ms C] [--compute sleep|spin] [--message-bytes M] [--iterations N]"
                + " [--grid RxC] [--timeout-ms T] [--print-every K]\n"
                + "  patterns: ring, mesh, torus, all, tree, bcast; a length is seconds (20, 2.5s) or iterations (300it)";
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(usage);
            System.exit(0);
        }
        Config c;
        try {
            c = Config.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("patterns rank: " + e.getMessage());
            System.err.println(usage);
            System.exit(2);
            return;
        }
        PrintStream out = System.out;
        try {
            run(c, out);
            out.flush();
            System.exit(0);
        } catch (Exception e) {
            String msg = "FAILED rank " + c.rank() + ": " + Peer.describe(e);
            out.println(msg);
            if (!(e instanceof IOException)) {
                e.printStackTrace(out);
            }
            out.flush();
            System.exit(1);
        }
    }

    /** Runs one rank to the end of the schedule, printing to {@code out}. Throws naming the peer on failure. */
    public static Summary run(Config c, PrintStream out) throws IOException, InterruptedException {
        Rank r = new Rank(c, out);
        try {
            return r.runRank();
        } finally {
            r.closeAll();
        }
    }

    /** The ranks this rank has a connection with: its neighbours in every scheduled pattern, and rank 0 or everyone. */
    public static SortedSet<Integer> connections(int rank, int n, Schedule schedule, Grid grid) {
        TreeSet<Integer> s = new TreeSet<>();
        for (Pattern p : schedule.patterns()) {
            s.addAll(p.sendsTo(rank, n, grid));
            s.addAll(p.receivesFrom(rank, n, grid));
        }
        if (rank == 0) {
            for (int j = 1; j < n; j++) {
                s.add(j);
            }
        } else {
            s.add(0);
        }
        return s;
    }

    private void line(String format, Object... args) {
        out.println(String.format(Locale.ROOT, format, args));
        out.flush();
    }

    private Summary runRank() throws IOException, InterruptedException {
        List<Schedule.Phase> phases = c.schedule().phases();
        Pattern[] patterns = Pattern.values();
        int[][] sendTo = new int[patterns.length][];
        int[][] recvFrom = new int[patterns.length][];
        for (Pattern p : c.schedule().patterns()) {
            sendTo[p.ordinal()] = toArray(p.sendsTo(me, n, c.grid()));
            recvFrom[p.ordinal()] = toArray(p.receivesFrom(me, n, c.grid()));
        }
        SortedSet<Integer> conn = connections(me, n, c.schedule(), c.grid());
        line("rank %d of %d at %s schedule %s compute_ms %s (%s) message_bytes %d timeout_ms %d connections %s", me, n,
                Config.show(c.addresses().get(me)), c.schedule(), fmt(c.computeMs()), c.spin() ? "spin" : "sleep",
                c.messageBytes(), c.timeoutMs(), conn);
        long t0 = System.nanoTime();
        connect(conn);
        line("connected to %d ranks in %.1f ms", conn.size(), ms(System.nanoTime() - t0));

        int current = barrier(-1);
        if (current != 0) {
            throw new IOException("protocol error: rank 0 started at phase " + current + ", not 0");
        }
        long runStart = System.nanoTime();
        long computeNanos = Math.round(c.computeMs() * 1e6);
        Acc[] acc = new Acc[phases.size()];
        long k = 0;
        while (true) {
            Pattern p = phases.get(current).pattern();
            long a = System.nanoTime();
            if (acc[current] == null) {
                acc[current] = new Acc(a);
                phaseStartNanos = a;
                itersInPhase = 0;
                phase = current;
                line("start phase %d pattern %s epoch_ms %d", current, p.id(), System.currentTimeMillis());
            }
            compute(a + computeNanos);
            long b = System.nanoTime();
            exchange((int) k, p, sendTo[p.ordinal()], recvFrom[p.ordinal()]);
            long d = System.nanoTime();
            int next = barrier((int) k);
            long e = System.nanoTime();
            if (next < -1 || next >= phases.size() || (next >= 0 && next < current)) {
                throw new IOException("protocol error: rank 0 released iteration " + k + " to phase " + next
                        + " from phase " + current);
            }
            acc[current].add(ms(e - a), ms(d - b), ms(e - d), e);
            if (k % c.printEvery() == 0) {
                line("iter %d pattern %s time_ms %.3f comm_ms %.3f sync_ms %.3f phase %d", k, p.id(), ms(e - a),
                        ms(d - b), ms(e - d), current);
            }
            k++;
            if (next < 0) {
                break;
            }
            current = next;
        }
        long runEnd = System.nanoTime();
        List<PhaseStats> stats = new ArrayList<>();
        for (int i = 0; i < acc.length; i++) {
            if (acc[i] == null) {
                continue;
            }
            Acc x = acc[i];
            PhaseStats s = new PhaseStats(i, phases.get(i).pattern(), x.count, ms(x.lastEnd - x.start), x.sum / x.count,
                    x.min, x.max, x.comm / x.count, x.sync / x.count);
            stats.add(s);
            line("phase %d pattern %s iterations %d time_ms %.3f mean_ms %.3f min_ms %.3f max_ms %.3f comm_mean_ms %.3f"
                    + " sync_mean_ms %.3f", i, s.pattern().id(), s.iterations(), s.timeMs(), s.meanMs(), s.minMs(),
                    s.maxMs(), s.commMeanMs(), s.syncMeanMs());
        }
        double total = ms(runEnd - runStart);
        line("total iterations %d time_ms %.3f mean_ms %.3f", k, total, total / k);
        line("done rank %d", me);
        return new Summary(me, k, total, stats);
    }

    private static final class Acc {
        final long start;
        long count;
        double sum;
        double min = Double.MAX_VALUE;
        double max;
        double comm;
        double sync;
        long lastEnd;

        Acc(long start) {
            this.start = start;
        }

        void add(double t, double cm, double sy, long end) {
            count++;
            sum += t;
            min = Math.min(min, t);
            max = Math.max(max, t);
            comm += cm;
            sync += sy;
            lastEnd = end;
        }
    }

    private void compute(long deadline) {
        if (c.spin()) {
            while (System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
            return;
        }
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private void exchange(int k, Pattern p, int[] to, int[] from) throws IOException, InterruptedException {
        if (p.staged()) {
            receiveAll(k, p, from);
            sendAll(k, p, to);
        } else {
            sendAll(k, p, to);
            receiveAll(k, p, from);
        }
        awaitSends();
    }

    private void sendAll(int k, Pattern p, int[] to) {
        for (int j : to) {
            send(peers[j], Peer.DATA, k, p.code(), c.messageBytes(), "the " + p.id() + " message of iteration " + k);
        }
    }

    private void receiveAll(int k, Pattern p, int[] from) throws IOException, InterruptedException {
        for (int j : from) {
            Peer.Msg m = expect(peers[j], Peer.DATA, k, "the " + p.id() + " message of iteration " + k);
            if (m.arg() != p.code() || m.length() != c.messageBytes()) {
                throw new IOException("protocol error: rank " + j + " sent a " + Pattern.fromCode(m.arg()).id() + " message of "
                        + m.length() + " bytes at iteration " + k + ", but rank " + me + " runs " + p.id() + " with "
                        + c.messageBytes() + " bytes");
            }
        }
    }

    /** The barrier of iteration k (-1: the start); returns the phase of the next iteration, or -1 to stop. */
    private int barrier(int k) throws IOException, InterruptedException {
        String what = k < 0 ? "the start barrier" : "the barrier of iteration " + k;
        if (me != 0) {
            send(peers[0], Peer.ARRIVE, k, 0, 0, what);
            // twice the timeout: should a rank fall silent, rank 0 names it before the others blame rank 0
            Peer.Msg m = expect(peers[0], Peer.RELEASE, k, 2 * c.timeoutMs(), what);
            awaitSends();
            return m.arg();
        }
        for (int j = 1; j < n; j++) {
            expect(peers[j], Peer.ARRIVE, k, what);
        }
        int next = k < 0 ? 0 : decide();
        for (int j = 1; j < n; j++) {
            send(peers[j], Peer.RELEASE, k, next, 0, what);
        }
        awaitSends();
        return next;
    }

    /** Rank 0, at a barrier: the phase of the next iteration, or -1 when the run is over. */
    private int decide() {
        itersInPhase++;
        itersTotal++;
        if (c.maxIterations() > 0 && itersTotal >= c.maxIterations()) {
            return -1;
        }
        Schedule.Phase ph = c.schedule().phase(phase);
        boolean over = ph.timed() ? (System.nanoTime() - phaseStartNanos) / 1e9 >= ph.seconds()
                : itersInPhase >= ph.iterations();
        if (!over) {
            return phase;
        }
        return phase + 1 < c.schedule().size() ? phase + 1 : -1;
    }

    private void send(Peer p, byte type, int k, int arg, int length, String what) {
        pending.add(new Pending(p, p.send(type, k, arg, length), what));
    }

    private void awaitSends() throws IOException, InterruptedException {
        for (Pending x : pending) {
            x.peer().await(x.future(), c.timeoutMs(), x.what());
        }
        pending.clear();
    }

    private Peer.Msg expect(Peer p, byte type, int k, String what) throws IOException, InterruptedException {
        return expect(p, type, k, c.timeoutMs(), what);
    }

    private Peer.Msg expect(Peer p, byte type, int k, long timeoutMs, String what) throws IOException, InterruptedException {
        Peer.Msg m;
        try {
            m = p.take(timeoutMs, what);
        } catch (PeerException e) {
            // a failed send names the cause better than the silence it leads to
            for (Pending x : List.copyOf(pending)) {
                if (x.future().isDone()) {
                    x.peer().await(x.future(), 1, x.what());
                }
            }
            throw e;
        }
        if (m.type() != type || m.iteration() != k) {
            throw new IOException("protocol error: rank " + p.rank() + " sent message type " + m.type() + " of iteration "
                    + m.iteration() + " while rank " + me + " waited for " + what);
        }
        return m;
    }

    private void connect(SortedSet<Integer> conn) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + c.timeoutMs() * 1_000_000L;
        InetSocketAddress self = c.addresses().get(me);
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(self, n + 16);
        } catch (IOException e) {
            server.close();
            throw new IOException("rank " + me + " cannot listen on " + Config.show(self) + ": " + Peer.describe(e), e);
        }
        List<Integer> inbound = conn.stream().filter(j -> j > me).toList();
        List<Integer> outbound = conn.stream().filter(j -> j < me).toList();
        List<String> rejected = new ArrayList<>();
        Thread acceptor = new Thread(() -> acceptLoop(server, inbound, deadline, rejected), "accept-" + me);
        acceptor.setDaemon(true);
        acceptor.start();
        try {
            for (int j : outbound) {
                dial(j, deadline);
            }
            acceptor.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L + 500));
        } finally {
            server.close();
            acceptor.join(2000);
        }
        List<Integer> missing = new ArrayList<>();
        synchronized (peers) {
            for (int j : inbound) {
                if (peers[j] == null) {
                    missing.add(j);
                }
            }
        }
        if (!missing.isEmpty()) {
            int j = missing.get(0);
            String more = missing.size() > 1 ? " (nor did ranks " + missing + ")" : "";
            String rej = rejected.isEmpty() ? "" : "; rejected: " + String.join("; ", rejected);
            throw new PeerException(j, Config.show(c.addresses().get(j)), "did not connect to rank " + me + " at "
                    + Config.show(self) + " within " + c.timeoutMs() + " ms" + more + rej);
        }
    }

    private void acceptLoop(ServerSocket server, List<Integer> inbound, long deadline, List<String> rejected) {
        try {
            server.setSoTimeout(200);
            while (System.nanoTime() - deadline < 0) {
                synchronized (peers) {
                    if (inbound.stream().allMatch(j -> peers[j] != null)) {
                        return;
                    }
                }
                Socket s;
                try {
                    s = server.accept();
                } catch (SocketTimeoutException again) {
                    continue;
                }
                String from = s.getInetAddress().getHostAddress() + ":" + s.getPort();
                try {
                    s.setTcpNoDelay(true);
                    s.setSoTimeout((int) Math.min(10_000, c.timeoutMs()));
                    DataInputStream in = Peer.input(s);
                    DataOutputStream o = Peer.output(s);
                    int j = Peer.readHello(in, n);
                    synchronized (peers) {
                        if (!inbound.contains(j) || peers[j] != null) {
                            throw new IOException("rank " + j + " is not expected to dial rank " + me
                                    + (peers[j] != null ? " again" : ""));
                        }
                    }
                    Peer.writeHello(o, me, n);
                    s.setSoTimeout(0);
                    Peer p = new Peer(me, j, Config.show(c.addresses().get(j)), s, in, o);
                    synchronized (peers) {
                        peers[j] = p;
                    }
                } catch (IOException e) {
                    synchronized (rejected) {
                        rejected.add(from + ": " + Peer.describe(e));
                    }
                    s.close();
                }
            }
        } catch (IOException e) {
            // the server socket closed: connect() reports what is missing
        }
    }

    private void dial(int j, long deadline) throws IOException, InterruptedException {
        InetSocketAddress addr = c.addresses().get(j);
        String lastError = "no attempt";
        while (System.nanoTime() - deadline < 0) {
            Socket s = new Socket();
            try {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
                s.setTcpNoDelay(true);
                s.connect(addr, (int) Math.min(1000, left));
                s.setSoTimeout((int) Math.min(10_000, c.timeoutMs()));
                DataInputStream in = Peer.input(s);
                DataOutputStream o = Peer.output(s);
                Peer.writeHello(o, me, n);
                int got = Peer.readHello(in, n);
                if (got != j) {
                    s.close();
                    throw new PeerException(j, Config.show(addr), "answered as rank " + got);
                }
                s.setSoTimeout(0);
                Peer p = new Peer(me, j, Config.show(addr), s, in, o);
                synchronized (peers) {
                    peers[j] = p;
                }
                return;
            } catch (PeerException e) {
                throw e;
            } catch (IOException e) {
                lastError = Peer.describe(e);
                s.close();
                Thread.sleep(100);
            }
        }
        throw new PeerException(j, Config.show(addr), "unreachable for " + c.timeoutMs() + " ms from rank " + me
                + ": " + lastError);
    }

    private void closeAll() {
        synchronized (peers) {
            for (Peer p : peers) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    private static int[] toArray(SortedSet<Integer> s) {
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    @Override
    public String toString() {
        return "rank " + me + " of " + n + " " + Arrays.toString(peers);
    }
}
