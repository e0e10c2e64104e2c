package io.vnet.agent.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.Endpoint;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.api.PairCount;
import io.vnet.dataplane.TrafficGrowth;
import io.vnet.protocol.Json;
import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A manager that reads slower than its agent reports: the agent does not queue a report an interval
 * in its memory without bound, it holds the counts back while its last report waits to be written and
 * sends them with the next one, so the manager gets fewer reports with every byte counted.
 */
class ManagerClientHeldReportsTest {
    private static final NetworkId NET = NetworkId.of(42);
    private static final long INTERVAL_MS = 20;
    private static final int PAIRS = 1000;

    @Test
    void aManagerThatDoesNotReadGetsEveryIntervalsCountsInFewerReportsOnceItDoes() throws Exception {
        MemoryDataPlane dp = new MemoryDataPlane();
        dp.addNetwork(NET);
        AtomicBoolean counting = new AtomicBoolean(false); // intervals before the connection are not sent (by design)
        AtomicLong intervals = new AtomicLong();
        AtomicLong bytesCounted = new AtomicLong();
        List<PairCount> pairs = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            pairs.add(new PairCount(NET, MacAddress.of(0x0200_0000_0000L + i), MacAddress.of(0x0200_0001_0000L + i), 1,
                    1000 + i, false));
        }
        long perInterval = pairs.stream().mapToLong(PairCount::bytes).sum();
        TrafficGrowth each = new TrafficGrowth(pairs, List.of(), 0);
        dp.growthEach = () -> {
            if (!counting.get()) {
                return TrafficGrowth.NONE;
            }
            intervals.incrementAndGet();
            bytesCounted.addAndGet(perInterval);
            return each;
        };
        try (ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(4096);
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            ManagerClient client = new ManagerClient(List.of(Endpoint.parse("127.0.0.1:" + server.getLocalPort())), "ha",
                    "host", Endpoint.parse("10.0.0.1:5800"), dp, new ManagedState(dp, Set.of(), Set.of(), null),
                    INTERVAL_MS, null, "manager");
            try {
                client.start();
                try (Socket manager = server.accept()) {
                    long connectDeadline = System.currentTimeMillis() + 10_000;
                    while (!client.connected() && System.currentTimeMillis() < connectDeadline) {
                        Thread.sleep(5);
                    }
                    assertTrue(client.connected(), "the agent connected and said hello");
                    counting.set(true);
                    // the manager reads nothing until the agent's buffers are full and it holds intervals back
                    long deadline = System.currentTimeMillis() + 30_000;
                    while (client.reportsHeld() < 10 && System.currentTimeMillis() < deadline) {
                        Thread.sleep(20);
                    }
                    assertTrue(client.reportsHeld() >= 10, "intervals held back: " + client.reportsHeld() + " of "
                            + intervals.get());
                    counting.set(false);
                    long counted = bytesCounted.get();
                    long sent = intervals.get();

                    // now it reads: every byte counted arrives, in fewer reports than intervals
                    DataInputStream in = new DataInputStream(manager.getInputStream());
                    manager.setSoTimeout(20_000);
                    long received = 0;
                    int reports = 0;
                    long longest = 0;
                    long readDeadline = System.currentTimeMillis() + 30_000;
                    while (received < counted && System.currentTimeMillis() < readDeadline) {
                        byte[] frame = new byte[in.readInt()];
                        in.readFully(frame);
                        JsonNode m = Json.MAPPER.readTree(frame);
                        if (!"report".equals(m.path("type").asText())) {
                            continue;
                        }
                        reports++;
                        longest = Math.max(longest, m.path("intervalMs").asLong());
                        for (JsonNode p : m.path("pairs")) {
                            received += p.path("bytes").asLong();
                        }
                        for (JsonNode r : m.path("rest")) {
                            received += r.path("bytes").asLong();
                        }
                    }
                    assertEquals(counted, received, "every byte of the " + sent + " intervals counted");
                    assertTrue(reports < sent, reports + " reports for " + sent + " intervals");
                    assertTrue(longest >= 2 * INTERVAL_MS, "a report says it covers the intervals held back: " + longest
                            + " ms");
                }
            } finally {
                client.close();
            }
        }
    }
}
