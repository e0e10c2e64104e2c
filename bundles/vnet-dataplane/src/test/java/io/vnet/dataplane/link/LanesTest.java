package io.vnet.dataplane.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vnet.api.Endpoint;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.dataplane.forward.Forwarder;
import io.vnet.dataplane.forward.Port;
import io.vnet.dataplane.forward.PortCounters;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two daemons' links over loopback with several lanes: the dialling side joins the accepting
 * side's session with as many further connections as both take, flows spread over them and keep
 * their order, a lane that closes is dialled again while the session lasts, the session's end
 * ends its lanes, and a join without the session's token is refused and counted.
 */
class LanesTest {
    private static final int VNI = 100;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private EventLoopGroup groupA;
    private EventLoopGroup groupB;
    private Links linksA;
    private Links linksB;
    private LinkPort linkA;
    private LinkPort linkB;
    private Sink sinkA;

    /** A local interface that keeps (source port, sequence) of what it is sent, in arrival order. */
    private static final class Sink implements Port {
        final PortCounters counters = new PortCounters();
        final List<int[]> got = new ArrayList<>();
        final Set<String> threads = new HashSet<>();

        @Override
        public String id() {
            return "interface:vm";
        }

        @Override
        public boolean isLink() {
            return false;
        }

        @Override
        public boolean floods() {
            return true;
        }

        @Override
        public PortCounters counters() {
            return counters;
        }

        @Override
        public void send(int vni, ByteBuf frame) {
            synchronized (got) {
                got.add(new int[] {frame.getUnsignedShort(34), frame.getInt(42)});
                threads.add(Thread.currentThread().getName());
            }
            frame.release();
        }

        int size() {
            synchronized (got) {
                return got.size();
            }
        }
    }

    /** An Ethernet + IPv4 + UDP frame from source port {@code sport} to a unicast address no one has; sequence {@code seq}. */
    private static ByteBuf udp(int sport, int seq) {
        int size = 200;
        ByteBuf b = Unpooled.directBuffer(size);
        b.writeShort(0x0200).writeInt(0x99).writeShort(0x0200).writeInt(1).writeShort(0x0800);
        b.writeByte(0x45).writeByte(0).writeShort(size - 14).writeInt(0).writeByte(64).writeByte(17).writeShort(0)
                .writeInt(0x0A000001).writeInt(0x0A000002);
        b.writeShort(sport).writeShort(9).writeShort(size - 34).writeShort(0);
        b.writeInt(seq);
        b.writeZero(size - b.readableBytes());
        return b;
    }

    private void await(String what, BooleanSupplier ok) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 10 s: " + what + " (accepting: " + linkA.stats().state() + ", "
                        + linkA.stats().peer() + "; dialling: " + linkB.stats().state() + ", " + linkB.stats().peer() + ")");
            }
            Thread.sleep(10);
        }
    }

    private Links links(String host, Endpoint listen, EventLoopGroup group, Forwarder fwd, int lanes) {
        Links l = new Links(host, listen, 9018, Duration.ofSeconds(1), Duration.ofMillis(20), Duration.ofMillis(200),
                group, NioSocketChannel.class, NioServerSocketChannel.class, fwd);
        l.useLanes(lanes);
        return l;
    }

    private void start(int lanesA, int lanesB) throws Exception {
        groupA = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        groupB = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Forwarder fwdA = new Forwarder();
        fwdA.addNetwork(VNI);
        sinkA = new Sink();
        fwdA.addInterface(VNI, sinkA);
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        linksA = links("ha", new Endpoint("127.0.0.1", port), groupA, fwdA, lanesA);
        linkA = linksA.add(LinkSpec.accept("l", "hb", true, List.of(NetworkId.of(VNI))));
        fwdA.addLink(linkA);
        linksA.start();
        toClose.add(linksA);
        Forwarder fwdB = new Forwarder();
        fwdB.addNetwork(VNI);
        linksB = links("hb", null, groupB, fwdB, lanesB);
        linkB = linksB.add(LinkSpec.dial("l", "ha", new Endpoint("127.0.0.1", linksA.listenPort()), true,
                List.of(NetworkId.of(VNI))));
        fwdB.addLink(linkB);
        toClose.add(linksB);
        linksB.open(linkB);
    }

    @BeforeEach
    void none() {
        toClose.clear();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        for (EventLoopGroup g : new EventLoopGroup[] {groupA, groupB}) {
            if (g != null) {
                g.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
            }
        }
    }

    @Test
    void flowsSpreadOverTheLanesBothSidesTakeAndKeepTheirOrder() throws Exception {
        start(4, 4);
        await("4 lanes up on both sides", () -> linkA.lanesUp() == 4 && linkB.lanesUp() == 4);
        assertTrue(linkB.stats().peer().contains("lanes 4/4"), linkB.stats().peer());
        assertTrue(linkA.stats().peer().contains("sessions 1,"), "the lanes are not sessions: " + linkA.stats().peer());
        int flows = 32;
        int perFlow = 100;
        for (int seq = 0; seq < perFlow; seq++) {
            for (int f = 0; f < flows; f++) {
                linkB.send(VNI, udp(1000 + f, seq));
            }
        }
        await("every frame across", () -> sinkA.size() == flows * perFlow);
        long[] perLane = linkB.laneFrames();
        assertEquals(4, perLane.length);
        for (int i = 0; i < 4; i++) {
            assertTrue(perLane[i] > 0, "lane " + i + " carried frames: " + Arrays.toString(perLane));
        }
        Map<Integer, Integer> next = new HashMap<>();
        synchronized (sinkA.got) {
            for (int[] g : sinkA.got) {
                int expected = next.getOrDefault(g[0], 0);
                assertEquals(expected, g[1], "flow " + g[0] + " in order");
                next.put(g[0], expected + 1);
            }
            assertTrue(sinkA.threads.size() == 2, "the lanes are read on both event loops: " + sinkA.threads);
        }
        assertEquals(0, linkB.counters().snapshot("link", "l", "", "").drops().values().stream()
                .mapToLong(Long::longValue).sum(), "nothing dropped");
    }

    @Test
    void aFrameSentOnAnEventLoopLeavesOnThatLoopsLanes() throws Exception {
        start(4, 4);
        await("4 lanes up", () -> linkA.lanesUp() == 4 && linkB.lanesUp() == 4);
        io.netty.channel.EventLoop loop = linkB.laneChannel(1).eventLoop();
        Set<Integer> onLoop = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            if (linkB.laneChannel(i).eventLoop() == loop) {
                onLoop.add(i);
            }
        }
        assertTrue(onLoop.size() < 4, "lanes 1..3 are spread over both loops: " + onLoop);
        long[] before = linkB.laneFrames();
        loop.submit(() -> {
            for (int f = 0; f < 64; f++) {
                linkB.send(VNI, udp(2000 + f, 0));
            }
        }).sync();
        await("64 frames across", () -> sinkA.size() == 64);
        long[] after = linkB.laneFrames();
        for (int i = 0; i < 4; i++) {
            long sent = after[i] - before[i];
            assertTrue(onLoop.contains(i) ? sent > 0 || onLoop.size() > 1 : sent == 0,
                    "lane " + i + (onLoop.contains(i) ? " (this loop's)" : " (the other loop's)") + " carried " + sent
                            + ": " + Arrays.toString(before) + " -> " + Arrays.toString(after));
        }
    }

    @Test
    void theLaneCountIsWhatBothSidesTake() throws Exception {
        start(2, 4);
        await("2 lanes up", () -> linkB.lanesUp() == 2 && linkA.lanesUp() == 2);
        assertEquals(2, linkB.laneCount());
        stop();
        toClose.clear();
        start(4, 1);
        await("the link up", () -> linkB.isUp() && linkA.isUp());
        Thread.sleep(300);
        assertEquals(1, linkB.laneCount(), "a dialling side with one lane joins none");
        assertEquals(1, linkA.lanesUp(), "only the first connection is up");
    }

    @Test
    void aClosedLaneIsDialledAgainAndTheSessionsEndEndsItsLanes() throws Exception {
        start(3, 3);
        await("3 lanes up", () -> linkA.lanesUp() == 3 && linkB.lanesUp() == 3);
        Channel lane2 = linkB.laneChannel(2);
        lane2.close().sync();
        await("lane 2 joined again", () -> linkB.lanesUp() == 3 && linkB.laneChannel(2) != lane2
                && linkA.lanesUp() == 3);
        assertTrue(linkA.stats().peer().contains("sessions 1,"), linkA.stats().peer());
        linkB.channel().close().sync(); // the session's first connection: its lanes end with it
        await("a new session with 3 lanes", () -> linkA.stats().peer().contains("sessions 2,")
                && linkA.lanesUp() == 3 && linkB.lanesUp() == 3);
    }

    @Test
    void theLongestLaneOfferFitsWhatDaemonsBeforeLanesRead() {
        Records.Capabilities c = new Records.Capabilities(Records.VERSION_OFFLOAD, 65_535 + 18, true, Records.MAX_LANES,
                "0123456789abcdef");
        assertTrue(c.body().getBytes(StandardCharsets.UTF_8).length <= 63, c.body());
        assertEquals(c, Records.Capabilities.parse(c.body()));
        Records.Join j = new Records.Join(Records.MAX_LANES - 1, "0123456789abcdef", "h".repeat(63));
        assertTrue(j.body().getBytes(StandardCharsets.UTF_8).length <= Records.MAX_HELLO, j.body());
    }

    /** Writes one HELLO record with {@code body} on {@code out}. */
    private static void hello(DataOutputStream out, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.writeInt(2 + b.length);
        out.writeByte(Records.VERSION);
        out.writeByte(Records.TYPE_HELLO);
        out.write(b);
        out.flush();
    }

    /** Whether the daemon closed the connection (no answer but the end of the stream) within 5 s. */
    private static boolean closedWithoutAnswer(Socket s) throws IOException {
        s.setSoTimeout(5000);
        return new DataInputStream(s.getInputStream()).read() == -1;
    }

    @Test
    void aJoinWithoutTheSessionsTokenIsRefusedAndCounted() throws Exception {
        start(4, 4);
        await("4 lanes up", () -> linkA.lanesUp() == 4);
        String wrong = "0123456789abcdef";
        assertTrue(!wrong.equals(linkA.sessionToken()));
        try (Socket s = new Socket("127.0.0.1", linksA.listenPort())) {
            hello(new DataOutputStream(s.getOutputStream()), new Records.Join(1, wrong, "hb").body());
            assertTrue(closedWithoutAnswer(s), "a wrong token is refused");
        }
        try (Socket s = new Socket("127.0.0.1", linksA.listenPort())) {
            hello(new DataOutputStream(s.getOutputStream()), "+join 1 not-a-token hb");
            assertTrue(closedWithoutAnswer(s), "a malformed join is refused");
        }
        try (Socket s = new Socket("127.0.0.1", linksA.listenPort())) {
            hello(new DataOutputStream(s.getOutputStream()), new Records.Join(7, linkA.sessionToken(), "hb").body());
            assertTrue(closedWithoutAnswer(s), "a lane the session does not have is refused");
        }
        await("refusals counted", () -> linkA.stats().peer().contains("refused joins 2"));
        assertEquals(4, linkA.lanesUp(), "the session's own lanes are untouched");
        assertTrue(linksA.listenerStats().peer().contains("refused 3"), linksA.listenerStats().peer());
    }
}
