package io.vnet.manager.rest.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The live streams hold each other back neither by a client that stops reading (a tenant's page, a hostile
 * client) nor by a snapshot slow to make (an owner slow to answer): over a servlet output in non-blocking
 * mode and requests made of small hand-written adapters, on the round's own thread (the test's).
 */
class EventStreamsTest {
    static final long PERIOD = 200;

    /** A client's end: what it was sent, and whether it has read it all (isReady). */
    static final class Client extends ServletOutputStream {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        volatile boolean reading = true;
        volatile boolean completed;
        WriteListener listener;

        @Override
        public boolean isReady() {
            return reading;
        }

        @Override
        public void setWriteListener(WriteListener l) {
            listener = l;
        }

        @Override
        public synchronized void write(int b) {
            if (!reading) {
                throw new IllegalStateException("a write while the one before is pending");
            }
            got.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (!reading) {
                throw new IllegalStateException("a write while the one before is pending");
            }
            got.write(b, off, len);
        }

        synchronized int snapshots() {
            String text = got.toString(StandardCharsets.UTF_8);
            return text.split("event: snapshot\n", -1).length - 1;
        }

        synchronized String text() {
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    private final Auth auth = new Auth("admin", "s3cret-password", Duration.ofMinutes(60), () -> null, false,
            Clock.systemUTC());
    private final AtomicLong monotonic = new AtomicLong(1_000);
    private final Map<Integer, AtomicInteger> made = new ConcurrentHashMap<>();
    private final CountDownLatch slowOwner = new CountDownLatch(1);
    private final EventStreams streams = new EventStreams(auth, Clock.systemUTC(), PERIOD, (vni, who, now, authz) -> {
        int n = made.computeIfAbsent(vni, k -> new AtomicInteger()).incrementAndGet();
        if (vni == 2 && n > 1) { // network 2's owner answers the first request, then is slow
            try {
                slowOwner.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return Api.JSON.createObjectNode().put("vni", vni).put("n", n);
    }, monotonic::get, false);

    @AfterEach
    void close() {
        slowOwner.countDown();
        streams.close();
    }

    private String token() throws Exception {
        return "Bearer " + auth.signIn(Api.JSON.readTree("{\"user\":\"admin\",\"password\":\"s3cret-password\"}"),
                "127.0.0.1").token();
    }

    /** Opens a stream of {@code vni} as the admin; returns its client's end. */
    private Client open(int vni, String token) throws Exception {
        Client client = new Client();
        AsyncContext ac = (AsyncContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AsyncContext.class}, (p, m, args) -> {
                    if (m.getName().equals("complete")) {
                        client.completed = true;
                    }
                    return null;
                });
        HttpServletRequest req = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, args) -> switch (m.getName()) {
                    case "getHeader" -> "Authorization".equals(args[0]) ? token : null;
                    case "startAsync" -> ac;
                    default -> null;
                });
        HttpServletResponse resp = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, args) -> m.getName().equals("getOutputStream")
                        ? client : null);
        streams.open(req, resp, vni, auth.identify(token).orElseThrow());
        return client;
    }

    @Test
    void aClientThatStopsReadingHoldsBackNoOtherStreamAndIsClosedAfterThirtySeconds() throws Exception {
        String token = token();
        Client reader = open(1, token);
        Client stalled = open(1, token);
        assertEquals(1, stalled.snapshots(), "the first snapshot at once");
        stalled.reading = false; // its client reads nothing more: its socket's buffers are full
        long skippedBefore = EventStreams.skipped();
        long stalledBefore = EventStreams.stalled();
        for (int round = 1; round <= 5; round++) {
            monotonic.addAndGet(1_000);
            streams.tick();
            assertEquals(1 + round, reader.snapshots(), "the reading client gets every round's snapshot");
        }
        assertEquals(1, stalled.snapshots(), "nothing written to a client that has not read");
        assertEquals(5, EventStreams.skipped() - skippedBefore);
        assertFalse(stalled.completed);
        assertEquals(2, streams.size());
        monotonic.addAndGet(EventStreams.STALLED_MS);
        streams.tick();
        assertTrue(stalled.completed, "closed after reading nothing for " + EventStreams.STALLED_MS + " ms");
        assertEquals(1, EventStreams.stalled() - stalledBefore);
        assertEquals(1, streams.size());
        assertEquals(7, reader.snapshots());
        assertFalse(reader.completed);
    }

    @Test
    void aClientThatReadsAgainGetsTheNextSnapshot() throws Exception {
        Client c = open(1, token());
        c.reading = false;
        monotonic.addAndGet(1_000);
        streams.tick();
        monotonic.addAndGet(EventStreams.STALLED_MS - 2_000);
        streams.tick();
        c.reading = true;
        monotonic.addAndGet(1_000);
        streams.tick();
        assertEquals(2, c.snapshots());
        c.reading = false;
        monotonic.addAndGet(EventStreams.STALLED_MS - 1_000);
        streams.tick();
        assertFalse(c.completed, "the time counts from when it stopped reading again");
    }

    @Test
    void aSnapshotSlowToMakeHoldsBackNoOtherNetworkAndIsSentWhenReady() throws Exception {
        String token = token();
        Client fast = open(1, token);
        Client slow = open(2, token);
        long lateBefore = EventStreams.late();
        long t0 = System.nanoTime();
        streams.tick();
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(waitedMs < PERIOD * 5, "a round waits for a slow snapshot at most half a period: " + waitedMs + " ms");
        assertEquals(2, fast.snapshots(), "network 1's round is not held back by network 2's owner");
        assertEquals(1, slow.snapshots());
        assertEquals(1, EventStreams.late() - lateBefore);
        for (int round = 0; round < 3; round++) {
            streams.tick();
        }
        assertEquals(5, fast.snapshots());
        assertEquals(2, made.get(2).get(), "one request to the slow owner at a time: " + made);
        slowOwner.countDown();
        for (int i = 0; i < 100 && slow.snapshots() < 2; i++) {
            Thread.sleep(20);
            streams.tick();
        }
        assertEquals(2, slow.snapshots(), "the late snapshot is sent in the round it is ready");
        assertTrue(slow.text().contains("\"n\":2"), slow.text());
    }

    @Test
    void aSessionThatEndsOrANetworkNoLongerVisibleClosesItsStreamWithTheReason() throws Exception {
        String token = token();
        Client c = open(1, token);
        auth.signOut(token);
        streams.tick();
        assertTrue(c.completed);
        assertTrue(c.text().contains("event: error\ndata: {\"error\":\"sign in: the session has ended"), c.text());
        assertEquals(0, streams.size());
    }
}
