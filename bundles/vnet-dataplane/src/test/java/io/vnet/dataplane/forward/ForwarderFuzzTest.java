package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.vnet.api.ForwardingRule;
import io.vnet.api.MacAddress;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.LeakCheck;
import io.vnet.fuzz.TrackedAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Hostile frames through {@link Forwarder#forward}: Ethernet, VLAN, ARP, IPv4 and IPv6 headers
 * and offload descriptors as the fuzzer likes, between a TAP and two links of fuzzed MTUs, so that
 * {@link Frames}, {@link Segments} (software GSO and checksums) and {@link TooBig} (ICMP answers,
 * IPv4 fragments) parse them. Nothing may throw to the caller, no frame may fault (a fault is a
 * bounds check missing somewhere), and every buffer is released once the ports have released
 * what they were sent.
 */
@Fuzzing
class ForwarderFuzzTest {
    static final int VNI = 100;
    private static final TrackedAllocator BUFFERS = new TrackedAllocator();

    @FuzzTest
    @DictionaryEntries({FuzzFrames.IPV4, FuzzFrames.DF, FuzzFrames.TCP, FuzzFrames.UDP, FuzzFrames.TCP_ACK,
            FuzzFrames.IPV6, FuzzFrames.ICMP6})
    void frames(FuzzedDataProvider data) {
        Forwarder forwarder = new Forwarder();
        RecordingPort tap = RecordingPort.tap("vm");
        RecordingPort star = RecordingPort.link("star", true);
        RecordingPort fast = RecordingPort.link("fast", false);
        RecordingPort[] ports = {tap, star, fast};
        for (RecordingPort p : ports) {
            p.maxFrame = data.consumeBoolean() ? Integer.MAX_VALUE : data.consumeInt(60, 9018);
        }
        forwarder.addInterface(VNI, tap);
        forwarder.addLink(star);
        forwarder.addLink(fast);
        if (data.consumeBoolean()) {
            forwarder.addRule(new ForwardingRule(NetworkId.of(VNI), MacMatch.ANY,
                    MacMatch.exact(MacAddress.of(FuzzFrames.VM2)), RuleTarget.link("fast")));
        }
        List<ByteBuf> given = new ArrayList<>();
        int frames = data.consumeInt(1, 6);
        for (int i = 0; i < frames && data.remainingBytes() > 0; i++) {
            RecordingPort in = data.pickValue(ports);
            ByteBuf f;
            long offload;
            if (data.consumeBoolean()) { // anything, with any descriptor the ingress lets through
                f = FuzzFrames.frame(data, BUFFERS.alloc(), 3000);
                offload = FuzzFrames.offload(data, f.readableBytes());
            } else { // a well-formed TCP segment, maybe a large one to be cut
                f = FuzzFrames.tcpSegment(data, BUFFERS.alloc(), data.consumeBoolean(), data.consumeInt() & 0xFFFF_FFFFL,
                        data.consumeInt(0, 3000));
                offload = data.consumeBoolean() ? FuzzFrames.gso(data, f) : Offload.NONE;
            }
            given.add(f);
            forwarder.forward(in, data.consumeBoolean() ? VNI : data.consumeInt(0, 200), f, offload);
        }
        assertEquals(0, forwarder.faults(), "frames that faulted in the forwarder (a missing bounds check)");
        for (RecordingPort p : ports) {
            for (RecordingPort.Sent s : p.sent()) {
                assertTrue(s.frame().refCnt() > 0, "a port was sent a released buffer");
            }
            p.releaseAll();
        }
        for (RecordingPort p : ports) {
            for (ByteBuf b : p.everSent()) {
                assertEquals(0, b.refCnt(), "a buffer sent to " + p + " is still referenced after the ports released theirs");
            }
        }
        for (ByteBuf f : given) {
            assertEquals(0, f.refCnt(), "a frame given to the forwarder was not released");
        }
        BUFFERS.assertAllReleased("forwarding " + given.size() + " frame(s)");
        LeakCheck.afterInput();
    }
}
