package io.vnet.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.LeakCheck;
import io.vnet.fuzz.TrackedAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent's HTTP endpoint ({@link HttpEndpoint#serve}: Netty's HTTP codec, the no-body
 * aggregator, our routing) on a byte stream that arrives in pieces, as any local process (or, with
 * {@code metrics} on a wider address, anyone who reaches it) may send: whatever it writes back is
 * HTTP/1.1 responses, nothing escapes as an exception, and every buffer is released.
 */
@Fuzzing
class HttpEndpointFuzzTest {
    private static final TrackedAllocator BUFFERS = new TrackedAllocator();
    private static final HttpEndpoint ENDPOINT = new HttpEndpoint(Map.of(
            "/metrics", () -> new HttpEndpoint.Response(200, "text/plain", "m 1\n"),
            "/healthz", () -> HttpEndpoint.Response.text(200, "ok\n"),
            "/boom", () -> {
                throw new IllegalStateException("a route that fails");
            }));

    @FuzzTest
    // libFuzzer's dictionary format: a line break is written \x0d\x0a
    @DictionaryEntries({"GET ", "HEAD ", "POST ", " HTTP/1.1\\x0d\\x0a", " HTTP/1.0\\x0d\\x0a", "/metrics", "/healthz", "/boom",
            "Content-Length: ", "Transfer-Encoding: chunked\\x0d\\x0a", "Connection: close\\x0d\\x0a",
            "Expect: 100-continue\\x0d\\x0a", "\\x0d\\x0a\\x0d\\x0a"})
    void stream(FuzzedDataProvider data) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(BUFFERS.alloc());
        ENDPOINT.serve(ch);
        List<ByteBuf> pieces = new ArrayList<>();
        while (data.remainingBytes() > 0 && ch.isOpen()) {
            byte[] bytes = data.consumeBytes(1 + data.consumeInt(0, 400));
            ByteBuf b = BUFFERS.alloc().buffer(bytes.length).writeBytes(bytes);
            pieces.add(b);
            ch.writeInbound(b);
        }
        StringBuilder out = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        ch.checkException(); // nothing escaped the pipeline
        ch.finishAndReleaseAll();
        for (ByteBuf b : pieces) {
            assertEquals(0, b.refCnt(), "a piece of the stream was not released");
        }
        assertTrue(out.isEmpty() || out.toString().startsWith("HTTP/1.1 "), () -> "not an HTTP response: " + out);
        BUFFERS.assertAllReleased("a stream");
        LeakCheck.afterInput();
    }
}
