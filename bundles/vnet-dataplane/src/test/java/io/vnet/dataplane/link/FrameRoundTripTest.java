package io.vnet.dataplane.link;

import static io.vnet.dataplane.link.RecordBytes.ethernet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vnet.api.DropReason;
import io.vnet.dataplane.forward.Offload;
import io.vnet.dataplane.forward.PortCounters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What FrameEncoder and Records write, RecordDecoder reads back identically. */
class FrameRoundTripTest {

    @Test
    void frameHeaderLayout() {
        ByteBuf h = Records.frameHeader(RecordBytes.ALLOC, 0x123456, 60);
        assertArrayEquals(new byte[] {0, 0, 0, 65, 1, 0, 0x12, 0x34, 0x56}, RecordBytes.take(h));
    }

    @Test
    void helloAndKeepaliveLayout() {
        assertArrayEquals(new byte[] {0, 0, 0, 5, 1, 1, 'a', '-', 'b'}, RecordBytes.hello("a-b"));
        assertArrayEquals(new byte[] {0, 0, 0, 10, 1, 2, 0, 0, 0, 0, 0, 0, 1, 2}, RecordBytes.keepalive(0x102));
    }

    @Test
    void aKeepaliveEchoCarriesTheProbesClockBack() {
        EmbeddedChannel dec = new EmbeddedChannel(new RecordDecoder(1518, new PortCounters(), "round trip"));
        dec.writeInbound(Records.keepalive(RecordBytes.ALLOC, 77), Records.echo(RecordBytes.ALLOC, 77));
        assertEquals(new Records.Keepalive(77, false), dec.readInbound());
        assertEquals(new Records.Keepalive(77, true), dec.readInbound());
        assertTrue(dec.isOpen());
    }

    @Test
    void encoderPutsTheHeaderInFrontWithoutCopyingTheFrame() {
        EmbeddedChannel enc = new EmbeddedChannel(FrameEncoder.INSTANCE);
        ByteBuf frame = Unpooled.wrappedBuffer(ethernet(60));
        enc.writeOutbound(new Records.FrameRecord(100, frame));
        ByteBuf header = enc.readOutbound();
        ByteBuf body = enc.readOutbound();
        assertNull(enc.readOutbound());
        ByteBuf expected = Records.frameHeader(RecordBytes.ALLOC, 100, 60);
        assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(header));
        assertSame(frame, body, "the frame itself, not a copy");
        expected.release();
        header.release();
        body.release();
        assertEquals(0, frame.refCnt());
        assertFalse(enc.finish());
    }

    @ParameterizedTest(name = "{0}-byte frame")
    @ValueSource(ints = {14, 60, 1514, 9000, 9018})
    void encodedFrameDecodesIdentically(int size) {
        byte[] eth = ethernet(size);
        List<ByteBuf> wire = encode(0xABCDEF, eth);
        EmbeddedChannel dec = new EmbeddedChannel(new RecordDecoder(9018, new PortCounters(), "round trip"));
        for (ByteBuf b : wire) {
            dec.writeInbound(b);
        }
        Records.FrameRecord got = assertInstanceOf(Records.FrameRecord.class, dec.readInbound());
        assertEquals(0xABCDEF, got.vni());
        assertArrayEquals(eth, ByteBufUtil.getBytes(got.frame()));
        got.frame().release();
        assertNull(dec.readInbound());
        assertFalse(dec.finish());
    }

    @Test
    void largeFrameSurvivesArbitraryChunkingAfterEncoding() {
        byte[] eth = ethernet(9000);
        List<ByteBuf> wire = encode(42, eth);
        ByteBuf all = Unpooled.wrappedBuffer(wire.toArray(new ByteBuf[0]));
        byte[] bytes = RecordBytes.take(all);
        assertEquals(9009, bytes.length);
        EmbeddedChannel dec = new EmbeddedChannel(new RecordDecoder(9018, new PortCounters(), "round trip"));
        List<Object> got = new ArrayList<>();
        int[] chunks = {1, 2, 3, 5, 8, 13, 1000, 4096};
        int pos = 0;
        for (int i = 0; pos < bytes.length; i++) {
            int n = Math.min(chunks[i % chunks.length], bytes.length - pos);
            dec.writeInbound(Unpooled.copiedBuffer(bytes, pos, n));
            pos += n;
            Object o;
            while ((o = dec.readInbound()) != null) {
                got.add(o);
            }
        }
        assertEquals(1, got.size());
        Records.FrameRecord f = (Records.FrameRecord) got.get(0);
        assertEquals(42, f.vni());
        assertArrayEquals(eth, ByteBufUtil.getBytes(f.frame()));
        f.frame().release();
    }

    @Test
    void manyEncodedFramesBackToBackWithPooledBuffers() {
        EmbeddedChannel enc = new EmbeddedChannel(FrameEncoder.INSTANCE);
        EmbeddedChannel dec = new EmbeddedChannel(new RecordDecoder(9018, new PortCounters(), "round trip"));
        PooledByteBufAllocator alloc = new PooledByteBufAllocator(true);
        for (int i = 0; i < 50; i++) {
            byte[] eth = ethernet(14 + i * 100);
            enc.writeOutbound(new Records.FrameRecord(i + 1, alloc.directBuffer().writeBytes(eth)));
        }
        ByteBuf out;
        while ((out = enc.readOutbound()) != null) {
            dec.writeInbound(out);
        }
        for (int i = 0; i < 50; i++) {
            Records.FrameRecord f = assertInstanceOf(Records.FrameRecord.class, dec.readInbound());
            assertEquals(i + 1, f.vni());
            assertArrayEquals(ethernet(14 + i * 100), ByteBufUtil.getBytes(f.frame()));
            f.frame().release();
        }
        assertNull(dec.readInbound());
        assertFalse(dec.finish());
        assertFalse(enc.finish());
    }

    @Test
    void anOffloadedSegmentCrossesWholeInAVersion2RecordWithItsDescriptor() {
        long offload = Offload.of(Offload.F_NEEDS_CSUM, Offload.GSO_TCPV4, 1448, 34, 16, 66);
        byte[] eth = ethernet(60_000);
        EmbeddedChannel enc = new EmbeddedChannel(FrameEncoder.INSTANCE);
        enc.writeOutbound(new Records.FrameRecord(7, Unpooled.wrappedBuffer(eth), offload));
        ByteBuf header = enc.readOutbound();
        assertEquals(19, header.readableBytes(), "9 bytes of v1 header and the 10-byte descriptor");
        assertEquals(Records.VERSION_OFFLOAD, header.getUnsignedByte(4));
        // a daemon whose frames are at most 1518 bytes still takes a 60000-byte segment
        EmbeddedChannel dec = new EmbeddedChannel(new RecordDecoder(1518, new PortCounters(), "round trip"));
        dec.writeInbound(header);
        dec.writeInbound((ByteBuf) enc.readOutbound());
        Records.FrameRecord got = assertInstanceOf(Records.FrameRecord.class, dec.readInbound());
        assertEquals(7, got.vni());
        assertEquals(offload, got.offload());
        assertArrayEquals(eth, ByteBufUtil.getBytes(got.frame()));
        got.frame().release();
        assertFalse(dec.finish());
    }

    @Test
    void aDescriptorThatPointsOutsideItsFrameClosesTheConnection() {
        assertClosedAsMalformed(Records.frameHeader(RecordBytes.ALLOC, 7, 100,
                Offload.of(Offload.F_NEEDS_CSUM, 0, 0, 90, 16, 0)));
    }

    @Test
    void aChecksumOffsetWhoseHighByteLeavesTheFrameClosesTheConnection() {
        ByteBuf h = Records.frameHeader(RecordBytes.ALLOC, 7, 100, Offload.of(Offload.F_NEEDS_CSUM, 0, 0, 34, 16, 0));
        h.setShort(h.writerIndex() - 2, 256 + 16); // csum offset 272: 16 in its low byte
        assertClosedAsMalformed(h);
    }

    @Test
    void aFlagVirtioDoesNotDefineClosesTheConnection() {
        ByteBuf h = Records.frameHeader(RecordBytes.ALLOC, 7, 100, Offload.of(Offload.F_NEEDS_CSUM, 0, 0, 34, 16, 0));
        h.setByte(h.writerIndex() - Records.OFFLOAD_DESCRIPTOR, Offload.F_NEEDS_CSUM | 0x10);
        assertClosedAsMalformed(h);
    }

    /** A version-2 record of a 100-byte frame with the header {@code h} is refused: malformed, the connection closed. */
    private static void assertClosedAsMalformed(ByteBuf h) {
        PortCounters counters = new PortCounters();
        EmbeddedChannel dec = new EmbeddedChannel(new RecordDecoder(1518, counters, "round trip"));
        dec.writeInbound(h, Unpooled.wrappedBuffer(ethernet(100)));
        assertNull(dec.readInbound());
        assertFalse(dec.isOpen());
        assertEquals(1, counters.drops(DropReason.MALFORMED));
    }

    @Test
    void anOrdinaryFrameAboveTheMaximumIsDroppedEvenInAVersion2Record() {
        PortCounters counters = new PortCounters();
        EmbeddedChannel dec = new EmbeddedChannel(new RecordDecoder(1518, counters, "round trip"));
        ByteBuf h = Records.frameHeader(RecordBytes.ALLOC, 7, 4000, Offload.of(Offload.F_NEEDS_CSUM, 0, 0, 34, 16, 0));
        dec.writeInbound(h, Unpooled.wrappedBuffer(ethernet(4000)));
        assertNull(dec.readInbound());
        assertTrue(dec.isOpen(), "one frame dropped, the link goes on");
        assertEquals(1, counters.drops(DropReason.OVERSIZE));
    }

    @Test
    void theCapabilitiesAreAHelloThatAVersion1DecoderReads() {
        EmbeddedChannel dec = new EmbeddedChannel(new RecordDecoder(1518, new PortCounters(), "round trip"));
        dec.writeInbound(Records.capabilities(RecordBytes.ALLOC, new Records.Capabilities(2, 9018, true)));
        Records.Hello h = assertInstanceOf(Records.Hello.class, dec.readInbound());
        assertEquals("+records 2 max 9018 echo", h.hostId());
        assertEquals(new Records.Capabilities(2, 9018, true), Records.Capabilities.parse(h.hostId()));
        assertEquals(new Records.Capabilities(2, 9018, false), Records.Capabilities.parse("+records 2 max 9018"));
        assertEquals(new Records.Capabilities(1, Integer.MAX_VALUE), Records.Capabilities.parse("+records 1"));
        assertNull(Records.Capabilities.parse("host-a"));
        assertNull(Records.Capabilities.parse("+records two"));
    }

    private static List<ByteBuf> encode(int vni, byte[] eth) {
        EmbeddedChannel enc = new EmbeddedChannel(FrameEncoder.INSTANCE);
        enc.writeOutbound(new Records.FrameRecord(vni, Unpooled.wrappedBuffer(eth)));
        List<ByteBuf> wire = new ArrayList<>();
        ByteBuf b;
        while ((b = enc.readOutbound()) != null) {
            wire.add(b);
        }
        assertEquals(2, wire.size());
        assertEquals(9, wire.get(0).readableBytes());
        return wire;
    }
}
