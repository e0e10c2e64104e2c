package io.vnet.manager.rest.impl;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.manager.rest.Identity;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live streams of {@code GET /api/networks/{vni}/events} (Server-Sent Events): each open stream
 * gets an {@code event: snapshot} at once and then every period, whose data is
 * {@link Api#snapshot}. When the user's session ends, or the user may no longer see the network,
 * the stream gets an {@code event: error} with {@code {"error": ...}} and is closed. One thread
 * writes every stream; a stream whose client went away is dropped at its next write.
 */
final class EventStreams implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventStreams.class.getName());
    /** The most streams open at once (the rest are refused with 503). */
    static final int MAX_STREAMS = 256;

    private record Stream(AsyncContext context, OutputStream out, int vni, String authorization) {
    }

    /** Where a stream's snapshot comes from. */
    interface Snapshots {
        /** The network's snapshot for this user, whose request carried {@code authorization}. */
        JsonNode snapshot(int vni, Identity who, Instant now, String authorization);
    }

    private final Snapshots snapshots;
    private final Auth auth;
    private final Clock clock;
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;

    EventStreams(Api api, Auth auth, Clock clock, long periodMillis) {
        this(api, auth, clock, periodMillis, (vni, who, now, authorization) -> api.snapshot(vni, who, now));
    }

    EventStreams(Api api, Auth auth, Clock clock, long periodMillis, Snapshots snapshots) {
        this.snapshots = snapshots;
        this.auth = auth;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vnet-api-events");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
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
        streams.add(s);
        send(s, "snapshot", first);
    }

    int size() {
        return streams.size();
    }

    private void tick() {
        if (streams.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Map<String, JsonNode> made = new HashMap<>(); // one snapshot per network and kind of user each round
        for (Stream s : streams) {
            try {
                Identity who = auth.identify(s.authorization()).orElse(null);
                if (who == null) {
                    send(s, "error", Api.JSON.createObjectNode().put("error",
                            "sign in: the session has ended (expired or signed out)"));
                    close(s);
                    continue;
                }
                String key = s.vni() + (who.admin() ? "/admin" : "/tenant");
                JsonNode doc = made.get(key);
                if (doc == null || !who.maySee(s.vni())) {
                    doc = snapshots.snapshot(s.vni(), who, now, s.authorization());
                    made.put(key, doc);
                }
                send(s, "snapshot", doc);
            } catch (ApiError e) {
                send(s, "error", Api.JSON.createObjectNode().put("error", e.getMessage()).put("status", e.status));
                close(s);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "live stream of network " + s.vni() + ": no snapshot this round: " + e);
            }
        }
    }

    /** Writes one event; a stream that cannot be written is closed. */
    private void send(Stream s, String event, JsonNode data) {
        try {
            byte[] text = ("event: " + event + "\ndata: " + Api.JSON.writeValueAsString(data) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8);
            synchronized (s) {
                s.out().write(text);
                s.out().flush();
            }
        } catch (IOException | IllegalStateException e) {
            close(s); // the client went away
        }
    }

    private void close(Stream s) {
        streams.remove(s);
        try {
            s.context().complete();
        } catch (IllegalStateException e) {
            // completed already
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (Stream s : streams) {
            close(s);
        }
    }
}
