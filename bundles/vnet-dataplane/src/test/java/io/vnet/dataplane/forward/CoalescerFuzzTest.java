package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.LeakCheck;
import io.vnet.fuzz.TrackedAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch of hostile frames, as VXLAN datagrams bring them, through {@link Coalescer} (the GRO in
 * user space: it merges TCP segments of one flow) and on through the forwarder, whose ports cut
 * merged segments again. The coalescer must neither throw nor hand on a descriptor the forwarder
 * faults on, and every buffer is released.
 */
@Fuzzing
class CoalescerFuzzTest {
    private static final TrackedAllocator BUFFERS = new TrackedAllocator();

    @FuzzTest
    @DictionaryEntries({FuzzFrames.IPV4, FuzzFrames.DF, FuzzFrames.TCP, FuzzFrames.TCP_ACK, FuzzFrames.IPV6})
    void batch(FuzzedDataProvider data) {
        Forwarder forwarder = new Forwarder();
        RecordingPort tap = RecordingPort.tap("vm");
        RecordingPort peer = RecordingPort.link("peer", true);
        RecordingPort other = RecordingPort.link("other", true);
        tap.maxFrame = data.consumeBoolean() ? Integer.MAX_VALUE : data.consumeInt(60, 9018);
        forwarder.addInterface(ForwarderFuzzTest.VNI, tap);
        forwarder.addLink(peer);
        forwarder.addLink(other);
        Coalescer coalescer = new Coalescer(BUFFERS.alloc(), forwarder::forward);
        List<ByteBuf> given = new ArrayList<>();
        int frames = data.consumeInt(1, 12);
        boolean v6 = data.consumeBoolean();
        long seq = data.consumeInt() & 0xFFFF_FFFFL;
        int mss = data.consumeInt(1, 1448);
        for (int i = 0; i < frames && data.remainingBytes() > 0; i++) {
            ByteBuf f;
            switch (data.consumeInt(0, 2)) {
                case 0 -> f = FuzzFrames.frame(data, BUFFERS.alloc(), 1600); // anything
                case 1 -> { // the next segment of the flow, as a sender's TSO cut it
                    int payload = data.consumeBoolean() ? mss : data.consumeInt(0, mss);
                    f = FuzzFrames.tcpSegment(data, BUFFERS.alloc(), v6, seq, payload);
                    seq = (seq + payload) & 0xFFFF_FFFFL;
                }
                default -> f = FuzzFrames.tcpSegment(data, BUFFERS.alloc(), data.consumeBoolean(),
                        data.consumeInt() & 0xFFFF_FFFFL, data.consumeInt(0, 1448)); // another segment
            }
            given.add(f);
            coalescer.offer(data.consumeInt(0, 7) == 0 ? other : peer, ForwarderFuzzTest.VNI, f);
        }
        coalescer.flush();
        assertEquals(0, forwarder.faults(), "frames that faulted in the forwarder (a missing bounds check)");
        RecordingPort[] ports = {tap, peer, other};
        for (RecordingPort p : ports) {
            p.releaseAll();
        }
        for (RecordingPort p : ports) {
            for (ByteBuf b : p.everSent()) {
                assertEquals(0, b.refCnt(), "a buffer sent to " + p + " is still referenced after the ports released theirs");
            }
        }
        for (ByteBuf f : given) {
            assertEquals(0, f.refCnt(), "a frame given to the coalescer was not released");
        }
        BUFFERS.assertAllReleased("coalescing " + given.size() + " frame(s)");
        LeakCheck.afterInput();
    }
}
