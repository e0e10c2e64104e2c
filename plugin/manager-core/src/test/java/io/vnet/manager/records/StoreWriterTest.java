package io.vnet.manager.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.store.AuditRecord;
import io.vnet.manager.store.ManagerStore;
import io.vnet.manager.store.StoreException;
import io.vnet.manager.store.StoreUnavailableException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store's writes off the callers' threads: a bounded queue with a counter of what it refused,
 * the newest write of a key in its place, nothing lost while the database is away, a write the
 * database refuses for good given up without holding back the rest, and no caller stalled by a
 * database that hangs.
 */
class StoreWriterTest {
    private final List<String> done = new CopyOnWriteArrayList<>();
    private StoreWriter writer;

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close(1000);
        }
    }

    private Runnable record(String what) {
        return () -> done.add(what);
    }

    @Test
    void aFullQueueRefusesNewKeysAndCountsThem() throws Exception {
        writer = StoreWriter.threaded(3, Clock.systemUTC());
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        assertTrue(writer.submit("first", "first", () -> {
            started.countDown();
            await(hold);
            done.add("first");
        }));
        assertTrue(started.await(5, TimeUnit.SECONDS));
        for (int i = 0; i < 3; i++) {
            assertTrue(writer.submit("k" + i, "k" + i, record("k" + i)), "room for 3 waiting");
        }
        assertFalse(writer.submit("k3", "k3", record("k3")), "a fourth waiting write is refused");
        assertFalse(writer.submit("k4", "k4", record("k4")));
        assertEquals(2, writer.refused());
        assertTrue(writer.submit("k1", "k1 again", record("k1 again")), "a key already waiting is replaced, not refused");
        assertEquals(4, writer.pending(), "3 waiting and 1 being written");
        hold.countDown();
        assertTrue(writer.awaitIdle(5000));
        assertEquals(List.of("first", "k0", "k1 again", "k2"), done, "in order; the newer k1 in the older one's place");
        assertEquals(4, writer.written());
        assertEquals(1, writer.replaced());
    }

    @Test
    void writesThatFailWhileTheDatabaseIsAwayAreWrittenInOrderOnceItAnswers() throws Exception {
        writer = StoreWriter.threaded(100, Clock.systemUTC());
        boolean[] down = {true};
        for (int i = 0; i < 5; i++) {
            String w = "w" + i;
            writer.submit(w, w, () -> {
                if (down[0]) {
                    throw new StoreUnavailableException("connection refused", null);
                }
                done.add(w);
            });
        }
        Thread.sleep(800);
        assertEquals(List.of(), done);
        assertNotNull(writer.failingSince(), "failing");
        assertTrue(writer.lastFailure().contains("connection refused"), writer.lastFailure());
        assertTrue(writer.retried() >= 2, "tried again: " + writer.retried());
        assertEquals(5, writer.pending(), "none lost");
        assertEquals(0, writer.dropped());
        down[0] = false;
        assertTrue(writer.awaitIdle(5000), "written within the longest pause once it answers");
        assertEquals(List.of("w0", "w1", "w2", "w3", "w4"), done);
        assertNull(writer.failingSince());
        assertNull(writer.lastFailure());
    }

    @Test
    void aNewerWriteOfTheFailingKeyReplacesItWhileTheDatabaseIsAway() throws Exception {
        writer = StoreWriter.threaded(100, Clock.systemUTC());
        boolean[] down = {true};
        writer.submit("desired h1", "gen 1", () -> {
            if (down[0]) {
                throw new StoreUnavailableException("down", null);
            }
            done.add("gen 1");
        });
        Thread.sleep(300);
        writer.submit("desired h1", "gen 2", () -> {
            if (down[0]) {
                throw new StoreUnavailableException("down", null);
            }
            done.add("gen 2");
        });
        Thread.sleep(300);
        down[0] = false;
        assertTrue(writer.awaitIdle(5000));
        assertEquals(List.of("gen 2"), done, "the newest desired state reaches the database, once");
    }

    @Test
    void aWriteTheDatabaseRefusesForGoodIsGivenUpAndHoldsBackNothing() throws Exception {
        writer = StoreWriter.threaded(100, Clock.systemUTC());
        int[] tries = {0};
        writer.submit("bad", "a bad row", () -> {
            tries[0]++;
            throw new StoreException("duplicate key");
        });
        writer.submit("good", "a good row", record("good"));
        assertTrue(writer.awaitIdle(10_000));
        assertEquals(StoreWriter.ATTEMPTS, tries[0]);
        assertEquals(1, writer.dropped());
        assertEquals(List.of("good"), done);
    }

    @Test
    void closingWaitsForWhatIsWaitingThenLogsWhatIsLeft() throws Exception {
        writer = StoreWriter.threaded(100, Clock.systemUTC());
        writer.submit("a", "a", record("a"));
        writer.submit("b", "b", () -> {
            throw new StoreUnavailableException("down", null);
        });
        long t0 = System.nanoTime();
        writer.close(500);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 3000, "bounded: " + ms + " ms");
        assertEquals(List.of("a"), done);
        assertFalse(writer.submit("c", "c", record("c")), "closed");
        writer = null;
    }

    /**
     * A store that makes several writes one transaction, as the JDBC store does: what the writes of a
     * transaction record is staged and goes into {@link #done} at its commit, or nowhere if it fails.
     */
    private class Transactions implements StoreWriter.Together {
        final List<Integer> sizes = new CopyOnWriteArrayList<>();
        private List<String> staged;
        int size;

        @Override
        public void run(Runnable writes) {
            staged = new java.util.ArrayList<>();
            size = 0;
            try {
                writes.run();
                done.addAll(staged);
                sizes.add(size);
            } finally {
                staged = null;
            }
        }

        /** A write: staged inside a transaction, else done at once. */
        Runnable write(String what) {
            return () -> {
                if (staged != null) {
                    staged.add(what);
                    size++;
                } else {
                    done.add(what);
                }
            };
        }
    }

    /** Keeps the writer busy with a write "first" until the latch it returns is counted down, so that writes wait. */
    private CountDownLatch busy() throws InterruptedException {
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        writer.submit("first", "first", () -> {
            started.countDown();
            await(hold);
            done.add("first");
        });
        assertTrue(started.await(5, TimeUnit.SECONDS));
        return hold;
    }

    @Test
    void waitingWritesGoInTogetherInOrderUpToTheMostPerTransaction() throws Exception {
        Transactions tx = new Transactions();
        writer = StoreWriter.threaded(1000, Clock.systemUTC(), tx);
        CountDownLatch hold = busy();
        List<String> expected = new java.util.ArrayList<>(List.of("first"));
        for (int i = 0; i < 250; i++) {
            writer.submit("k" + i, "k" + i, tx.write("k" + i));
            expected.add("k" + i);
        }
        writer.submit("k7", "k7 again", tx.write("k7 again"));
        expected.set(expected.indexOf("k7"), "k7 again");
        hold.countDown();
        assertTrue(writer.awaitIdle(5000));
        assertEquals(expected, done, "in order, the newer k7 in the older one's place");
        assertEquals(List.of(StoreWriter.MAX_BATCH, StoreWriter.MAX_BATCH, 250 - 2 * StoreWriter.MAX_BATCH), tx.sizes,
                "the 250 that waited in three transactions");
        assertEquals(251, writer.written());
        assertEquals(4, writer.transactions(), "the first alone, then three");
        assertEquals(0, writer.split());
    }

    @Test
    void aTransactionWithAWriteTheDatabaseRefusesIsWrittenOneByOneAndOnlyThatWriteIsGivenUp() throws Exception {
        Transactions tx = new Transactions();
        writer = StoreWriter.threaded(1000, Clock.systemUTC(), tx);
        CountDownLatch hold = busy();
        int[] tries = {0};
        for (int i = 0; i < 10; i++) {
            String k = "k" + i;
            writer.submit(k, k, i != 4 ? tx.write(k) : () -> {
                tries[0]++;
                throw new StoreException("duplicate key");
            });
        }
        hold.countDown();
        assertTrue(writer.awaitIdle(10_000));
        assertEquals(List.of("first", "k0", "k1", "k2", "k3", "k5", "k6", "k7", "k8", "k9"), done,
                "every other write once, in order: the failed transaction took none of them");
        assertEquals(1, writer.split());
        assertEquals(1 + StoreWriter.ATTEMPTS, tries[0], "once in the transaction, then " + StoreWriter.ATTEMPTS + " alone");
        assertEquals(1, writer.dropped());
        assertEquals(10, writer.written(), "the first and the nine");
    }

    @Test
    void aTransactionThatFailsWhileTheDatabaseIsAwayLosesNothing() throws Exception {
        boolean[] down = {true};
        Transactions tx = new Transactions() {
            @Override
            public void run(Runnable writes) {
                if (down[0]) {
                    throw new StoreUnavailableException("connection refused", null);
                }
                super.run(writes);
            }
        };
        writer = StoreWriter.threaded(1000, Clock.systemUTC(), tx);
        for (int i = 0; i < 5; i++) {
            String w = "w" + i;
            Runnable write = tx.write(w);
            writer.submit(w, w, () -> {
                if (down[0]) {
                    throw new StoreUnavailableException("connection refused", null);
                }
                write.run();
            });
        }
        Thread.sleep(800);
        assertEquals(List.of(), done);
        assertEquals(5, writer.pending(), "none lost");
        assertNotNull(writer.failingSince());
        down[0] = false;
        assertTrue(writer.awaitIdle(5000));
        assertEquals(List.of("w0", "w1", "w2", "w3", "w4"), done);
        assertEquals(0, writer.dropped());
        assertNull(writer.failingSince());
    }

    /**
     * The agent channel's event loops call the recorder: a database that hangs (a call that does not
     * return) must not hold them, so other agents' reports go on.
     */
    @Test
    void aHangingDatabaseStallsNoCallerOfTheRecorderOrTheAuditLog() throws Exception {
        CountDownLatch hang = new CountDownLatch(1);
        List<String> calls = new CopyOnWriteArrayList<>();
        ManagerStore hanging = (ManagerStore) java.lang.reflect.Proxy.newProxyInstance(ManagerStore.class.getClassLoader(),
                new Class<?>[] {ManagerStore.class}, (proxy, m, a) -> switch (m.getName()) {
                    case "networks" -> List.of();
                    case "lastAuditId" -> 41L;
                    default -> {
                        calls.add(m.getName() + (a != null && a[0] instanceof AuditRecord r ? "#" + r.id() : ""));
                        await(hang);
                        yield m.getReturnType() == boolean.class ? Boolean.FALSE : null;
                    }
                });
        writer = StoreWriter.threaded(1000, Clock.systemUTC());
        StoreRecorder records = new StoreRecorder(hanging, writer);
        StoreAudit audit = new StoreAudit(hanging, Clock.systemUTC(), writer);
        MacAddress mac = MacAddress.parse("52:54:00:00:00:01");
        long t0 = System.nanoTime();
        for (int h = 0; h < 50; h++) {
            records.host("h" + h, "10.0.0." + h + ":7000", "host");
            records.vms("h" + h, Map.of(NetworkId.of(7), List.of(mac)));
            records.vms("h" + h, Map.of(NetworkId.of(7), List.of(mac)));
        }
        audit.record("api", "desired-state", "host h1", "generation 1");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1000, "150 reports and an audit entry with the database hanging took " + ms + " ms");
        assertTrue(writer.pending() >= 100, "waiting: " + writer.pending());
        hang.countDown();
        assertTrue(writer.awaitIdle(10_000));
        assertTrue(calls.contains("appendAudit#42"), "the audit entry, with the id after the last stored: " + calls);
        assertEquals(50, calls.stream().filter(c -> c.equals("putHost")).count());
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
