package io.vnet.it.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.it.fabric.ManagerProcess;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The manager's closed-loop API for one network, as the experiment uses it:
 * <ul>
 * <li>{@code PUT /api/networks/{vni}/adaptation} {@code {"mode":"off"|"recommend"|"automatic",
 * "algorithm":"greedy"|"anneal"|"topk"|"topk:K"|"exhaustive","migrate":false}};</li>
 * <li>{@code GET /api/networks/{vni}/adaptation}: the settings and the decisions, newest first;</li>
 * <li>{@code POST /api/networks/{vni}/adaptation/rollback}: back to the overlay before the last
 * applied decision (409 when there is none);</li>
 * <li>{@code GET /api/audit?limit=N}.</li>
 * </ul>
 * A manager without automatic mode answers the PUT with 404, 405 or 501: {@link #set} then
 * throws {@link Unsupported}, so a caller can skip the closed loop and say why.
 */
public final class AdaptationApi {
    private final ManagerProcess manager;
    private final int vni;

    public AdaptationApi(ManagerProcess manager, int vni) {
        this.manager = manager;
        this.vni = vni;
    }

    /** The manager does not offer what was asked (its status and answer in the message). */
    public static final class Unsupported extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        Unsupported(String message, int status) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** One decision of the loop, as the API reports it; times are null where the API gave none. */
    public record Decision(long id, Instant time, String trigger, boolean applied, String note, Instant appliedAt,
                           Instant ackedAt, Instant rolledBackAt, String algorithm, List<String> added,
                           double predictedGain, double realisedGain, JsonNode json) {
        /** When the new overlay was in place: when the agents acknowledged it if the API says, else when it was applied. */
        public Instant effectiveAt() {
            return ackedAt != null ? ackedAt : appliedAt;
        }

        static Decision parse(JsonNode n) {
            JsonNode r = n.path("recommendation");
            List<String> added = new ArrayList<>();
            r.path("added").forEach(x -> added.add(x.asText()));
            return new Decision(n.path("id").asLong(), time(n, "time"), n.path("trigger").asText(),
                    n.path("applied").asBoolean(), n.path("note").asText(""), time(n, "appliedAt"), time(n, "ackedAt"),
                    time(n, "rolledBackAt"), r.path("algorithm").asText(""), List.copyOf(added),
                    number(r, "predictedGain"), number(n, "realisedGain"), n);
        }

        private static Instant time(JsonNode n, String field) {
            JsonNode v = n.path(field);
            return v.isTextual() && !v.asText().isEmpty() ? Instant.parse(v.asText()) : null;
        }

        private static double number(JsonNode n, String field) {
            JsonNode v = n.path(field);
            return v.isNumber() ? v.asDouble() : Double.NaN;
        }
    }

    public int vni() {
        return vni;
    }

    /** PUT the settings; {@code algorithm} may be null (kept). Returns the answer, whatever its status. */
    public ManagerProcess.Response configure(String mode, String algorithm) throws IOException {
        ObjectNode body = Json.object().put("mode", mode);
        if (algorithm != null) {
            body.put("algorithm", algorithm);
        }
        body.put("migrate", false);
        return manager.rest("PUT", "/networks/" + vni + "/adaptation", body.toString());
    }

    /** As {@link #configure}, but anything other than 200 throws ({@link Unsupported} for 404, 405, 501). */
    public void set(String mode, String algorithm) throws IOException {
        ManagerProcess.Response r = configure(mode, algorithm);
        if (r.status() == 200) {
            return;
        }
        String msg = "PUT /api/networks/" + vni + "/adaptation {mode " + mode + ", algorithm " + algorithm + "} answered "
                + r.status() + ": " + r.body();
        if (r.status() == 404 || r.status() == 405 || r.status() == 501) {
            throw new Unsupported(msg, r.status());
        }
        throw new IOException(msg);
    }

    /** Mode off, ignoring a manager that has no such API. */
    public void offQuietly() throws IOException {
        configure("off", null);
    }

    /** The settings and decisions ({@code GET /api/networks/{vni}/adaptation}). */
    public JsonNode state() throws IOException {
        return manager.get("/networks/" + vni + "/adaptation");
    }

    /** The decisions, newest first. */
    public List<Decision> decisions() throws IOException {
        List<Decision> out = new ArrayList<>();
        state().path("decisions").forEach(d -> out.add(Decision.parse(d)));
        return out;
    }

    /** The highest decision id so far (0 if none): later decisions have higher ids. */
    /**
     * Until {@code run} is done, the last decision that was applied, acknowledged and had its
     * realised gain measured (null if none), looked at every 250 ms.
     */
    public Decision lastMeasuredWhile(java.util.concurrent.Future<?> run) throws IOException, InterruptedException {
        Decision applied = null;
        while (!run.isDone()) {
            for (Decision d : decisions()) {
                if (d.applied() && d.ackedAt() != null && !Double.isNaN(d.realisedGain())) {
                    applied = d;
                }
            }
            Thread.sleep(250);
        }
        return applied;
    }

    public long lastDecisionId() throws IOException {
        long max = 0;
        for (Decision d : decisions()) {
            max = Math.max(max, d.id());
        }
        return max;
    }

    /** The decisions with an id above {@code afterId}, oldest first. */
    public List<Decision> decisionsAfter(long afterId) throws IOException {
        List<Decision> out = new ArrayList<>();
        for (Decision d : decisions()) {
            if (d.id() > afterId) {
                out.add(0, d);
            }
        }
        return out;
    }

    /**
     * Waits for the first decision after {@code afterId} that is applied and acknowledged (its move
     * over, every agent applied it), and returns it; fails after {@code timeoutMs} with the state.
     */
    public Decision awaitAcknowledged(long afterId, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            for (Decision d : decisionsAfter(afterId)) {
                if (d.applied() && d.ackedAt() != null) {
                    return d;
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("no decision after " + afterId + " acknowledged within " + timeoutMs
                        + " ms: " + state());
            }
            Thread.sleep(100);
        }
    }

    /** {@code POST .../apply}: the network's recommendation applied now; the answer, whatever its status. */
    public ManagerProcess.Response apply() throws IOException {
        return manager.rest("POST", "/networks/" + vni + "/adaptation/apply", null);
    }

    /**
     * Applies the recommendation once it adds something: a 409 that says the overlay already is what
     * it recommends (the traffic seen so far does not call for a link yet) is tried again every
     * {@code gapMs}, at most {@code attempts} times in all; the last answer, whatever its status.
     */
    public ManagerProcess.Response applyOnceRecommended(int attempts, long gapMs) throws IOException,
            InterruptedException {
        ManagerProcess.Response r = apply();
        for (int i = 1; i < attempts && r.status() == 409 && r.body().toString().contains("adds no link"); i++) {
            Thread.sleep(gapMs);
            r = apply();
        }
        return r;
    }

    /** {@code POST .../rollback}: the answer, whatever its status. */
    public ManagerProcess.Response rollback() throws IOException {
        return manager.rest("POST", "/networks/" + vni + "/adaptation/rollback", null);
    }

    /** Rolls back until the manager says there is nothing left (at most {@code max} times); returns how many. */
    public int rollbackAll(int max) throws IOException {
        int n = 0;
        while (n < max && rollback().status() == 200) {
            n++;
        }
        return n;
    }

    /** The audit log's newest {@code limit} entries. */
    public JsonNode audit(int limit) throws IOException {
        return manager.get("/audit?limit=" + limit);
    }
}
