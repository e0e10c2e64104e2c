package io.vnet.dataplane.forward;

import static io.vnet.dataplane.forward.EthFrames.BCAST;
import static io.vnet.dataplane.forward.EthFrames.frame;
import static io.vnet.dataplane.forward.EthFrames.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vnet.api.DropReason;
import io.vnet.api.NetworkId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForwarderDropTest {
    private static final int VNI = 100;
    private static final long VM1 = mac("02:00:00:00:00:01");

    private Forwarder fw;
    private RecordingPort tap;
    private RecordingPort a;

    @BeforeEach
    void setUp() {
        fw = new Forwarder();
        tap = RecordingPort.tap("tap0");
        a = RecordingPort.link("a", true);
        fw.addInterface(VNI, tap);
        fw.addLink(a);
    }

    @AfterEach
    void releaseEverything() {
        tap.releaseAll();
        a.releaseAll();
    }

    @Test
    void unknownVniIsDroppedAndCountedOnTheIngressPort() {
        ByteBuf f = frame(BCAST, VM1);
        fw.forward(a, 4242, f);
        assertEquals(0, tap.count());
        assertEquals(1, a.counters().drops(DropReason.UNKNOWN_VNI));
        assertEquals(0, tap.counters().drops(DropReason.UNKNOWN_VNI));
        assertEquals(0, f.refCnt(), "a dropped frame is released");
    }

    @Test
    void runtIsDroppedAndCountedOnTheIngressPort() {
        ByteBuf runt = Unpooled.buffer(13).writeZero(13);
        fw.forward(a, VNI, runt);
        assertEquals(0, tap.count());
        assertEquals(1, a.counters().drops(DropReason.RUNT));
        assertEquals(0, runt.refCnt());
        ByteBuf empty = Unpooled.buffer(0);
        fw.forward(tap, VNI, empty);
        assertEquals(1, tap.counters().drops(DropReason.RUNT));
        assertEquals(0, empty.refCnt());
    }

    @Test
    void aBareEthernetHeaderIsNotARunt() {
        ByteBuf header = Unpooled.buffer(14);
        header.writeShort(0xFFFF).writeInt(0xFFFFFFFF).writeShort(0x0200).writeInt(1).writeShort(0x0806);
        fw.forward(a, VNI, header);
        assertEquals(1, tap.count());
        assertEquals(0, a.counters().drops(DropReason.RUNT));
    }

    @Test
    void dropsAreVisibleInTheStatsSnapshot() {
        fw.forward(a, 4242, frame(BCAST, VM1));
        fw.forward(a, 4242, frame(BCAST, VM1));
        fw.forward(a, VNI, Unpooled.buffer(1).writeByte(1));
        var stats = a.counters().snapshot("link", "a", "up", "host-b");
        assertEquals(2L, stats.drops().get("unknown-vni"));
        assertEquals(1L, stats.drops().get("runt"));
        assertEquals(3L, stats.totalDrops());
    }

    @Test
    void networksAreValidatedAndListedInOrder() {
        fw.addNetwork(300);
        fw.addNetwork(7);
        fw.addNetwork(300);
        assertEquals(List.of(NetworkId.of(7), NetworkId.of(VNI), NetworkId.of(300)), fw.networks());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fw.addNetwork(0));
        assertTrue(e.getMessage().contains("invalid VNI 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fw.addNetwork(1 << 24));
        assertTrue(e.getMessage().contains("invalid VNI 16777216"), e.getMessage());
    }

    @Test
    void linksCarryEveryNetworkAddedLater() {
        RecordingPort tap2 = RecordingPort.tap("tap2");
        fw.addInterface(200, tap2);
        fw.forward(tap2, 200, frame(BCAST, VM1));
        assertEquals(1, a.count());
        assertEquals(200, a.sent().get(0).vni());
        tap2.releaseAll();
    }
}
