package io.vnet.dataplane.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.vnet.api.DropReason;
import io.vnet.api.LanSpec;
import io.vnet.api.NetworkId;
import io.vnet.api.PortStats;
import io.vnet.dataplane.forward.Forwarder;
import io.vnet.dataplane.forward.Port;
import io.vnet.dataplane.forward.PortCounters;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PcapPortTest {
    private static final int VNI = 100;

    /** A link that keeps the frames the forwarder sends it. */
    private static final class Uplink implements Port {
        final List<byte[]> frames = new CopyOnWriteArrayList<>();
        private final PortCounters counters = new PortCounters();

        @Override
        public String id() {
            return "link:up";
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
            byte[] b = new byte[frame.readableBytes()];
            frame.readBytes(b);
            frame.release();
            frames.add(b);
        }

        @Override
        public PortCounters counters() {
            return counters;
        }
    }

    private FakeLan lan;
    private Uplink uplink;
    private PcapPort port;

    @BeforeEach
    void setUp() {
        Forwarder fw = new Forwarder();
        fw.addNetwork(VNI);
        lan = new FakeLan();
        uplink = new Uplink();
        port = new PcapPort(new LanSpec("eth1", NetworkId.of(VNI), 1500), lan, fw, UnpooledByteBufAllocator.DEFAULT);
        fw.addInterface(VNI, port);
        fw.addLink(uplink);
        port.start();
    }

    @AfterEach
    void tearDown() {
        port.close();
    }

    private static byte[] frame(int dstLast, int srcLast, int length) {
        byte[] f = new byte[length];
        f[0] = (byte) 0xff;
        for (int i = 1; i < 6; i++) {
            f[i] = dstLast == 0xff ? (byte) 0xff : 0;
        }
        f[0] = dstLast == 0xff ? (byte) 0xff : 0x02;
        f[5] = (byte) dstLast;
        f[6] = 0x02;
        f[11] = (byte) srcLast;
        f[12] = 0x08;
        return f;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void isALocalFloodingInterfaceNamedAfterTheDevice() {
        assertEquals("interface:eth1", port.id());
        assertFalse(port.isLink());
        assertTrue(port.floods());
        assertTrue(port.isUp());
        PortStats s = port.stats();
        assertEquals("pcap", s.kind());
        assertEquals("eth1", s.id());
        assertEquals("up", s.state());
    }

    @Test
    void capturedFramesEnterTheOverlay() throws InterruptedException {
        byte[] bcast = frame(0xff, 0x10, 60);
        lan.arriving.add(bcast);
        await(() -> uplink.frames.size() == 1, "the broadcast on the uplink");
        assertArrayEquals(bcast, uplink.frames.get(0));
        assertEquals(1, port.stats().framesIn());
        assertEquals(60, port.stats().bytesIn());
    }

    @Test
    void oversizedCaptureIsDroppedAndCounted() throws InterruptedException {
        lan.arriving.add(frame(0xff, 0x10, 1518 + 1));  // what GRO makes of TCP segments
        lan.arriving.add(frame(0xff, 0x10, 1518));
        await(() -> uplink.frames.size() == 1, "the frame that fits");
        assertEquals(1518, uplink.frames.get(0).length);
        await(() -> port.counters().drops(DropReason.OVERSIZE) == 1, "the oversize drop");
    }

    @Test
    void sentFramesAreInjectedAndReleased() {
        byte[] f = frame(0x10, 0x20, 98);
        ByteBuf buf = Unpooled.directBuffer(128).writeBytes(f);
        port.send(VNI, buf);
        assertEquals(0, buf.refCnt(), "the port released the frame");
        assertEquals(1, lan.injected.size());
        assertArrayEquals(f, lan.injected.get(0));
        assertEquals(1, port.stats().framesOut());
        assertEquals(98, port.stats().bytesOut());
    }

    @Test
    void aSliceIsInjectedFromItsReaderIndex() {
        byte[] f = frame(0x10, 0x20, 64);
        ByteBuf buf = Unpooled.buffer(100).writeBytes(new byte[7]).writeBytes(f);
        buf.skipBytes(7);
        port.send(VNI, buf);
        assertArrayEquals(f, lan.injected.get(0));
    }

    @Test
    void injectFailuresAreCountedAndTheFrameReleased() {
        lan.failInject = true;
        ByteBuf buf = Unpooled.buffer().writeBytes(frame(0x10, 0x20, 64));
        port.send(VNI, buf);
        port.send(VNI, Unpooled.buffer().writeBytes(frame(0x10, 0x20, 64)));
        assertEquals(0, buf.refCnt());
        assertEquals(2, port.counters().drops(DropReason.INJECT_FAILED));
        assertEquals(0, port.stats().framesOut());
    }

    @Test
    void aClosedPortDropsWhatIsSentAndClosesTheDevice() {
        port.close();
        assertTrue(lan.closed);
        assertEquals("closed", port.stats().state());
        assertFalse(port.isUp());
        ByteBuf buf = Unpooled.buffer().writeBytes(frame(0x10, 0x20, 64));
        port.send(VNI, buf);
        assertEquals(0, buf.refCnt());
        assertEquals(1, port.counters().drops(DropReason.INJECT_FAILED));
    }

    @Test
    void aFailingDeviceIsMarkedFailedAndDown() throws InterruptedException {
        lan.failCapture = true;
        lan.wakeUp();
        await(() -> "failed".equals(port.stats().state()), "the failed state");
        assertFalse(port.isUp());
    }
}
