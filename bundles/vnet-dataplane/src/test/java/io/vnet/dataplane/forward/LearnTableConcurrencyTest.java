package io.vnet.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link LearnTable} looked up by several threads while others learn, move, evict and forget
 * addresses. Every address is only ever learned on one of two ports of its own, so a lookup that
 * answers any other port has seen a torn entry.
 */
class LearnTableConcurrencyTest {
    private static final int PORTS = 8;
    private static final int MACS = 1_024;
    private static final long BASE = 0x0200_0000_0000L;
    private static final long NOW = 1_000_000_000_000L;
    private static final int CAP = 64;
    private static final int PORT_CAP = 16;

    private final RecordingPort[] ports = new RecordingPort[PORTS];
    private final LearnTable table = new LearnTable(CAP, PORT_CAP);
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicLong hits = new AtomicLong();
    private final AtomicReference<String> wrong = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch start = new CountDownLatch(1);

    LearnTableConcurrencyTest() {
        for (int i = 0; i < PORTS; i++) {
            ports[i] = RecordingPort.link("p" + i, true);
        }
    }

    private Port own(long mac) {
        return ports[(int) (mac % PORTS)];
    }

    private Port next(long mac) {
        return ports[(int) ((mac + 1) % PORTS)];
    }

    @Test
    void readersNeverSeeAnAddressOnAPortItWasNotLearnedOn() throws InterruptedException {
        List<Thread> writers = List.of(thread(() -> write(1)), thread(() -> write(2)));
        List<Thread> readers = List.of(thread(() -> read(3)), thread(() -> read(4)), thread(() -> read(5)));
        writers.forEach(Thread::start);
        readers.forEach(Thread::start);
        start.countDown();
        for (Thread w : writers) {
            w.join();
        }
        writing.set(false);
        for (Thread r : readers) {
            r.join();
        }
        assertNull(failure.get());
        assertNull(wrong.get());
        assertTrue(hits.get() > 0, "the readers found addresses");
        assertTrue(table.evicted() > 0, "the caps were reached");
        assertTableIsConsistent();
    }

    private void assertTableIsConsistent() {
        assertTrue(table.size() <= CAP, "size " + table.size());
        int onPorts = 0;
        for (RecordingPort p : ports) {
            assertTrue(table.learnedOn(p) <= PORT_CAP, p + " has " + table.learnedOn(p));
            onPorts += table.learnedOn(p);
        }
        assertEquals(table.size(), onPorts);
        assertEquals(table.size(), table.describe(1, NOW).size());
        int found = 0;
        for (long m = BASE; m < BASE + MACS; m++) {
            Port p = table.lookup(m, NOW);
            if (p != null) {
                found++;
                assertTrue(p == own(m) || p == next(m));
            }
        }
        assertEquals(table.size(), found);
        assertTrue(table.indexCapacity() <= 4 * CAP, "index capacity " + table.indexCapacity());
    }

    /** Learns and moves addresses, forgets some and sometimes a whole port. */
    private void write(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 300_000; i++) {
            long m = BASE + r.nextInt(MACS);
            int op = r.nextInt(100);
            if (op < 85) {
                table.learn(m, r.nextBoolean() ? own(m) : next(m), NOW);
            } else if (op < 99) {
                table.forget(m);
            } else {
                table.forget(ports[r.nextInt(PORTS)]);
            }
        }
    }

    /** What a forwarding thread does: learns the source on its own port, looks a destination up. */
    private void read(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long found = 0;
        while (writing.get()) {
            long src = BASE + r.nextInt(MACS);
            table.learn(src, own(src), NOW);
            long dst = BASE + r.nextInt(MACS);
            Port p = table.lookup(dst, NOW);
            if (p != null) {
                found++;
                if (p != own(dst) && p != next(dst)) {
                    wrong.compareAndSet(null, String.format("%x on %s", dst, p));
                }
            }
        }
        hits.addAndGet(found);
    }

    private Thread thread(Runnable body) {
        return new Thread(() -> {
            try {
                start.await();
                body.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
    }
}
