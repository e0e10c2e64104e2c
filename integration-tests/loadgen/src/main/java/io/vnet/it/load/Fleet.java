package io.vnet.it.load;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The simulated agents ({@link SimulatedAgent}), all on a few event loops: it opens their
 * connections at a set rate (so that thousands of TLS handshakes do not all start at once), each
 * agent from its own address in 127.0.0.0/8 ({@link #sourceAddress}), and closes them.
 */
public final class Fleet implements AutoCloseable {
    private final Layout layout;
    private final Traffic traffic;
    private final List<InetSocketAddress> managers;
    private final String managerId;
    private final X509Certificate ca;
    private final long reportMs;
    private final EventLoopGroup group;
    private final FleetCounters counters = new FleetCounters();
    private final List<SimulatedAgent> agents = new ArrayList<>();
    private final ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loadgen-connector");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param credentials each agent's key and certificate, by index (as many as the layout has hosts)
     * @param eventLoops  the event loop threads the agents share
     */
    public Fleet(Layout layout, Traffic traffic, List<InetSocketAddress> managers, String managerId, X509Certificate ca,
                 List<Certificates.Credential> credentials, long reportMs, int eventLoops) {
        if (managers.isEmpty()) {
            throw new IllegalArgumentException("no manager to connect to");
        }
        if (credentials.size() != layout.agents()) {
            throw new IllegalArgumentException(credentials.size() + " credentials for " + layout.agents() + " agents");
        }
        this.layout = layout;
        this.traffic = traffic;
        this.managers = List.copyOf(managers);
        this.managerId = managerId;
        this.ca = ca;
        this.reportMs = reportMs;
        this.group = new MultiThreadIoEventLoopGroup(eventLoops, NioIoHandler.newFactory());
        for (int i = 0; i < layout.agents(); i++) {
            agents.add(new SimulatedAgent(i, this, credentials.get(i), new InetSocketAddress(sourceAddress(i), 0)));
        }
    }

    /** Agent {@code i}'s source address: 127.1.1.1, 127.1.1.2, ..., 127.1.1.254, 127.1.2.1, ... (no byte 0 or 255). */
    public static InetAddress sourceAddress(int i) {
        int a = i / (254 * 254);
        int b = (i / 254) % 254;
        int c = i % 254;
        if (a > 253) {
            throw new IllegalArgumentException("agent " + i + ": out of 127.0.0.0/8's source addresses");
        }
        try {
            return InetAddress.getByAddress(new byte[] {127, (byte) (1 + a), (byte) (1 + b), (byte) (1 + c)});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens the agents' connections, {@code perSecond} a second (in steps of 20 ms). */
    public void start(int perSecond) {
        long t0 = System.nanoTime();
        int[] next = {0};
        starter.scheduleAtFixedRate(() -> {
            long due = Math.min(agents.size(), (System.nanoTime() - t0) / 1_000_000L * perSecond / 1000 + 1);
            while (next[0] < due) {
                SimulatedAgent a = agents.get(next[0]++);
                group.next().execute(a::connect);
            }
            if (next[0] >= agents.size()) {
                throw new RuntimeException("all started"); // ends this periodic task
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
    }

    /** Waits until every agent is connected, or the time is up; whether they all are. */
    public boolean awaitConnected(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (counters.connected.get() < agents.size()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    public List<SimulatedAgent> agents() {
        return agents;
    }

    public FleetCounters counters() {
        return counters;
    }

    Layout layout() {
        return layout;
    }

    Traffic traffic() {
        return traffic;
    }

    List<InetSocketAddress> managers() {
        return managers;
    }

    String managerId() {
        return managerId;
    }

    X509Certificate ca() {
        return ca;
    }

    long reportMs() {
        return reportMs;
    }

    EventLoopGroup group() {
        return group;
    }

    @Override
    public void close() {
        starter.shutdownNow();
        agents.forEach(SimulatedAgent::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
