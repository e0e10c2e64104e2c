package io.vnet.manager.records;

import io.vnet.manager.store.StoreException;
import io.vnet.manager.store.StoreUnavailableException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The manager's writes to its store, off the threads that ask for them (the agent channel's
 * event loops, VTTIF's clock, the REST API's threads): one writer thread takes them in order from
 * a bounded queue of at most {@link #maxPending} writes.
 *
 * <p>Each write has a key. A write whose key is already waiting replaces it in its place in the
 * queue (the newest VM rows, desired state or matrix of a host or network is what must reach the
 * database); a write with a key of its own (an audit entry, a topology change) waits for its turn.
 * When the queue is full a new key is refused and counted ({@link #refused()}), and the caller
 * logged it already (audit entries are logged at INFO before they are written).
 *
 * <p>A write that fails because the database is unreachable ({@link StoreUnavailableException})
 * is not lost: it stays at the head of the queue (or gives way to a newer write of its key) and is
 * tried again after a pause that grows from {@value #FIRST_PAUSE_MS} ms to {@value #MAX_PAUSE_MS}
 * ms, until the database answers; then the writes that waited go in order, and the outage is
 * logged with its length. A write that the database refuses for another reason (a bug, a constraint)
 * is tried {@value #ATTEMPTS} times in all, then dropped, logged at ERROR and counted
 * ({@link #dropped()}): tried again for ever, it would hold back every write behind it.
 *
 * <p>Where the store can make several writes one transaction ({@link Together}, the JDBC store), the
 * writer takes up to {@value #MAX_BATCH} waiting writes at once and writes them together, in order: one
 * connection and one commit for all of them, instead of one each (at ten thousand agents the writes of
 * VMs' rows and topology changes came faster than one commit each could take them). If the transaction
 * fails, none of its writes took effect, and each is written again by itself, in order, as above: so a
 * write the database refuses is found and given up alone, and the others are written.
 *
 * <p>{@link #inline} runs each write on the caller's thread instead (for tests of what is written).
 */
final class StoreWriter implements StoreWrites, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StoreWriter.class.getName());
    /** The most writes waiting by default: far more keys than hosts, networks and a long outage's audit entries. */
    static final int MAX_PENDING = 20_000;
    static final long FIRST_PAUSE_MS = 250;
    static final long MAX_PAUSE_MS = 2_000;
    static final int ATTEMPTS = 3;
    /** The most writes taken into one transaction. */
    static final int MAX_BATCH = 100;

    /**
     * How a store makes several writes one transaction: {@code writes} runs the writes (calls of the
     * store on this thread), and either all of them take effect or, if it throws, none does.
     */
    @FunctionalInterface
    interface Together {
        void run(Runnable writes);
    }

    /** One write: its key, what it is (for logs) and the work. */
    private record Write(String key, String what, Runnable work) {
    }

    private final int maxPending;
    private final Clock clock;
    private final boolean inline;
    /** Several writes in one transaction (null: each write is its own). */
    private final Together together;
    /** Waiting writes by key, in the order their keys came. Guarded by this. */
    private final LinkedHashMap<String, Write> pending = new LinkedHashMap<>();
    private final Thread worker;
    private volatile boolean closed;
    /**
     * Writes taken from the queue and not done yet: being written, or one that failed and waits to be
     * tried again with the rest of its batch behind it (0: none). Guarded by this.
     */
    private int writing;
    private long written;
    private long transactions;
    private long split;
    private long retried;
    private long refused;
    private long dropped;
    private long replaced;
    private volatile Instant failingSince;
    private volatile String lastFailure;

    private StoreWriter(int maxPending, Clock clock, boolean inline, Together together) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending: " + maxPending + " is not positive");
        }
        this.maxPending = maxPending;
        this.clock = clock;
        this.inline = inline;
        this.together = together;
        if (inline) {
            worker = null;
        } else {
            worker = new Thread(this::run, "vnet-store-writer");
            worker.setDaemon(true);
            worker.start();
        }
    }

    /** A writer with its own thread and a queue of at most {@code maxPending} writes, each its own transaction. */
    static StoreWriter threaded(int maxPending, Clock clock) {
        return new StoreWriter(maxPending, clock, false, null);
    }

    /** The same, writing up to {@value #MAX_BATCH} waiting writes at once {@code together}. */
    static StoreWriter threaded(int maxPending, Clock clock, Together together) {
        return new StoreWriter(maxPending, clock, false, together);
    }

    /** Runs each write at once on the caller's thread; a failure is logged and counted, not retried. */
    static StoreWriter inline() {
        return new StoreWriter(1, Clock.systemUTC(), true, null);
    }

    /**
     * Queues {@code work} under {@code key} (replacing a write of that key still waiting); false
     * when the queue is full (counted) or the writer is closed.
     */
    boolean submit(String key, String what, Runnable work) {
        Write w = new Write(key, what, work);
        if (inline) {
            attempt(w);
            return true;
        }
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (pending.containsKey(key)) {
                pending.put(key, w); // keeps its place
                replaced++;
                return true;
            }
            if (pending.size() >= maxPending) {
                refused++;
                if (refused == 1 || refused % 1000 == 0) {
                    LOG.log(Level.ERROR, "store writes: " + pending.size() + " waiting, the most kept; refused " + what
                            + " (" + refused + " refused so far)" + (failingSince != null ? "; the database has failed"
                            + " since " + failingSince + ": " + lastFailure : ""));
                }
                return false;
            }
            pending.put(key, w);
            notifyAll();
            return true;
        }
    }

    private void run() {
        while (true) {
            List<Write> batch = new java.util.ArrayList<>();
            synchronized (this) {
                while (pending.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (pending.isEmpty()) {
                    writing = 0;
                    notifyAll();
                    return;
                }
                var it = pending.values().iterator();
                int most = together == null ? 1 : MAX_BATCH;
                while (it.hasNext() && batch.size() < most) {
                    batch.add(it.next());
                    it.remove();
                }
                writing = batch.size();
            }
            if (batch.size() < 2 || !writeTogether(batch)) {
                for (int i = 0; i < batch.size(); i++) {
                    if (!writeAlone(batch.get(i))) {
                        leave(batch.subList(i + 1, batch.size()));
                        return;
                    }
                    synchronized (this) {
                        writing--;
                    }
                }
            }
            idle();
        }
    }

    /**
     * Writes {@code batch} in one transaction; false (nothing written) if it failed, and then each is
     * written by itself, which finds the one that failed and tries it as the class says.
     */
    private boolean writeTogether(List<Write> batch) {
        try {
            together.run(() -> batch.forEach(w -> w.work().run()));
        } catch (RuntimeException e) {
            synchronized (this) {
                split++;
            }
            return false;
        }
        synchronized (this) {
            written += batch.size();
            transactions++;
        }
        working();
        return true;
    }

    /**
     * Writes {@code w} by itself: done, given up (a bug, or refused {@value #ATTEMPTS} times), or tried
     * again after a growing pause while the database is away (a newer write of its key, if one comes,
     * is written instead); false if the writer was closed meanwhile (the write left for
     * {@link #close(long)} to count).
     */
    private boolean writeAlone(Write w) {
        long pause = FIRST_PAUSE_MS;
        int attempts = 0;
        while (true) {
            Outcome o = attempt(w);
            if (o == Outcome.DONE || o == Outcome.DROPPED) {
                return true;
            }
            attempts++;
            if (o == Outcome.FAILED && attempts >= ATTEMPTS) {
                drop(w, lastFailure);
                return true;
            }
            synchronized (this) {
                retried++;
                if (closed) {
                    leave(List.of(w));
                    return false;
                }
                try {
                    wait(pause); // a submit wakes it early: the new write may be the failed one's newer
                } catch (InterruptedException e) {
                    leave(List.of(w));
                    return false;
                }
                Write newer = pending.remove(w.key());
                if (newer != null) {
                    w = newer; // supersedes it, in its place
                }
            }
            pause = Math.min(MAX_PAUSE_MS, pause * 2);
        }
    }

    /** Puts back writes not done when the writer stops, for {@link #close(long)} to count and log. */
    private synchronized void leave(List<Write> left) {
        left.forEach(w -> pending.putIfAbsent(w.key(), w));
        writing = 0;
        notifyAll();
    }

    private synchronized void idle() {
        writing = 0;
        notifyAll();
    }

    private enum Outcome { DONE, UNAVAILABLE, FAILED, DROPPED }

    private Outcome attempt(Write w) {
        try {
            w.work().run();
            synchronized (this) {
                written++;
                transactions++;
            }
            working();
            return Outcome.DONE;
        } catch (StoreUnavailableException e) {
            failing(w, e);
            if (inline) {
                drop(w, e.getMessage());
                return Outcome.DROPPED;
            }
            return Outcome.UNAVAILABLE;
        } catch (StoreException e) {
            failing(w, e);
            if (inline) {
                drop(w, e.getMessage());
                return Outcome.DROPPED;
            }
            return Outcome.FAILED;
        } catch (RuntimeException e) {
            drop(w, e.toString()); // not the database's: trying again gives the same
            return Outcome.DROPPED;
        }
    }

    /** A write went in: if writes failed until now, says for how long. */
    private void working() {
        Instant since = failingSince;
        if (since != null) {
            failingSince = null;
            LOG.log(Level.WARNING, "store writes work again after failing for "
                    + java.time.Duration.between(since, clock.instant()).toMillis() + " ms; " + pending() + " waiting");
        }
    }

    private void failing(Write w, RuntimeException e) {
        lastFailure = e.getMessage();
        if (failingSince == null) {
            failingSince = clock.instant();
            LOG.log(Level.ERROR, "cannot write " + w.what() + " to the store: " + e.getMessage() + (inline ? ""
                    : "; the writes wait and are tried again until the database answers"));
        }
    }

    private void drop(Write w, String why) {
        synchronized (this) {
            dropped++;
        }
        LOG.log(Level.ERROR, "gave up writing " + w.what() + " to the store: " + why + " (" + dropped() + " dropped so far)");
    }

    /**
     * Stops taking writes and waits up to {@code timeoutMs} for those waiting to be written; logs
     * how many were left.
     */
    void close(long timeoutMs) {
        if (inline) {
            return;
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (this) {
            closed = true;
            notifyAll();
            while ((!pending.isEmpty() || writing > 0) && System.currentTimeMillis() < deadline) {
                try {
                    wait(Math.max(1, deadline - System.currentTimeMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (!pending.isEmpty()) {
                LOG.log(Level.ERROR, "stopping with " + pending.size() + " store write(s) not done: "
                        + pending.values().stream().limit(5).map(Write::what).toList()
                        + (failingSince != null ? "; the database has failed since " + failingSince + ": " + lastFailure : ""));
            }
        }
        worker.interrupt();
    }

    @Override
    public void close() {
        close(3_000);
    }

    /** Waits until no write waits or runs, at most {@code timeoutMs}; true if so. */
    synchronized boolean awaitIdle(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!pending.isEmpty() || writing > 0) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    @Override
    public synchronized int pending() {
        return pending.size() + writing;
    }

    @Override
    public int maxPending() {
        return maxPending;
    }

    @Override
    public synchronized long written() {
        return written;
    }

    @Override
    public synchronized long retried() {
        return retried;
    }

    @Override
    public synchronized long refused() {
        return refused;
    }

    @Override
    public synchronized long dropped() {
        return dropped;
    }

    @Override
    public synchronized long transactions() {
        return transactions;
    }

    /** Transactions of several writes that failed, after which each was written by itself. */
    synchronized long split() {
        return split;
    }

    /** Writes that replaced a waiting write of their key. */
    synchronized long replaced() {
        return replaced;
    }

    @Override
    public Instant failingSince() {
        return failingSince;
    }

    @Override
    public String lastFailure() {
        return failingSince == null ? null : lastFailure;
    }
}
