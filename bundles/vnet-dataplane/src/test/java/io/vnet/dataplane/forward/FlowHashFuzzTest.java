package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vnet.fuzz.Fuzzing;

/**
 * Any bytes as a frame, as a VM or a link peer sends them: {@link FlowHash#of} reads only the
 * frame's readable bytes (the buffer's capacity is exactly the frame, behind a prefix that must
 * not count) and gives the same hash wherever the frame sits in its buffer.
 */
@Fuzzing
class FlowHashFuzzTest {
    @FuzzTest
    @DictionaryEntries({"\u0008\u0000", "\u0081\u0000", "\u0086\u00DD", FuzzFrames.IPV4, FuzzFrames.IPV6, FuzzFrames.TCP,
            FuzzFrames.UDP})
    void frame(byte[] bytes) {
        ByteBuf alone = Unpooled.wrappedBuffer(bytes);
        int h = FlowHash.of(100, alone);
        ByteBuf behind = Unpooled.buffer(bytes.length + 7, bytes.length + 7).writeZero(7).writeBytes(bytes);
        behind.readerIndex(7);
        assertEquals(h, FlowHash.of(100, behind), "the hash depends on the frame only");
        ByteBuf shorter = Unpooled.wrappedBuffer(bytes, 0, Math.max(0, bytes.length - 1));
        FlowHash.of(100, shorter);
    }
}
