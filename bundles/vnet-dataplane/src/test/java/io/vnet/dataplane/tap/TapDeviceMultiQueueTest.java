package io.vnet.dataplane.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Multi-queue TAP devices, on real devices (see {@link TapLab}): N queues are N descriptors on one
 * interface with IFF_MULTI_QUEUE, a frame written on any queue reaches the bridge, the kernel
 * spreads flows over the queues (each flow whole, in order, on one queue), one queue is an
 * ordinary TAP without the flag, and closing removes the device.
 */
class TapDeviceMultiQueueTest {
    private static final long MQ_SRC = 0x02_00_00_00_0a_01L;
    private static final long PEER_SRC = 0x02_00_00_00_0b_01L;

    @Test
    void fourQueuesAreOneInterfaceAndCarryFramesBothWays() throws Exception {
        String mqName = TapLab.name("m");
        String peerName = TapLab.name("p");
        try (TapLab lab = new TapLab();
             TapDevice mq = TapDevice.open(mqName, false, 4);
             TapDevice peer = TapDevice.open(peerName, false)) {
            assertEquals(4, mq.queues());
            Set<Integer> fds = new HashSet<>();
            for (int q = 0; q < 4; q++) {
                assertTrue(mq.fd(q) >= 0);
                fds.add(mq.fd(q));
            }
            assertEquals(4, fds.size(), "a descriptor per queue");
            try (Stream<Path> s = Files.list(Path.of("/sys/class/net", mqName, "queues"))) {
                assertEquals(4, s.filter(p -> p.getFileName().toString().startsWith("tx-")).count(),
                        "the kernel's transmit queues of the device");
            }
            int flags = Integer.decode(Files.readString(Path.of("/sys/class/net", mqName, "tun_flags")).trim());
            assertEquals(LinuxC.IFF_MULTI_QUEUE, flags & LinuxC.IFF_MULTI_QUEUE, "tun_flags " + Integer.toHexString(flags));
            String link = io.vnet.dataplane.sys.Command.must(null, "ip", "-d", "link", "show", "dev", mqName).out();
            assertTrue(link.contains("multi_queue") && link.contains("numqueues 4"), link);

            lab.plug(mqName);
            lab.plug(peerName);
            ByteBuffer buf = ByteBuffer.allocateDirect(2048);

            // a frame written on each queue crosses the bridge to the peer
            for (int q = 0; q < 4; q++) {
                ByteBuffer f = TapLab.udp(MQ_SRC, 900 + q, 0, q);
                assertTrue(mq.write(q, TapDevice.address(f), f.remaining()), "write on queue " + q);
                int[] got = TapLab.next(peer, 0, buf, 2000);
                assertNotNull(got, "the frame written on queue " + q + " reached the peer");
                assertEquals(q, got[2]);
            }

            // many flows from the bridge: spread over the queues, each flow on one queue, in order
            int flows = 32;
            int perFlow = 8;
            for (int seq = 0; seq < perFlow; seq++) {
                for (int flow = 0; flow < flows; flow++) {
                    ByteBuffer f = TapLab.udp(PEER_SRC, flow, seq, 0);
                    assertTrue(peer.write(0, TapDevice.address(f), f.remaining()));
                }
            }
            Map<Integer, Integer> queueOfFlow = new HashMap<>();
            Map<Integer, Integer> nextSeq = new HashMap<>();
            int received = 0;
            for (int q = 0; q < 4; q++) {
                int[] got;
                while ((got = TapLab.next(mq, q, buf, 300)) != null) {
                    int flow = got[0];
                    Integer before = queueOfFlow.putIfAbsent(flow, q);
                    assertEquals(before == null ? q : before, q, "flow " + flow + " came on two queues");
                    assertEquals(nextSeq.getOrDefault(flow, 0), got[1], "flow " + flow + " in order");
                    nextSeq.put(flow, got[1] + 1);
                    received++;
                }
            }
            assertEquals(flows * perFlow, received, "every frame read on one of the queues");
            assertTrue(new HashSet<>(queueOfFlow.values()).size() >= 2,
                    "the kernel spread " + flows + " flows over the queues: " + queueOfFlow);

            assertTrue(lab.has(mqName));
            mq.close();
            assertEquals(-1, mq.fd(3));
            assertFalse(lab.has(mqName), "closing every queue removed the device");
        }
    }

    @Test
    void oneQueueIsAnOrdinaryTap() throws Exception {
        String name = TapLab.name("s");
        try (TapDevice tap = TapDevice.open(name, true, 1)) {
            assertEquals(1, tap.queues());
            assertTrue(tap.offloads());
            int flags = Integer.decode(Files.readString(Path.of("/sys/class/net", name, "tun_flags")).trim());
            assertEquals(0, flags & LinuxC.IFF_MULTI_QUEUE, "tun_flags " + Integer.toHexString(flags));
            assertEquals(LinuxC.IFF_VNET_HDR, flags & LinuxC.IFF_VNET_HDR, "tun_flags " + Integer.toHexString(flags));
            String link = io.vnet.dataplane.sys.Command.must(null, "ip", "-d", "link", "show", "dev", name).out();
            assertTrue(link.contains("numtxqueues 1 ") && !link.contains("multi_queue"), link);
        } finally {
            assertFalse(TapLab.hasHere(name), "closed: the device is gone");
        }
    }

    @Test
    void aQueueCountOutOfRangeIsRefusedBeforeAnythingIsOpened() throws Exception {
        String name = TapLab.name("r");
        for (int n : new int[] {0, -1, TapDevice.MAX_QUEUES + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TapDevice.open(name, false, n));
            assertTrue(e.getMessage().contains(name) && e.getMessage().contains(n + " queues")
                    && e.getMessage().contains("1.." + TapDevice.MAX_QUEUES), e.getMessage());
        }
        assertFalse(TapLab.hasHere(name));
    }

    @Test
    void aSingleQueueDeviceOfTheSameNameCannotTakeQueuesAndTheMessageSaysWhich() throws Exception {
        String name = TapLab.name("x");
        try (TapLab lab = new TapLab()) {
            lab.persistentTap(name);
            IOException e = assertThrows(IOException.class, () -> TapDevice.open(name, false, 4));
            assertTrue(e.getMessage().startsWith("cannot attach queue 0 of TAP device " + name + " (TUNSETIFF)"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("single-queue"), e.getMessage());
            try (TapDevice single = TapDevice.open(name, false, 1)) {
                assertEquals(1, single.queues(), "the device itself is usable as it is");
            }
        }
        assertFalse(TapLab.hasHere(name), "the persistent device was deleted");
    }
}
