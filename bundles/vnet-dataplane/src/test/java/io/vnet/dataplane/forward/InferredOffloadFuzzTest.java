package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vnet.fuzz.Fuzzing;

/**
 * Any bytes as the inner frame of a VXLAN datagram, as a peer or anyone on the underlay sends
 * them, for any MTU: {@link InferredOffload#of} reads only the frame, gives the same answer
 * wherever the frame sits in its buffer, and a descriptor it gives passes the ingress check, cuts
 * only frames above the MTU into segments that fit it and, completed, leaves a checksum that verifies.
 */
@Fuzzing
class InferredOffloadFuzzTest {
    @FuzzTest
    @DictionaryEntries({"\u0008\u0000", "\u0086\u00DD", "\u0045", "\u0060", FuzzFrames.IPV4, FuzzFrames.IPV6,
            FuzzFrames.TCP, FuzzFrames.UDP})
    void frame(FuzzedDataProvider data) {
        int mtu = data.consumeInt(68, 9000);
        byte[] bytes = data.consumeRemainingAsBytes();
        ByteBuf alone = Unpooled.wrappedBuffer(bytes);
        long o = InferredOffload.of(alone, mtu);
        ByteBuf behind = Unpooled.buffer(bytes.length + 5, bytes.length + 5).writeZero(5).writeBytes(bytes);
        behind.readerIndex(5);
        assertEquals(o, InferredOffload.of(behind, mtu), "the answer depends on the frame only");
        InferredOffload.of(Unpooled.wrappedBuffer(bytes, 0, Math.max(0, bytes.length - 1)), mtu);
        if (o == Offload.NONE) {
            return;
        }
        assertNull(Offload.invalid(o, bytes.length));
        if (Offload.isGso(o)) {
            assertTrue(bytes.length - 14 > mtu, "only a frame larger than the MTU is cut");
            assertTrue(TooBig.wireSize(alone, o) - 14 <= mtu, "its segments fit the MTU");
        } else {
            assertTrue(bytes.length - 14 <= mtu, "a frame larger than the MTU is cut or left alone");
        }
        Segments.completeChecksum(alone, Offload.csumStart(o), Offload.csumOffset(o));
        boolean v4 = alone.getUnsignedShort(12) == Frames.ETH_P_IPV4;
        int l4 = Offload.csumStart(o);
        byte[] done = io.netty.buffer.ByteBufUtil.getBytes(alone);
        int proto = done[v4 ? 23 : 20] & 0xFF;
        long pseudo = v4 ? SegmentsTest.checksum(done, 26, 8, proto + done.length - l4)
                : SegmentsTest.checksum(done, 22, 32, proto + done.length - l4);
        assertTrue(SegmentsTest.checksum(done, l4, done.length - l4, pseudo) == 0xFFFF, "completed, it verifies");
    }
}
