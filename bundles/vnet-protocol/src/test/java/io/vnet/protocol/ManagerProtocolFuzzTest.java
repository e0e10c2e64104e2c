package io.vnet.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.LeakCheck;
import io.vnet.fuzz.TrackedAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent–manager channel's framing and JSON decoding ({@link ManagerProtocol#addCodec}) on a
 * byte stream that arrives in pieces: what comes out is JSON objects with a textual type; a bad
 * frame or bad JSON is a {@link DecoderException} (on which both ends close the connection), and
 * every buffer is released.
 */
@Fuzzing
class ManagerProtocolFuzzTest {
    private static final TrackedAllocator BUFFERS = new TrackedAllocator();

    @FuzzTest
    @DictionaryEntries({"\"type\"", "\"hello\"", "\"report\"", "\"ack\"", "\"vms\"", "\"state\"", "{\"type\":\"hello\"}"})
    void stream(FuzzedDataProvider data) {
        Ends end = new Ends();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(BUFFERS.alloc());
        ManagerProtocol.addCodec(ch.pipeline());
        ch.pipeline().addLast(end);
        List<ByteBuf> pieces = new ArrayList<>();
        while (data.remainingBytes() > 0 && ch.isOpen()) {
            byte[] bytes = data.consumeBytes(1 + data.consumeInt(0, 300));
            ByteBuf b = BUFFERS.alloc().buffer(bytes.length).writeBytes(bytes);
            pieces.add(b);
            ch.writeInbound(b);
        }
        ch.finishAndReleaseAll();
        for (ByteBuf b : pieces) {
            assertEquals(0, b.refCnt(), "a piece of the stream was not released");
        }
        for (JsonNode m : end.messages) {
            assertTrue(m.isObject() && m.path("type").isTextual(), "a message is an object with a type: " + m);
        }
        for (Throwable t : end.failures) {
            if (!(t instanceof DecoderException)) {
                throw new AssertionError("the codec failed with " + t, t);
            }
        }
        BUFFERS.assertAllReleased("a stream of " + data.remainingBytes() + " bytes left");
        LeakCheck.afterInput();
    }

    /** The end of the pipeline, as the agent's and the manager's handlers: a failure closes the connection. */
    private static final class Ends extends ChannelInboundHandlerAdapter {
        final List<JsonNode> messages = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            messages.add((JsonNode) msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failures.add(cause);
            ctx.close();
        }
    }
}
