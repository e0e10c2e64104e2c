package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packing of a virtio_net_hdr into one {@code long}: every field keeps the value the header
 * carries, and a header that cannot be packed whole is {@link Offload#MALFORMED} and refused,
 * never packed as some other descriptor.
 */
class OffloadTest {

    /** A virtio_net_hdr as the tun driver writes it (little-endian). */
    private static ByteBuf virtio(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        return Unpooled.buffer().writeByte(flags).writeByte(gsoType).writeShortLE(hdrLen).writeShortLE(gsoSize)
                .writeShortLE(csumStart).writeShortLE(csumOffset);
    }

    @Test
    void aChecksumOffsetAbove255IsKept() {
        long o = Offload.readVirtio(virtio(Offload.F_NEEDS_CSUM, 0, 0, 0, 14, 256 + 16), 0);
        assertEquals(272, Offload.csumOffset(o), "the checksum field 272 bytes past csum_start, not 16");
    }

    @Test
    void aChecksumBeyondTheFrameIsRefusedWhateverItsHighByte() {
        long o = Offload.readVirtio(virtio(Offload.F_NEEDS_CSUM, 0, 0, 0, 14, 256 + 16), 0);
        assertNotNull(Offload.invalid(o, 100), "14 + 272 + 2 bytes do not fit in a 100-byte frame");
    }

    @Test
    void aChecksumDeepInTheFrameIsCompletedWhereTheHeaderSays() {
        ByteBuf f = Unpooled.buffer(400).writeZero(400);
        for (int i = 14; i < 400; i += 7) {
            f.setByte(i, i);
        }
        f.setShort(14 + 272, 0);
        long o = Offload.of(Offload.F_NEEDS_CSUM, 0, 0, 14, 272, 0);
        assertNull(Offload.invalid(o, 400));
        RecordingPort out = RecordingPort.link("vx", true);
        byte[] before = ByteBufUtil.getBytes(f);
        Segments.sendPlain(out, 5, f, o, new UnpooledByteBufAllocator(false));
        byte[] sent = ByteBufUtil.getBytes(out.sent().get(0).frame());
        assertEquals(0xFFFF, Segments.fold(Segments.sum(Unpooled.wrappedBuffer(sent), 14, 400 - 14)),
                "the checksum completes the sum from csum_start");
        assertEquals(before[14 + 16] & 0xFF, sent[14 + 16] & 0xFF, "nothing written at 16, the truncated offset");
        assertEquals(before[14 + 17] & 0xFF, sent[14 + 17] & 0xFF);
        out.releaseAll();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 255, 256, 0x7FFF, 0x8000, 0xFFFF})
    void everySixteenBitFieldKeepsItsWholeRange(int v) {
        long o = Offload.readVirtio(virtio(Offload.F_NEEDS_CSUM, Offload.GSO_TCPV4, 0, v, v, v), 0);
        assertEquals(v, Offload.gsoSize(o), "gso_size");
        assertEquals(v, Offload.csumStart(o), "csum_start");
        assertEquals(v, Offload.csumOffset(o), "csum_offset");
        assertEquals(Offload.F_NEEDS_CSUM, Offload.flags(o));
        assertEquals(Offload.GSO_TCPV4, Offload.gsoType(o));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x10000, -1, Integer.MIN_VALUE})
    void aSizeOrOffsetBeyondSixteenBitsIsMalformed(int v) {
        assertEquals(Offload.MALFORMED, Offload.of(1, 0, v, 0, 0, 0), "gso size");
        assertEquals(Offload.MALFORMED, Offload.of(1, 0, 0, v, 0, 0), "csum start");
        assertEquals(Offload.MALFORMED, Offload.of(1, 0, 0, 0, v, 0), "csum offset");
        assertEquals(Offload.MALFORMED, Offload.of(1, 0, 0, 0, 0, v), "hdr len");
    }

    @Test
    void theHeaderLengthIsCappedAt255AsAHint() {
        assertEquals(254, Offload.hdrLen(Offload.of(1, 0, 0, 0, 0, 254)));
        assertEquals(255, Offload.hdrLen(Offload.of(1, 0, 0, 0, 0, 255)));
        assertEquals(255, Offload.hdrLen(Offload.of(1, 0, 0, 0, 0, 256)), "capped");
        assertEquals(255, Offload.hdrLen(Offload.readVirtio(virtio(1, 0, 0xFFFF, 0, 0, 0), 0)), "capped");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
    void everyFlagVirtioDefinesIsKept(int flags) {
        long o = Offload.readVirtio(virtio(flags, 0, 0, 0, 0xFFFF, 0xFFFF), 0);
        assertEquals(flags, Offload.flags(o));
        assertEquals(0xFFFF, Offload.csumStart(o));
        assertEquals(0xFFFF, Offload.csumOffset(o));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x08, 0x10, 0x80, 0xFF, 0x100})
    void anUnknownFlagIsMalformed(int flags) {
        assertEquals(Offload.MALFORMED, Offload.of(flags, 0, 0, 0, 0, 0));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 4, 5, 7, 0x80, 0x81, 0x84, 0x87})
    void everyGsoTypeThatFitsIsKept(int gsoType) {
        long o = Offload.readVirtio(virtio(Offload.F_NEEDS_CSUM, gsoType, 0, 0xFFFF, 0, 0), 0);
        assertEquals(gsoType, Offload.gsoType(o));
        assertEquals(Offload.F_NEEDS_CSUM, Offload.flags(o));
        assertEquals(0xFFFF, Offload.gsoSize(o));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x08, 0x10, 0x20, 0x40, 0x7F, 0xFF, 0x100})
    void aGsoTypeBitThatDoesNotFitIsMalformed(int gsoType) {
        assertEquals(Offload.MALFORMED, Offload.of(Offload.F_NEEDS_CSUM, gsoType, 1448, 34, 16, 66));
    }

    @Test
    void aGsoTypeThatFitsButIsNotSegmentedIsRefused() {
        long o = Offload.of(Offload.F_NEEDS_CSUM, Offload.GSO_UDP_L4, 1448, 34, 6, 42);
        assertEquals("unsupported GSO type 5", Offload.invalid(o, 3000));
    }

    @Test
    void aMalformedDescriptorIsRefusedAndSurvivesTheWire() {
        assertNotNull(Offload.invalid(Offload.MALFORMED, 65_535));
        ByteBuf w = Unpooled.buffer();
        Offload.writeWire(w, Offload.MALFORMED);
        assertEquals(Offload.MALFORMED, Offload.readWire(w, 0), "still refused by the peer that reads it");
    }

    @Test
    void theLargestFieldsTogetherAreNotMalformed() {
        long o = Offload.of(7, 0x87, 0xFFFF, 0xFFFF, 0xFFFF, 255);
        assertNotEquals(Offload.MALFORMED, o);
        assertEquals(7, Offload.flags(o));
        assertEquals(0x87, Offload.gsoType(o));
        assertEquals(0xFFFF, Offload.gsoSize(o));
        assertEquals(0xFFFF, Offload.csumStart(o));
        assertEquals(0xFFFF, Offload.csumOffset(o));
        assertEquals(255, Offload.hdrLen(o));
    }

    @Test
    void aVerifiedChecksumAlonePacksToTheFlagItself() {
        assertEquals(Offload.F_DATA_VALID, Offload.readVirtio(virtio(Offload.F_DATA_VALID, 0, 0, 0, 0, 0), 0),
                "TapPort compares the packed descriptor with F_DATA_VALID");
    }

    @Test
    void packingKeepsEveryFieldOnTheWireAndInVirtio() {
        long o = Offload.of(1, 0x81, 9000, 0xFFFF, 300, 300);
        assertEquals(1, Offload.flags(o));
        assertEquals(0x81, Offload.gsoType(o));
        assertEquals(9000, Offload.gsoSize(o));
        assertEquals(0xFFFF, Offload.csumStart(o));
        assertEquals(300, Offload.csumOffset(o));
        assertEquals(255, Offload.hdrLen(o), "capped");
        ByteBuf w = Unpooled.buffer();
        Offload.writeWire(w, o);
        assertEquals(o, Offload.readWire(w, 0));
        ByteBuf v = Unpooled.buffer();
        Offload.writeVirtio(v, o);
        assertEquals(o, Offload.readVirtio(v, 0));
        assertEquals(9000, v.getUnsignedShortLE(4), "virtio fields are little-endian");
        assertEquals(300, v.getUnsignedShortLE(8), "csum_offset written whole");
    }
}
