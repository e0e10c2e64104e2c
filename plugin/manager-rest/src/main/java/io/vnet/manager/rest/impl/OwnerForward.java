package io.vnet.manager.rest.impl;

import io.vnet.api.NetworkId;
import io.vnet.manager.ClusterService;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Requests about one network that only its owner can answer, sent on to the owner when another
 * manager of the cluster owns it: the closed loop's state and commands ({@code adaptation},
 * {@code adaptation/apply}, {@code adaptation/rollback}, {@code plan}), the overlay it computes, the
 * live traffic matrix and the live snapshot. The rest (the networks, their topologies and traffic from the database, the
 * agents every manager hears of) any manager answers itself.
 *
 * <p>The caller's own {@code Authorization} goes with the request: the owner checks it again against
 * the sessions every manager shares. A request that was sent on already ({@link #HEADER}) is never
 * sent on again: the owner answers it, or, if ownership moved between the two looks, 503 and try
 * again. The owner's answer (status, JSON body, at most {@link #MAX_ANSWER} bytes) is the caller's;
 * an owner that does not answer within {@link #TIMEOUT} is a 503 naming it.
 */
final class OwnerForward {
    /** Names the manager that sent a request on. */
    static final String HEADER = "X-Vnet-Forwarded-By";
    /** The longest wait for the owner's answer. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The largest answer taken from the owner. */
    static final int MAX_ANSWER = 16 << 20;
    /** The sub-resources of /api/networks/{vni} only the owner answers. */
    private static final Set<String> OWNER_ONLY = Set.of("adaptation", "plan", "overlay", "snapshot", "matrix");

    /** The owner's answer. */
    record Answer(int status, String contentType, byte[] body) {
    }

    private final Supplier<ClusterService> cluster;
    private final HttpClient http;
    /** Requests sent on that the owner answered, and that it did not (one API servlet per manager: /metrics reads these). */
    private static final AtomicLong forwarded = new AtomicLong();
    private static final AtomicLong failed = new AtomicLong();

    OwnerForward(Supplier<ClusterService> cluster) {
        this.cluster = cluster;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * The network a request is about, if only its owner answers it: {@code p} is the path below /api
     * split at '/' ({@code networks, 100, adaptation, apply}).
     */
    static Optional<String> ownerOnly(String[] p) {
        if (p.length >= 3 && p[0].equals("networks") && OWNER_ONLY.contains(p[2])
                && (p.length == 3 || p.length == 4 && p[2].equals("adaptation"))) {
            return Optional.of(p[1]);
        }
        return Optional.empty();
    }

    /** The other manager that owns {@code vni}, if the cluster knows one and where its API is. */
    Optional<ClusterService.Member> remoteOwner(int vni) {
        ClusterService c = cluster.get();
        if (c == null || !c.clustered()) {
            return Optional.empty();
        }
        NetworkId n = NetworkId.of(vni);
        if (c.owns(n)) {
            return Optional.empty();
        }
        return c.owner(n).filter(m -> !m.id().equals(c.self()) && m.apiAddress() != null && !m.apiAddress().isBlank());
    }

    /** Whether this manager, asked by another, does not own {@code vni} now (ownership moved between the looks). */
    boolean notOwnerHere(int vni) {
        ClusterService c = cluster.get();
        return c != null && c.clustered() && !c.owns(NetworkId.of(vni)) && c.owner(NetworkId.of(vni)).isPresent();
    }

    String self() {
        ClusterService c = cluster.get();
        return c == null ? "" : c.self();
    }

    /**
     * Sends a request on to {@code owner} and returns its answer.
     *
     * @param pathAndQuery from /api on, with the query
     * @param body         the request's body, or null
     * @throws ApiError 503 when the owner did not answer, or answered more than {@link #MAX_ANSWER} bytes
     */
    Answer send(ClusterService.Member owner, String method, String pathAndQuery, String authorization, byte[] body) {
        URI uri;
        try {
            uri = URI.create(owner.apiAddress().replaceAll("/+$", "") + pathAndQuery);
        } catch (IllegalArgumentException e) {
            throw new ApiError(503, "network owned by manager " + owner.id() + ", whose API address '" + owner.apiAddress()
                    + "' is not a URL: " + e.getMessage());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header(HEADER, self())
                .header("Accept", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] answer;
            try (InputStream in = r.body()) {
                answer = in.readNBytes(MAX_ANSWER + 1);
            }
            if (answer.length > MAX_ANSWER) {
                throw new IOException("its answer is larger than " + MAX_ANSWER + " bytes");
            }
            forwarded.incrementAndGet();
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse("application/json"), answer);
        } catch (IOException e) {
            failed.incrementAndGet();
            throw new ApiError(503, "this network is owned by manager " + owner.id() + " (" + owner.apiAddress()
                    + "), which did not answer: " + e.getMessage() + "; try again (if it died, another manager owns"
                    + " the network within a lease time)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.incrementAndGet();
            throw new ApiError(503, "interrupted while asking manager " + owner.id());
        }
    }

    static long forwarded() {
        return forwarded.get();
    }

    static long failed() {
        return failed.get();
    }
}
