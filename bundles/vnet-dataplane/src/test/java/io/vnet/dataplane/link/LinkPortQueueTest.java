package io.vnet.dataplane.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vnet.api.DropReason;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.dataplane.forward.Forwarder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A link whose connection cannot take more queues its frames fairly and sends them when the
 * connection can again: a sparse flow's frame goes before most of a bulk flow's backlog, a
 * flow's frames keep their order, and past the queue's limit the bulk flow loses, counted
 * {@code congested}. Frames still waiting when the connection goes are released.
 */
class LinkPortQueueTest {
    private static final int VNI = 100;
    private final LinkPort port = new LinkPort(LinkSpec.accept("l", "peer", true, List.of(NetworkId.of(VNI))));
    private final EmbeddedChannel ch = new EmbeddedChannel();
    private final List<ByteBuf> sent = new ArrayList<>();

    /** An Ethernet + IPv4 + UDP frame of {@code size} bytes from source port {@code sport}; its first payload byte is {@code seq}. */
    private static ByteBuf udp(int sport, int seq, int size) {
        ByteBuf b = Unpooled.buffer(size);
        b.writeShort(0x0200).writeInt(2).writeShort(0x0200).writeInt(1).writeShort(0x0800);
        b.writeByte(0x45).writeByte(0).writeShort(size - 14).writeInt(0).writeByte(64).writeByte(17).writeShort(0)
                .writeInt(0x0A000001).writeInt(0x0A000002);
        b.writeShort(sport).writeShort(9).writeShort(size - 34).writeShort(0);
        b.writeByte(seq);
        b.writeZero(size - b.readableBytes());
        return b;
    }

    private void setWritable(boolean writable) {
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
        ch.runPendingTasks(); // the writability event is fired on the event loop
    }

    /** The (source port, sequence) of each record written so far. */
    private List<String> written() {
        List<String> out = new ArrayList<>();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            Records.FrameRecord r = (Records.FrameRecord) o;
            out.add(r.frame().getUnsignedShort(34) + "#" + r.frame().getUnsignedByte(42));
            r.frame().release();
        }
        return out;
    }

    @AfterEach
    void close() {
        written();
        ch.finishAndReleaseAll();
    }

    @Test
    void whatWaitsGoesOutFairlyWhenTheConnectionTakesMore() {
        ch.pipeline().addLast(new LinkHandler(port, new Forwarder(), () -> { }, 60_000));
        port.attach(ch);
        port.send(VNI, udp(1000, 0, 100));
        assertEquals(List.of("1000#0"), written(), "nothing waits: straight to the connection");
        setWritable(false);
        for (int seq = 0; seq < 6; seq++) {
            port.send(VNI, udp(2000, seq, 40_000));
        }
        port.send(VNI, udp(3000, 0, 100)); // a ping behind 240 KB of bulk
        assertTrue(written().isEmpty(), "nothing is written while the connection is full");
        assertTrue(port.stats().peer().contains("waiting"), port.stats().peer());
        setWritable(true); // the writability event drains the queue
        List<String> out = written();
        assertEquals(7, out.size(), out.toString());
        assertTrue(out.indexOf("3000#0") <= 2, "the sparse flow's frame goes after at most one quantum of bulk: " + out);
        List<String> bulk = out.stream().filter(s -> s.startsWith("2000#")).toList();
        assertEquals(List.of("2000#0", "2000#1", "2000#2", "2000#3", "2000#4", "2000#5"), bulk, "in order");
        assertFalse(port.stats().peer().contains("waiting"));
    }

    @Test
    void pastTheLimitTheBulkFlowLosesAndTheRestIsReleasedWhenTheLinkGoes() {
        port.attach(ch);
        setWritable(false);
        int frames = (int) (LinkPort.QUEUE_BYTES / 40_000) + 5;
        for (int seq = 0; seq < frames; seq++) {
            port.send(VNI, udp(2000, seq, 40_000));
        }
        port.send(VNI, udp(3000, 0, 100));
        long over = frames * 40_000L + 100 - LinkPort.QUEUE_BYTES;
        long dropped = (over + 39_999) / 40_000;
        assertEquals(dropped, port.counters().drops(DropReason.CONGESTED), "the bulk flow's oldest frames made room");
        assertTrue(port.waitingBytes() <= LinkPort.QUEUE_BYTES);
        ByteBuf probe = udp(4000, 0, 100);
        probe.retain();
        port.send(VNI, probe);
        port.detach(ch);
        assertEquals(0, port.waitingBytes());
        assertEquals(frames + 2 - dropped, port.counters().drops(DropReason.LINK_DOWN), "what waited is dropped as link-down");
        assertEquals(1, probe.refCnt(), "and released");
        probe.release();
    }
}
