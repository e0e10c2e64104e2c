package io.vnet.dataplane.forward;

import static io.vnet.dataplane.forward.EthFrames.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent speaks for a VM that arrived (a RARP from it) or left (its address forgotten). */
class ForwarderAnnounceTest {
    private static final int VNI = 100;
    private static final long X = mac("02:00:00:00:00:01");

    private Forwarder fw;
    private RecordingPort tap;
    private RecordingPort a;
    private RecordingPort b;

    @BeforeEach
    void setUp() {
        fw = new Forwarder();
        tap = RecordingPort.tap("tap0");
        a = RecordingPort.link("a", true);
        b = RecordingPort.link("b", true);
        fw.addInterface(VNI, tap);
        fw.addLink(a);
        fw.addLink(b);
    }

    @AfterEach
    void release() {
        List.of(tap, a, b).forEach(RecordingPort::releaseAll);
    }

    @Test
    void theAnnouncementIsAMinimalRarpRequestReverseFromTheVm() {
        ByteBuf f = Frames.rarpAnnouncement(UnpooledByteBufAllocator.DEFAULT, X);
        try {
            assertEquals(Frames.MIN_FRAME, f.readableBytes());
            assertEquals(0xFFFF_FFFF_FFFFL, Frames.dst(f));
            assertEquals(X, Frames.src(f));
            int l3 = Frames.l3Offset(f);
            assertEquals(Frames.ETH_P_RARP, Frames.etherType(f, l3));
            assertTrue(Frames.isAnnouncement(f, Frames.ETH_P_RARP, l3, X), "the forwarders must take it as an announcement");
        } finally {
            f.release();
        }
    }

    @Test
    void anAnnouncementFromTheTapIsLearnedLocallyAndFloodedOnEveryLink() {
        fw.forward(tap, VNI, Frames.rarpAnnouncement(UnpooledByteBufAllocator.DEFAULT, X));
        assertEquals(List.of(X), fw.localAddresses().get(VNI));
        assertEquals(1, a.count());
        assertEquals(1, b.count());
        assertEquals(0, tap.count(), "not sent back to the bridge it came from");
    }

    @Test
    void aForgottenAddressIsNoLongerLocal() {
        fw.forward(tap, VNI, Frames.rarpAnnouncement(UnpooledByteBufAllocator.DEFAULT, X));
        assertTrue(fw.forgetAddress(VNI, X));
        assertEquals(List.of(), fw.localAddresses().get(VNI));
        assertFalse(fw.forgetAddress(VNI, X), "forgetting twice");
        assertFalse(fw.forgetAddress(999, X), "unknown network");
    }
}
