package io.vnet.dataplane.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.vnet.api.DropReason;
import io.vnet.api.InterfaceSpec;
import io.vnet.api.NetworkId;
import io.vnet.dataplane.forward.Forwarder;
import io.vnet.dataplane.forward.Port;
import io.vnet.dataplane.forward.PortCounters;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A multi-queue TapPort on real devices (see {@link TapLab}) over a two-loop epoll group: each
 * queue is read by its own loop, every flow by one loop and in order; a loop that reads a queue
 * writes on it, other threads write by flow and keep their order; a deleted device is reported
 * once and the port still closes; a device that cannot take queues is used with one.
 */
class TapPortMultiQueueTest {
    private static final int VNI = 4242;
    private static final long PORT_SRC = 0x02_00_00_00_0c_01L;
    private static final long PEER_SRC = 0x02_00_00_00_0d_01L;

    /** A flooding link that keeps each test frame the forwarder sends it, with the thread that sent it. */
    private static final class Sink implements Port {
        record Got(String thread, int flow, int seq) {
        }

        final ConcurrentLinkedQueue<Got> got = new ConcurrentLinkedQueue<>();
        private final PortCounters counters = new PortCounters();

        @Override
        public String id() {
            return "link:sink";
        }

        @Override
        public boolean isLink() {
            return true;
        }

        @Override
        public boolean floods() {
            return true;
        }

        @Override
        public void send(int vni, ByteBuf frame) {
            try {
                ByteBuffer b = ByteBuffer.allocate(frame.readableBytes());
                frame.getBytes(frame.readerIndex(), b);
                int[] f = TapLab.parse(b, b.capacity());
                if (f != null) {
                    got.add(new Got(Thread.currentThread().getName(), f[0], f[1]));
                }
            } finally {
                frame.release();
            }
        }

        @Override
        public PortCounters counters() {
            return counters;
        }
    }

    private static ByteBuf frame(long src, int flow, int seq, int tag) {
        return Unpooled.wrappedBuffer(TapLab.udp(src, flow, seq, tag));
    }

    private static void await(BooleanSupplier done, long millis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited " + millis + " ms for " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void twoQueuesAreReadAndWrittenByTwoLoops() throws Exception {
        String tapName = TapLab.name("t");
        String peerName = TapLab.name("p");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        Forwarder forwarder = new Forwarder();
        forwarder.addNetwork(VNI);
        Sink sink = new Sink();
        forwarder.addLink(sink);
        TapPort port = null;
        try (TapLab lab = new TapLab(); TapDevice peer = TapDevice.open(peerName, false)) {
            port = TapPort.open(new InterfaceSpec(tapName, NetworkId.of(VNI), null, 1500), forwarder,
                    PooledByteBufAllocator.DEFAULT, false, 2);
            lab.plug(tapName);
            lab.plug(peerName);
            forwarder.addInterface(VNI, port);
            port.start(group);
            assertEquals(2, port.queues());
            assertEquals(2, port.readLoops(), "each queue on a loop of its own");
            assertTrue(port.stats().peer().endsWith(", queues 2"), port.stats().peer());

            // from the bridge: many flows, read on both loops, each flow by one loop and in order
            int flows = 32;
            int perFlow = 16;
            for (int seq = 0; seq < perFlow; seq++) {
                for (int flow = 0; flow < flows; flow++) {
                    ByteBuffer f = TapLab.udp(PEER_SRC, flow, seq, 0);
                    assertTrue(peer.write(0, TapDevice.address(f), f.remaining()));
                }
            }
            await(() -> sink.got.size() >= flows * perFlow, 5000, "the frames from the bridge");
            Map<Integer, String> loopOfFlow = new HashMap<>();
            Map<Integer, Integer> nextSeq = new HashMap<>();
            for (Sink.Got g : sink.got) {
                String before = loopOfFlow.putIfAbsent(g.flow(), g.thread());
                assertEquals(before == null ? g.thread() : before, g.thread(), "flow " + g.flow() + " read by two loops");
                assertEquals(nextSeq.getOrDefault(g.flow(), 0), g.seq(), "flow " + g.flow() + " in order");
                nextSeq.put(g.flow(), g.seq() + 1);
            }
            assertEquals(flows * perFlow, sink.got.size());
            assertEquals(2, new HashSet<>(loopOfFlow.values()).size(), "frames read by both loops: " + loopOfFlow);
            assertTrue(port.framesRead(0) > 0 && port.framesRead(1) > 0);

            // to the bridge from each loop: on the queue that loop reads
            ByteBuffer buf = ByteBuffer.allocateDirect(2048);
            Set<Integer> queuesOfLoops = new HashSet<>();
            int tag = 0;
            for (EventExecutor loop : group) {
                long[] before = {port.framesWritten(0), port.framesWritten(1)};
                int first = tag;
                TapPort p = port;
                loop.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        p.send(VNI, frame(PORT_SRC, 100 + i, 0, first + i));
                    }
                }).get(5, TimeUnit.SECONDS);
                tag += 10;
                int q = port.framesWritten(0) - before[0] == 10 ? 0 : 1;
                assertEquals(10, port.framesWritten(q) - before[q], "all ten on one queue");
                assertEquals(0, port.framesWritten(1 - q) - before[1 - q], "none on the other");
                queuesOfLoops.add(q);
                for (int i = first; i < tag; i++) {
                    int[] got = TapLab.next(peer, 0, buf, 2000);
                    assertNotNull(got, "frame " + i + " reached the bridge");
                    assertEquals(i, got[2], "in the order the loop wrote them");
                }
            }
            assertEquals(Set.of(0, 1), queuesOfLoops, "each loop writes on its own queue");

            // from another thread: by flow, over both queues, in the order written
            long[] before = {port.framesWritten(0), port.framesWritten(1)};
            List<Integer> sent = new ArrayList<>();
            for (int seq = 0; seq < 2; seq++) {
                for (int flow = 0; flow < 20; flow++) {
                    port.send(VNI, frame(PORT_SRC, 200 + flow, seq, tag));
                    sent.add(tag++);
                }
            }
            long q0 = port.framesWritten(0) - before[0];
            long q1 = port.framesWritten(1) - before[1];
            assertEquals(sent.size(), q0 + q1);
            assertTrue(q0 > 0 && q1 > 0, "flows hashed over both queues: " + q0 + "/" + q1);
            for (int expected : sent) {
                int[] got = TapLab.next(peer, 0, buf, 2000);
                assertNotNull(got, "frame " + expected + " reached the bridge");
                assertEquals(expected, got[2], "one thread's frames keep their order across queues");
            }
            assertEquals(0, port.counters().drops(DropReason.TAP_FULL));

            port.close();
            assertEquals("closed", port.stats().state());
            assertFalse(lab.has(tapName), "every queue closed: the device is gone");
        } finally {
            if (port != null) {
                port.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aDeletedDeviceIsReportedOnceAndThePortStillCloses() throws Exception {
        String tapName = TapLab.name("v");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        Forwarder forwarder = new Forwarder();
        forwarder.addNetwork(VNI);
        TapPort port = null;
        try (TapLab lab = new TapLab()) {
            port = TapPort.open(new InterfaceSpec(tapName, NetworkId.of(VNI), null, 1500), forwarder,
                    PooledByteBufAllocator.DEFAULT, false, 2);
            lab.plug(tapName);
            forwarder.addInterface(VNI, port);
            port.start(group);
            assertEquals(2, port.readLoops());
            lab.in("ip", "link", "del", "dev", tapName);
            TapPort p = port;
            await(() -> "vanished".equals(p.stats().state()), 3000, "the port to see its device gone");
            port.send(VNI, frame(PORT_SRC, 1, 0, 0));
            assertEquals(1, port.counters().drops(DropReason.TAP_FULL), "a frame for a vanished TAP is a drop");
            port.close();
            assertEquals("vanished", port.stats().state());
        } finally {
            if (port != null) {
                port.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void withoutAnEpollGroupEachQueueHasAReaderThread() throws Exception {
        String tapName = TapLab.name("n");
        String peerName = TapLab.name("p");
        Forwarder forwarder = new Forwarder();
        forwarder.addNetwork(VNI);
        Sink sink = new Sink();
        forwarder.addLink(sink);
        TapPort port = null;
        try (TapLab lab = new TapLab(); TapDevice peer = TapDevice.open(peerName, false)) {
            port = TapPort.open(new InterfaceSpec(tapName, NetworkId.of(VNI), null, 1500), forwarder,
                    PooledByteBufAllocator.DEFAULT, false, 2);
            lab.plug(tapName);
            lab.plug(peerName);
            forwarder.addInterface(VNI, port);
            port.start();
            assertFalse(port.readsOnEventLoop());
            int flows = 32;
            for (int flow = 0; flow < flows; flow++) {
                ByteBuffer f = TapLab.udp(PEER_SRC, flow, 0, 0);
                assertTrue(peer.write(0, TapDevice.address(f), f.remaining()));
            }
            await(() -> sink.got.size() >= flows, 5000, "the frames from the bridge");
            Set<String> threads = new HashSet<>();
            sink.got.forEach(g -> threads.add(g.thread()));
            assertEquals(2, threads.size(), "the kernel spread " + flows + " flows over both queues: " + threads);
            assertTrue(threads.stream().allMatch(t -> t.startsWith("vnet-tap-" + tapName + "-q")), threads.toString());
            port.close();
            assertFalse(lab.has(tapName));
        } finally {
            if (port != null) {
                port.close();
            }
        }
    }

    @Test
    void aDeviceThatCannotTakeQueuesIsUsedWithOne() throws Exception {
        String name = TapLab.name("o");
        try (TapLab lab = new TapLab()) {
            lab.persistentTap(name);
            TapPort port = TapPort.open(new InterfaceSpec(name, NetworkId.of(VNI), null, 1500), new Forwarder(),
                    PooledByteBufAllocator.DEFAULT, false, 2);
            try {
                assertEquals(1, port.queues());
                assertFalse(port.stats().peer().contains("queues"), port.stats().peer());
                assertNotEquals("vanished", port.stats().state());
            } finally {
                port.close(); // before the lab deletes the device, which it cannot while the port holds it
            }
        }
        assertFalse(TapLab.hasHere(name));
    }
}
