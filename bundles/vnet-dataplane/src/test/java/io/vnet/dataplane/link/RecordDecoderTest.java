package io.vnet.dataplane.link;

import static io.vnet.dataplane.link.RecordBytes.concat;
import static io.vnet.dataplane.link.RecordBytes.drain;
import static io.vnet.dataplane.link.RecordBytes.ethernet;
import static io.vnet.dataplane.link.RecordBytes.frame;
import static io.vnet.dataplane.link.RecordBytes.frameText;
import static io.vnet.dataplane.link.RecordBytes.hello;
import static io.vnet.dataplane.link.RecordBytes.keepalive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vnet.api.DropReason;
import io.vnet.dataplane.forward.PortCounters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {
    private static final int MAX_FRAME = 1518;
    private static final byte[] ETH = ethernet(60);
    private static final byte[] STREAM = concat(hello("host-a"), keepalive(0x0102030405060708L),
            frame(100, ETH), frame(0xFFFFFF, ethernet(1518)), keepalive(-1L));
    private static final List<String> EXPECTED = List.of("hello host-a", "keepalive " + 0x0102030405060708L,
            frameText(100, ETH), frameText(0xFFFFFF, ethernet(1518)), "keepalive -1");

    private final PortCounters counters = new PortCounters();

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new RecordDecoder(MAX_FRAME, counters, "test connection"));
    }

    private static ByteBuf buf(byte[] bytes, int from, int to) {
        return Unpooled.copiedBuffer(bytes, from, to - from);
    }

    @Test
    void decodesRecordsArrivingTogether() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(STREAM));
        assertEquals(EXPECTED, drain(ch));
        assertTrue(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void decodesRecordsSplitAtEveryByteBoundary() {
        for (int split = 1; split < STREAM.length; split++) {
            EmbeddedChannel ch = channel();
            ch.writeInbound(buf(STREAM, 0, split));
            List<String> got = new ArrayList<>(drain(ch));
            ch.writeInbound(buf(STREAM, split, STREAM.length));
            got.addAll(drain(ch));
            assertEquals(EXPECTED, got, "split at " + split);
            assertFalse(ch.finish());
        }
    }

    @Test
    void decodesRecordsFedByteByByte() {
        EmbeddedChannel ch = channel();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < STREAM.length; i++) {
            ch.writeInbound(buf(STREAM, i, i + 1));
            got.addAll(drain(ch));
        }
        assertEquals(EXPECTED, got);
        assertTrue(ch.isOpen());
        assertFalse(ch.finish());
        for (DropReason r : DropReason.values()) {
            assertEquals(0, counters.drops(r), r.name());
        }
    }

    @Test
    void decodesInThreeUnevenChunks() {
        int[] cuts = {0, 3, 20, STREAM.length};
        EmbeddedChannel ch = channel();
        List<String> got = new ArrayList<>();
        for (int i = 0; i + 1 < cuts.length; i++) {
            ch.writeInbound(buf(STREAM, cuts[i], cuts[i + 1]));
            got.addAll(drain(ch));
        }
        assertEquals(EXPECTED, got);
    }

    @Test
    void runtFrameIsCountedAndDecodingContinues() {
        byte[] stream = concat(frame(100, ethernet(13)), hello("host-b"), frame(100, new byte[0]), frame(100, ETH));
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(stream));
        assertEquals(List.of("hello host-b", frameText(100, ETH)), drain(ch));
        assertEquals(2, counters.drops(DropReason.RUNT));
        assertTrue(ch.isOpen());
    }

    @Test
    void runtFrameFedByteByByteIsCountedOnce() {
        byte[] stream = concat(frame(7, ethernet(5)), keepalive(42));
        EmbeddedChannel ch = channel();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < stream.length; i++) {
            ch.writeInbound(buf(stream, i, i + 1));
            got.addAll(drain(ch));
        }
        assertEquals(List.of("keepalive 42"), got);
        assertEquals(1, counters.drops(DropReason.RUNT));
    }

    @Test
    void frameOfExactlyTheMaximumIsAccepted() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frame(5, ethernet(MAX_FRAME))));
        assertEquals(List.of(frameText(5, ethernet(MAX_FRAME))), drain(ch));
        assertEquals(0, counters.drops(DropReason.OVERSIZE));
        assertTrue(ch.isOpen());
    }

    @Test
    void oversizeRecordIsCountedAndClosesTheConnection() {
        byte[] stream = concat(hello("host-a"), frame(5, ethernet(MAX_FRAME + 1)), keepalive(1));
        assertBreaks(stream, DropReason.OVERSIZE, List.of("hello host-a"));
    }

    @Test
    void oversizeIsDetectedFromTheHeaderAlone() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(RecordBytes.raw(0xFFFF_FFFFL, 1, 0, new byte[0])));
        assertFalse(ch.isOpen(), "no need to wait for 4 GB");
        assertEquals(1, counters.drops(DropReason.OVERSIZE));
    }

    @Test
    void recordShorterThanItsHeaderClosesTheConnection() {
        assertBreaks(RecordBytes.raw(1, 1, 1, new byte[8]), DropReason.MALFORMED, List.of());
    }

    @Test
    void badVersionIsCountedAndClosesTheConnection() {
        byte[] stream = concat(keepalive(9), RecordBytes.raw(10, 2, 2, new byte[8]), hello("never"));
        assertBreaks(stream, DropReason.BAD_VERSION, List.of("keepalive 9"));
    }

    @Test
    void unknownTypeIsCountedAndClosesTheConnection() {
        byte[] stream = concat(hello("h"), RecordBytes.raw(2, 1, 3, new byte[0]), hello("never"));
        assertBreaks(stream, DropReason.BAD_TYPE, List.of("hello h"));
    }

    @Test
    void malformedHelloAndKeepaliveCloseTheConnection() {
        assertBreaks(RecordBytes.raw(2, 1, 1, new byte[0]), DropReason.MALFORMED, List.of());
        assertBreaks(hello("h".repeat(Records.MAX_HELLO + 1)), DropReason.MALFORMED, List.of());
        assertBreaks(RecordBytes.raw(9, 1, 2, new byte[7]), DropReason.MALFORMED, List.of());
    }

    @Test
    void brokenHeaderFedByteByByteBreaksOnItsSixthByte() {
        byte[] bad = RecordBytes.raw(10, 7, 2, new byte[8]);
        EmbeddedChannel ch = channel();
        for (int i = 0; i < 5; i++) {
            ch.writeInbound(buf(bad, i, i + 1));
            assertTrue(ch.isOpen(), "open after " + (i + 1) + " bytes");
        }
        ch.writeInbound(buf(bad, 5, 6));
        assertFalse(ch.isOpen());
        assertEquals(1, counters.drops(DropReason.BAD_VERSION));
    }

    @Test
    void countToMovesTheCountingToTheLink() {
        PortCounters link = new PortCounters();
        RecordDecoder decoder = new RecordDecoder(MAX_FRAME, counters, "unidentified");
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(Unpooled.wrappedBuffer(frame(1, ethernet(2))));
        decoder.countTo(link, "link x");
        ch.writeInbound(Unpooled.wrappedBuffer(frame(1, ethernet(3))));
        assertEquals(1, counters.drops(DropReason.RUNT));
        assertEquals(1, link.drops(DropReason.RUNT));
    }

    @Test
    void inputBuffersAreAllReleasedOnceFramesAre() {
        EmbeddedChannel ch = channel();
        List<ByteBuf> inputs = new ArrayList<>();
        for (int i = 0; i < STREAM.length; i += 17) {
            ByteBuf b = buf(STREAM, i, Math.min(STREAM.length, i + 17));
            inputs.add(b);
            ch.writeInbound(b);
        }
        List<Records.FrameRecord> frames = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof Records.FrameRecord f) {
                frames.add(f);
            }
        }
        assertEquals(2, frames.size());
        assertFalse(ch.finish());
        frames.forEach(f -> f.frame().release());
        for (Records.FrameRecord f : frames) {
            assertEquals(0, f.frame().refCnt());
        }
        for (ByteBuf b : inputs) {
            assertEquals(0, b.refCnt());
        }
    }

    /** Feeds {@code stream}; expects the records before the bad one, one drop and a closed channel. */
    private void assertBreaks(byte[] stream, DropReason reason, List<String> before) {
        PortCounters c = new PortCounters();
        EmbeddedChannel ch = new EmbeddedChannel(new RecordDecoder(MAX_FRAME, c, "test connection"));
        ch.writeInbound(Unpooled.wrappedBuffer(stream));
        assertEquals(before, drain(ch), Arrays.toString(stream));
        assertFalse(ch.isOpen(), "connection closed after " + reason);
        for (DropReason r : DropReason.values()) {
            assertEquals(r == reason ? 1 : 0, c.drops(r), r.name());
        }
        ch.finishAndReleaseAll();
    }
}
