package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.Endpoint;
import io.vnet.api.PairCount;
import io.vnet.manager.Recorder;
import io.vnet.manager.TrafficListener;
import io.vnet.protocol.messages.Hello;
import io.vnet.protocol.messages.Inventory;
import io.vnet.protocol.messages.Report;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Messages are acted on off the event loops, on the real agent channel (loopback, without TLS): while the
 * traffic listeners hold a worker, the agent's connection stops being read (counted) instead of queueing
 * without bound; once they let go, every report arrives, in order.
 */
class ChannelServerBacklogTest {
    private static final Map<String, String> TOKENS = Map.of("h1", "t0ken-for-h1");
    private static final int REPORTS = 200;

    @Test
    void aSlowListenerPausesTheConnectionAndLosesNoReport() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        AgentSessions sessions = new AgentSessions(Recorder.NONE);
        TrafficListener slow = new TrafficListener() {
            @Override
            public void onReport(String hostId, long timeMillis, long intervalMs, List<PairCount> pairs) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seen.add(intervalMs);
            }
        };
        try (ChannelServer server = new ChannelServer(new Endpoint("127.0.0.1", AgentWire.freePort()), sessions,
                () -> List.of(slow), null, TOKENS); Socket s = new Socket("127.0.0.1", server.port())) {
            java.io.OutputStream out = s.getOutputStream();
            send(out, hello());
            // each report says its number as its interval, so the order is seen; big enough to fill buffers
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 1; i <= REPORTS; i++) {
                        send(out, report(i));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            long end = System.nanoTime() + 10_000_000_000L;
            while (server.readPauses() == 0 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertTrue(server.readPauses() >= 1, "the connection is no longer read while its messages wait");
            assertTrue(seen.isEmpty(), "the listener holds the first report");
            release.countDown();
            writer.join(20_000);
            end = System.nanoTime() + 20_000_000_000L;
            while (seen.size() < REPORTS && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            List<Long> expected = new ArrayList<>();
            for (long i = 1; i <= REPORTS; i++) {
                expected.add(i);
            }
            assertEquals(expected, seen, "every report, in order");
            assertEquals(REPORTS, server.reports());
        }
    }

    private static JsonNode hello() {
        return AgentWire.hello(Hello.PROTOCOL, "0.1.0", "h1", TOKENS.get("h1"));
    }

    private static JsonNode report(int n) {
        // a padded host inventory makes each report a few KiB, so the socket's buffers fill behind a paused read
        com.fasterxml.jackson.databind.node.ObjectNode r = new Report("h1", n, (long) n, List.of(), List.of(), 0, 0,
                new Inventory(List.of(), List.of(), 0, List.of(), List.of(), 0), null).toJson();
        r.put("padding", "x".repeat(8_000));
        return r;
    }

    private static void send(java.io.OutputStream out, JsonNode msg) throws Exception {
        AgentWire.send(out, msg);
    }
}
