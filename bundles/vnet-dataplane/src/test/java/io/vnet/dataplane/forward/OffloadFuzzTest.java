package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.vnet.api.DropReason;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.LeakCheck;
import io.vnet.fuzz.TrackedAllocator;

/**
 * What a TAP with offloads reads: a virtio_net_hdr (10 bytes, little-endian) and then a frame,
 * both chosen by the guest. The header is parsed by {@link Offload#readVirtio} and checked as
 * {@code TapPort.readOne} checks it (a verified checksum is nothing to do; a descriptor
 * {@link Offload#invalid} refuses is counted malformed), and the frame with its descriptor goes
 * through the forwarder to a link that cuts and checksums segments in software. That method
 * reads from a real TAP device, so this test repeats its three checks rather than call it.
 */
@Fuzzing
class OffloadFuzzTest {
    private static final TrackedAllocator BUFFERS = new TrackedAllocator();

    @FuzzTest
    @DictionaryEntries({FuzzFrames.IPV4, FuzzFrames.DF, FuzzFrames.TCP, FuzzFrames.TCP_ACK, FuzzFrames.IPV6})
    void tapRead(byte[] read) {
        if (read.length < Offload.VIRTIO_HDR) {
            return; // the tun driver always writes the whole header
        }
        Forwarder forwarder = new Forwarder();
        RecordingPort tap = RecordingPort.tap("vm");
        RecordingPort link = RecordingPort.link("star", true);
        link.maxFrame = 1518;
        forwarder.addInterface(ForwarderFuzzTest.VNI, tap);
        forwarder.addLink(link);
        ByteBuf big = BUFFERS.alloc().directBuffer(read.length);
        big.writeBytes(read);
        int len = read.length - Offload.VIRTIO_HDR;
        long offload = Offload.readVirtio(big, 0);
        assertPackedWhole(big, offload);
        assertEquals(offload, overTheWire(offload), "a descriptor survives the link records' byte order");
        if (offload == Offload.F_DATA_VALID) {
            offload = Offload.NONE;
        }
        if (offload != Offload.NONE && Offload.invalid(offload, len) != null) {
            tap.counters().drop(DropReason.MALFORMED);
            big.release();
        } else {
            forwarder.forward(tap, ForwarderFuzzTest.VNI, big.setIndex(Offload.VIRTIO_HDR, read.length), offload);
        }
        assertEquals(0, forwarder.faults(), "frames that faulted in the forwarder (a missing bounds check)");
        link.releaseAll();
        tap.releaseAll();
        assertEquals(0, big.refCnt(), "the read buffer was not released");
        BUFFERS.assertAllReleased("a TAP read of " + read.length + " bytes");
        LeakCheck.afterInput();
    }

    /**
     * Every field of the header {@code h} is in {@code o} as the header has it (the header length
     * capped at 255), or {@code o} is {@link Offload#MALFORMED} because a flag or GSO type bit
     * cannot be packed: never a descriptor that says something else.
     */
    private static void assertPackedWhole(ByteBuf h, long o) {
        int flags = h.getUnsignedByte(0);
        int gsoType = h.getUnsignedByte(1);
        boolean fits = (flags & ~7) == 0 && (gsoType & ~0x87) == 0;
        assertEquals(fits, o != Offload.MALFORMED, "flags " + flags + ", GSO type " + gsoType);
        if (fits) {
            assertEquals(flags, Offload.flags(o), "flags");
            assertEquals(gsoType, Offload.gsoType(o), "GSO type");
            assertEquals(Math.min(h.getUnsignedShortLE(2), 255), Offload.hdrLen(o), "header length");
            assertEquals(h.getUnsignedShortLE(4), Offload.gsoSize(o), "GSO size");
            assertEquals(h.getUnsignedShortLE(6), Offload.csumStart(o), "checksum start");
            assertEquals(h.getUnsignedShortLE(8), Offload.csumOffset(o), "checksum offset");
        }
    }

    /** The descriptor written as a version-2 link record carries it, and read back. */
    private static long overTheWire(long offload) {
        ByteBuf b = BUFFERS.alloc().heapBuffer(Offload.VIRTIO_HDR);
        try {
            Offload.writeWire(b, offload);
            return Offload.readWire(b, 0);
        } finally {
            b.release();
        }
    }
}
