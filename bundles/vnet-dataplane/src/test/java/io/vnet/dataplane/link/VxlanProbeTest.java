package io.vnet.dataplane.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.vnet.api.DropReason;
import io.vnet.api.Endpoint;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.dataplane.forward.Forwarder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Probes and echoes through {@link VxlanLinks}' receiver on a socket that sends nothing ({@link FakeDatagramChannel}). */
class VxlanProbeTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 4789);
    private EventLoopGroup loop;
    private VxlanLinks links;
    private FakeDatagramChannel socket;
    private VxlanPort port;
    private Forwarder forwarder;

    @BeforeEach
    void setUp() throws Exception {
        loop = new DefaultEventLoopGroup(1);
        forwarder = new Forwarder();
        links = new VxlanLinks(Endpoint.parse("127.0.0.1:4789"), loop, FakeDatagramChannel.class, forwarder, false);
        socket = FakeDatagramChannel.last();
        links.probe(Duration.ofHours(1), Duration.ofHours(3)); // judged by hand below, not by the timer
        port = links.add(LinkSpec.vxlan("peer", "peer-host", Endpoint.parse("127.0.0.1:4789"), true,
                List.of(NetworkId.of(100))));
        forwarder.addLink(port);
    }

    @AfterEach
    void tearDown() throws Exception {
        on(() -> {
            for (Object o; (o = socket.readOutbound()) != null; ) {
                ((DatagramPacket) o).release();
            }
            return null;
        });
        // not links.close(): an EmbeddedChannel closes only on its own loop; the loop's end ends the prober
        loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }

    private <T> T on(Callable<T> c) throws Exception {
        return socket.eventLoop().submit(c).get();
    }

    private void receive(ByteBuf datagram) throws Exception {
        on(() -> {
            socket.pipeline().fireChannelRead(new DatagramPacket(datagram, null, PEER));
            return null;
        });
    }

    private static ByteBuf probe(boolean echo, long clock) {
        ByteBuf b = Unpooled.directBuffer();
        Vxlan.writeProbe(b, echo, clock);
        return b;
    }

    @Test
    void aProbeIsEchoedWithItsClockAndNeverForwarded() throws Exception {
        receive(probe(false, 12345));
        DatagramPacket out = on(socket::readOutbound);
        assertNotNull(out, "an echo");
        try {
            assertEquals(PEER, out.recipient());
            assertEquals(Vxlan.ECHO, Vxlan.probeKind(out.content()));
            assertEquals(12345, Vxlan.probeClock(out.content()));
        } finally {
            out.release();
        }
        assertEquals(0, port.counters().snapshot("l", "x", "", "").bytesIn(), "a probe is not a frame");
        assertEquals(0, forwarder.faults());
    }

    @Test
    void theTimerProbesAndAnEchoOfItBringsTheRoundTrip() throws Exception {
        on(() -> {
            links.probeAll();
            return null;
        });
        DatagramPacket sent = on(socket::readOutbound);
        assertNotNull(sent, "a probe to the peer");
        long clock;
        try {
            assertEquals(Vxlan.PROBE, Vxlan.probeKind(sent.content()));
            clock = Vxlan.probeClock(sent.content());
        } finally {
            sent.release();
        }
        receive(probe(true, clock));
        assertTrue(port.liveness().answers());
        assertTrue(port.path().rttMicros() >= 0, "the round trip from the echo");
        assertTrue(port.isUp());
    }

    @Test
    void malformedProbesAreDroppedAndCounted() throws Exception {
        ByteBuf shortOne = Unpooled.directBuffer();
        Vxlan.writeHeader(shortOne, Vxlan.PROBE_VNI);
        shortOne.writeInt(Vxlan.PROBE_MAGIC);
        receive(shortOne);
        ByteBuf badMagic = probe(false, 1);
        badMagic.setInt(Vxlan.HEADER, 0x11223344);
        receive(badMagic);
        ByteBuf badKind = probe(false, 1);
        badKind.setByte(Vxlan.HEADER + 4, 9);
        receive(badKind);
        assertEquals(3, port.counters().snapshot("l", "x", "", "").drops().get(DropReason.MALFORMED.wireName()));
        assertNull(on(socket::readOutbound), "nothing answered");
        assertFalse(port.liveness().answers());
    }

    @Test
    void aFloodOfProbesGetsOnlyItsBudgetOfEchoes() throws Exception {
        for (int i = 0; i < 50; i++) {
            receive(probe(false, i + 1));
        }
        int echoes = 0;
        for (DatagramPacket p; (p = on(socket::readOutbound)) != null; ) {
            echoes++;
            p.release();
        }
        assertEquals(VxlanLiveness.ECHO_BURST, echoes);
        assertEquals(50 - VxlanLiveness.ECHO_BURST, links.echoesRefused());
        assertTrue(links.listenerStats().peer().contains("probes refused"), links.listenerStats().peer());
    }
}
