package io.vnet.dataplane.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import io.vnet.dataplane.forward.Forwarder;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.LeakCheck;
import io.vnet.fuzz.TrackedAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP link's inbound pipeline as an accepting daemon builds it ({@link RecordDecoder}, the
 * hello, then {@link LinkHandler} with the capabilities HELLO and keepalives) on a byte stream
 * from a hostile peer, arriving in pieces. Identified frames (version 1, and version 2 with an
 * offload descriptor) go through the forwarder to another link, which segments them or answers
 * them as too big. The decoder must refuse what breaks the format by counting and closing, never
 * by throwing; no frame may fault in the forwarder; every buffer is released.
 */
@Fuzzing
class RecordDecoderFuzzTest {
    private static final int VNI = 100;
    private static final TrackedAllocator BUFFERS = new TrackedAllocator();

    @FuzzTest
    @DictionaryEntries({"peer-a", "+records 2 max 1518 echo", "+records ", " max ", " echo", "+join 1 ",
            " lanes 4 session ", "0123456789abcdef"})
    void stream(FuzzedDataProvider data) {
        int maxFrame = data.pickValue(new int[] {1518, 9018, 65535 + 18});
        Forwarder forwarder = new Forwarder();
        Links links = new Links("me", null, maxFrame, Duration.ofSeconds(10), Duration.ofMillis(100),
                Duration.ofSeconds(1), null, null, null, forwarder);
        links.useLanes(data.consumeInt(1, Records.MAX_LANES)); // an accepting link may offer lanes; joins must present its token
        LinkPort from = links.add(LinkSpec.accept("from-a", "peer-a", true, List.of(NetworkId.of(VNI))));
        LinkSink to = new LinkSink("to-b", VNI, BUFFERS.alloc(), data.consumeBoolean() ? null
                : new Records.Capabilities(data.consumeInt(1, 2), data.consumeInt(14, 9018), data.consumeBoolean()));
        forwarder.addLink(from);
        forwarder.addLink(to.port);
        Failures failures = new Failures();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(BUFFERS.alloc());
        ch.pipeline().addLast("decoder", new RecordDecoder(maxFrame, links.listenerCounters(), "fuzzed connection"))
                .addLast("failures", failures)
                .addLast("encoder", FrameEncoder.INSTANCE)
                .addLast("hello", HelloHandler.accepting(links, host -> host.equals("peer-a") ? from : null));
        if (data.consumeBoolean()) {
            write(ch, Records.hello(BUFFERS.alloc(), "peer-a"));
        }
        List<ByteBuf> pieces = new ArrayList<>();
        while (data.remainingBytes() > 0 && ch.isOpen()) {
            byte[] bytes = data.consumeBytes(1 + data.consumeInt(0, 2000));
            ByteBuf piece = BUFFERS.alloc().directBuffer(bytes.length).writeBytes(bytes);
            pieces.add(piece);
            write(ch, piece);
            to.drain();
        }
        ch.finishAndReleaseAll();
        to.close();
        assertTrue(failures.seen.isEmpty(), () -> "the pipeline threw: " + failures.seen);
        assertEquals(0, forwarder.faults(), "frames that faulted in the forwarder (a missing bounds check)");
        for (ByteBuf p : pieces) {
            assertEquals(0, p.refCnt(), "a piece of the stream was not released");
        }
        BUFFERS.assertAllReleased("a stream in " + pieces.size() + " piece(s)");
        LeakCheck.afterInput();
    }

    private static void write(EmbeddedChannel ch, ByteBuf b) {
        ch.writeInbound(b);
        for (Object o; (o = ch.readOutbound()) != null; ) {
            io.netty.util.ReferenceCountUtil.release(o); // our hello answer, capabilities, echoes
        }
    }

    /** Records what the decoder threw (the hello and link handlers would close quietly on it). */
    private static final class Failures extends ChannelInboundHandlerAdapter {
        final List<Throwable> seen = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen.add(cause);
            ctx.fireExceptionCaught(cause);
        }
    }
}
