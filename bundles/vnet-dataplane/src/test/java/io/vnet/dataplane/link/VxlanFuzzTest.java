package io.vnet.dataplane.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.vnet.api.Endpoint;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.dataplane.forward.Forwarder;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.LeakCheck;
import io.vnet.fuzz.TrackedAllocator;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Hostile VXLAN datagrams (header flags, VNI, inner frame, sender) through {@link VxlanLinks}'
 * receiver as its socket's event loop runs it, with the coalescer on or off, on through the
 * forwarder to a TCP link that segments merged frames. The socket is a {@link FakeDatagramChannel},
 * so nothing is sent or bound. Nothing may throw, nothing may fault, every buffer is released.
 */
@Fuzzing
class VxlanFuzzTest {
    private static final int VNI = 100;
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 4789);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.9", 4789);
    private static final TrackedAllocator BUFFERS = new TrackedAllocator();
    private static final EventLoopGroup LOOP = new DefaultEventLoopGroup(1);
    private static final Receiving[] RECEIVERS = new Receiving[2];

    /** A VXLAN socket (with or without the coalescer), its forwarder and the link it forwards to. */
    private record Receiving(Forwarder forwarder, FakeDatagramChannel socket, LinkSink sink) {
    }

    @BeforeAll
    static void setUp() throws Exception {
        for (int i = 0; i < 2; i++) {
            Forwarder forwarder = new Forwarder();
            VxlanLinks links = new VxlanLinks(Endpoint.parse("127.0.0.1:4789"), LOOP, FakeDatagramChannel.class,
                    forwarder, i == 1);
            FakeDatagramChannel socket = FakeDatagramChannel.last();
            socket.config().setAllocator(BUFFERS.alloc());
            links.probe(java.time.Duration.ofHours(1), java.time.Duration.ofHours(3)); // probes and echoes answered; no timer
            forwarder.addLink(links.add(LinkSpec.vxlan("peer", "peer-host", Endpoint.parse("127.0.0.1:4789"), true,
                    List.of(NetworkId.of(VNI)))));
            LinkSink sink = new LinkSink("tcp", VNI, BUFFERS.alloc(), null);
            forwarder.addLink(sink.port);
            RECEIVERS[i] = new Receiving(forwarder, socket, sink);
        }
    }

    @AfterAll
    static void tearDown() throws InterruptedException, ExecutionException {
        for (Receiving r : RECEIVERS) {
            r.socket().eventLoop().submit(() -> {
                r.socket().pipeline().fireChannelInactive(); // the coalescer hands on what it still holds
                r.sink().close();
                release(r.socket());
            }).get();
        }
        LOOP.shutdownGracefully(); // LeakCheck, after this, fails on any leak reported
    }

    /** Releases the datagrams the VXLAN ports wrote to the socket. */
    private static void release(FakeDatagramChannel socket) {
        for (Object o; (o = socket.readOutbound()) != null; ) {
            ReferenceCountUtil.release(o);
        }
    }

    @FuzzTest
    void datagrams(FuzzedDataProvider data) throws InterruptedException, ExecutionException {
        Receiving r = RECEIVERS[data.consumeBoolean() ? 1 : 0];
        long faults = r.forwarder().faults();
        List<ByteBuf> given = new ArrayList<>();
        int n = data.consumeInt(1, 16);
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            ByteBuf d = BUFFERS.alloc().directBuffer();
            d.writeByte(data.consumeBoolean() ? Vxlan.FLAG_VNI : data.consumeByte()).writeMedium(data.consumeInt());
            int vni = switch (data.consumeInt(0, 2)) {
                case 0 -> VNI;
                case 1 -> Vxlan.PROBE_VNI; // a liveness probe or echo
                default -> data.consumeInt(0, 0xFFFFFF);
            };
            d.writeMedium(vni).writeByte(data.consumeByte());
            if (vni == Vxlan.PROBE_VNI && data.consumeBoolean()) { // mostly well formed, then mangled below
                d.writeInt(Vxlan.PROBE_MAGIC).writeInt(data.consumeInt(0, 3) << 24).writeLong(data.consumeLong());
            }
            d.writeBytes(data.consumeBytes(data.consumeInt(0, 1600)));
            d.writerIndex(Math.min(d.writerIndex(), data.consumeInt(0, d.writerIndex()))); // short ones too
            given.add(d);
        }
        boolean stranger = data.consumeBoolean();
        r.socket().eventLoop().submit(() -> {
            ChannelPipeline p = r.socket().pipeline();
            for (ByteBuf d : given) {
                p.fireChannelRead(new DatagramPacket(d, null, stranger ? STRANGER : PEER));
            }
            p.fireChannelReadComplete();
            r.sink().drain();
            release(r.socket());
        }).get();
        assertEquals(faults, r.forwarder().faults(), "frames that faulted in the forwarder (a missing bounds check)");
        for (ByteBuf d : given) {
            assertEquals(0, d.refCnt(), "a datagram was not released");
        }
        BUFFERS.assertAllReleased(given.size() + " datagram(s)");
        LeakCheck.afterInput();
    }
}
