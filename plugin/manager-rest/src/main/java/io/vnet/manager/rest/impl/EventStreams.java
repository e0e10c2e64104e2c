package io.vnet.manager.rest.impl;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.manager.rest.Identity;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The live streams of {@code GET /api/networks/{vni}/events} (Server-Sent Events): each open stream
 * gets an {@code event: snapshot} at once and then every period, whose data is
 * {@link Api#snapshot}. When the user's session ends, or the user may no longer see the network,
 * the stream gets an {@code event: error} with {@code {"error": ...}} and is closed.
 *
 * <p>One stream never holds back the others:
 * <ul>
 *   <li><b>Writes do not block.</b> A stream's output is in the servlet's non-blocking mode: a client that
 *       has not read what it was sent gets nothing new that round (counted as skipped), and one that
 *       reads nothing for {@link #STALLED_MS} is closed (counted). Before, one thread wrote every stream
 *       and a tenant's page that stopped reading stopped every stream of the manager until the server's
 *       idle timeout.</li>
 *   <li><b>Snapshots are made off the writing thread</b>, one per network and kind of user at a time, by
 *       {@link #SNAPSHOT_THREADS} threads. A round waits for them at most half a period; one that takes
 *       longer (in a cluster, an owner slow to answer, up to {@link OwnerForward#TIMEOUT}) is sent to its
 *       streams in the round it is ready, and the others go on meanwhile.</li>
 * </ul>
 */
final class EventStreams implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventStreams.class.getName());
    /** The most streams open at once (the rest are refused with 503). */
    static final int MAX_STREAMS = 256;
    /** How long a client may leave what it was sent unread before its stream is closed. */
    static final long STALLED_MS = 30_000;
    /** Threads making snapshots (at most one per network and kind of user at a time). */
    static final int SNAPSHOT_THREADS = 4;

    private static final LongAdder SKIPPED = new LongAdder();
    private static final LongAdder STALLED = new LongAdder();
    private static final LongAdder LATE = new LongAdder();

    private static final class Stream {
        final AsyncContext context;
        final ServletOutputStream out;
        final int vni;
        final String authorization;
        /** When (monotonic ms) the client was first found not to have read what it was sent; -1 if it has. */
        long unreadSince = -1;

        Stream(AsyncContext context, ServletOutputStream out, int vni, String authorization) {
            this.context = context;
            this.out = out;
            this.vni = vni;
            this.authorization = authorization;
        }
    }

    /** Where a stream's snapshot comes from. */
    interface Snapshots {
        /** The network's snapshot for this user, whose request carried {@code authorization}. */
        JsonNode snapshot(int vni, Identity who, Instant now, String authorization);
    }

    private final Snapshots snapshots;
    private final Auth auth;
    private final Clock clock;
    private final LongSupplier monotonicMs;
    private final long periodMillis;
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private final ThreadPoolExecutor making;
    /** The snapshot being made, or made and not yet sent, per network and kind of user (the timer's thread only). */
    private final Map<String, CompletableFuture<JsonNode>> made = new HashMap<>();

    EventStreams(Api api, Auth auth, Clock clock, long periodMillis) {
        this(api, auth, clock, periodMillis, (vni, who, now, authorization) -> api.snapshot(vni, who, now));
    }

    EventStreams(Api api, Auth auth, Clock clock, long periodMillis, Snapshots snapshots) {
        this(auth, clock, periodMillis, snapshots, () -> System.nanoTime() / 1_000_000, true);
    }

    /** With the monotonic clock given; {@code ticking}: rounds every period on a thread of its own (tests: none). */
    EventStreams(Auth auth, Clock clock, long periodMillis, Snapshots snapshots, LongSupplier monotonicMs,
                 boolean ticking) {
        this.snapshots = snapshots;
        this.auth = auth;
        this.clock = clock;
        this.monotonicMs = monotonicMs;
        this.periodMillis = periodMillis;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vnet-api-events");
            t.setDaemon(true);
            return t;
        });
        // at most one task per network and kind of user, so never more than the streams
        this.making = new ThreadPoolExecutor(SNAPSHOT_THREADS, SNAPSHOT_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(MAX_STREAMS), r -> {
                    Thread t = new Thread(r, "vnet-api-snapshots");
                    t.setDaemon(true);
                    return t;
                });
        if (ticking) {
            timer.scheduleAtFixedRate(this::tickQuietly, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Starts a stream for a request whose user has been checked and may see {@code vni}.
     *
     * @throws ApiError 503 when too many streams are open
     */
    void open(HttpServletRequest req, HttpServletResponse resp, int vni, Identity who) throws IOException {
        if (streams.size() >= MAX_STREAMS) {
            throw new ApiError(503, "too many live streams are open (" + MAX_STREAMS + "): try again later");
        }
        JsonNode first = snapshots.snapshot(vni, who, clock.instant(), req.getHeader("Authorization")); // errors: JSON
        resp.setStatus(200);
        resp.setContentType("text/event-stream");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Accel-Buffering", "no");
        AsyncContext ac = req.startAsync();
        ac.setTimeout(0);
        Stream s = new Stream(ac, resp.getOutputStream(), vni, req.getHeader("Authorization"));
        ac.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                streams.remove(s);
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                close(s);
            }

            @Override
            public void onError(AsyncEvent event) {
                close(s);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // nothing to do
            }
        });
        s.out.setWriteListener(new WriteListener() {
            @Override
            public void onWritePossible() {
                // the next round writes
            }

            @Override
            public void onError(Throwable t) {
                close(s); // the client went away
            }
        });
        streams.add(s);
        send(s, "snapshot", first);
    }

    int size() {
        return streams.size();
    }

    /** Snapshots not sent to a stream because its client had not read the one before. */
    static long skipped() {
        return SKIPPED.sum();
    }

    /** Streams closed because their client read nothing for {@link #STALLED_MS}. */
    static long stalled() {
        return STALLED.sum();
    }

    /** Snapshots not ready within half a period (sent in the round they were ready). */
    static long late() {
        return LATE.sum();
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "live streams: round failed: " + e, e);
        }
    }

    /** One round (the timer's thread; tests call it). */
    void tick() {
        if (streams.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Map<Stream, String> keys = new LinkedHashMap<>();
        List<CompletableFuture<JsonNode>> fresh = new java.util.ArrayList<>();
        for (Stream s : streams) {
            Identity who = auth.identify(s.authorization).orElse(null);
            if (who == null) {
                send(s, "error", Api.JSON.createObjectNode().put("error",
                        "sign in: the session has ended (expired or signed out)"));
                close(s);
                continue;
            }
            if (!who.maySee(s.vni)) {
                send(s, "error", Api.JSON.createObjectNode().put("error", "network " + s.vni + " is not one of "
                        + who.user() + "'s networks").put("status", 403));
                close(s);
                continue;
            }
            String key = s.vni + (who.admin() ? "/admin" : "/tenant");
            keys.put(s, key);
            if (!made.containsKey(key)) {
                CompletableFuture<JsonNode> f = make(s.vni, who, now, s.authorization);
                made.put(key, f);
                fresh.add(f);
            }
        }
        // this round's snapshots, for at most half a period (one still being made since an earlier round is not waited for)
        long deadline = monotonicMs.getAsLong() + periodMillis / 2;
        for (CompletableFuture<JsonNode> f : fresh) {
            long left = deadline - monotonicMs.getAsLong();
            if (left <= 0) {
                break;
            }
            try {
                f.get(left, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // late: sent in the round it is ready; failed: below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        keys.forEach((s, key) -> {
            CompletableFuture<JsonNode> f = made.get(key);
            if (!f.isDone()) {
                return;
            }
            try {
                send(s, "snapshot", f.join());
            } catch (CompletionException e) {
                if (e.getCause() instanceof ApiError a) {
                    send(s, "error", Api.JSON.createObjectNode().put("error", a.getMessage()).put("status", a.status));
                    close(s);
                } else {
                    LOG.log(Level.WARNING, "live stream of network " + s.vni + ": no snapshot this round: " + e.getCause());
                }
            }
        });
        made.values().forEach(f -> {
            if (!f.isDone()) {
                LATE.increment();
            }
        });
        made.values().removeIf(CompletableFuture::isDone); // the next round makes them afresh
    }

    private CompletableFuture<JsonNode> make(int vni, Identity who, Instant now, String authorization) {
        try {
            return CompletableFuture.supplyAsync(() -> snapshots.snapshot(vni, who, now, authorization), making);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Writes one event if the client has read what it was sent before (else skips it, and closes a stream
     * whose client read nothing for {@link #STALLED_MS}); a stream that cannot be written is closed.
     */
    private void send(Stream s, String event, JsonNode data) {
        try {
            byte[] text = ("event: " + event + "\ndata: " + Api.JSON.writeValueAsString(data) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8);
            synchronized (s) {
                if (!s.out.isReady()) {
                    long now = monotonicMs.getAsLong();
                    if (s.unreadSince < 0) {
                        s.unreadSince = now;
                    } else if (now - s.unreadSince >= STALLED_MS) {
                        STALLED.increment();
                        LOG.log(Level.WARNING, "live stream of network " + s.vni + ": closed, its client read nothing for "
                                + (now - s.unreadSince) + " ms (" + STALLED.sum() + " closed so far)");
                        close(s);
                        return;
                    }
                    SKIPPED.increment();
                    return;
                }
                s.unreadSince = -1;
                s.out.write(text);
                if (s.out.isReady()) {
                    s.out.flush();
                }
            }
        } catch (IOException | IllegalStateException e) {
            close(s); // the client went away
        }
    }

    private void close(Stream s) {
        streams.remove(s);
        try {
            s.context.complete();
        } catch (IllegalStateException e) {
            // completed already
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        making.shutdownNow();
        for (Stream s : streams) {
            close(s);
        }
    }
}
