package io.vnet.manager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.NetworkId;
import io.vnet.protocol.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JSON form of the closed loop's settings, recommendations and decisions: the REST API
 * answers with it and the store keeps it. Numbers not measured yet (NaN) are null.
 */
public final class AdaptationJson {
    private AdaptationJson() {
    }

    public static ObjectNode settings(AdaptationService.Settings s) {
        return Json.object().put("mode", s.mode().name().toLowerCase(Locale.ROOT)).put("algorithm", s.algorithm())
                .put("migrate", s.migrate()).put("maxMigrationsPerHour", s.maxMigrationsPerHour());
    }

    /** Settings from JSON; fields that are missing keep their value in {@code base}. */
    public static AdaptationService.Settings settings(JsonNode n, AdaptationService.Settings base) {
        Json.onlyFields(n, "", java.util.Set.of("mode", "algorithm", "migrate", "maxMigrationsPerHour"));
        AdaptationService.Mode mode = base.mode();
        if (n.has("mode")) {
            String m = n.path("mode").asText();
            try {
                mode = AdaptationService.Mode.valueOf(m.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("mode: expected off, recommend or automatic, got '" + m + "'");
            }
        }
        String algorithm = Json.optText(n, "", "algorithm", base.algorithm());
        boolean migrate = Json.bool(n, "", "migrate", base.migrate());
        int cap = Json.integer(n, "", "maxMigrationsPerHour", 0, 10_000, base.maxMigrationsPerHour());
        return new AdaptationService.Settings(mode, algorithm, migrate, cap);
    }

    public static ObjectNode recommendation(AdaptationService.Recommendation r) {
        ObjectNode o = Json.object().put("vni", r.network().vni()).put("algorithm", r.algorithm())
                .put("currentSeconds", r.currentSeconds()).put("plannedSeconds", r.plannedSeconds())
                .put("predictedGain", r.predictedGain()).put("worthApplying", r.worthApplying())
                .put("computeMillis", r.computeMillis());
        r.overlay().forEach(o.putArray("overlay")::add);
        r.added().forEach(o.putArray("added")::add);
        r.floodTree().forEach(o.putArray("floodTree")::add);
        r.migrations().forEach(o.putArray("migrations")::add);
        return o;
    }

    public static AdaptationService.Recommendation recommendation(JsonNode n) {
        return new AdaptationService.Recommendation(NetworkId.of(n.path("vni").asInt()), n.path("algorithm").asText(),
                n.path("currentSeconds").asDouble(), n.path("plannedSeconds").asDouble(),
                n.path("predictedGain").asDouble(), n.path("worthApplying").asBoolean(), strings(n.path("overlay")),
                strings(n.path("added")), strings(n.path("floodTree")), strings(n.path("migrations")),
                n.path("computeMillis").asLong());
    }

    public static ObjectNode decision(AdaptationService.Decision d) {
        ObjectNode o = Json.object().put("id", d.id()).put("time", d.time().toString()).put("trigger", d.trigger())
                .put("applied", d.applied()).put("note", d.note());
        o.set("recommendation", d.recommendation() == null ? null : recommendation(d.recommendation()));
        time(o, "appliedAt", d.appliedAt());
        time(o, "ackedAt", d.ackedAt());
        d.migrated().forEach(o.putArray("migrated")::add);
        number(o, "rateBefore", d.rateBefore());
        number(o, "rateAfter", d.rateAfter());
        number(o, "realisedGain", d.realisedGain());
        time(o, "rolledBackAt", d.rolledBackAt());
        return o;
    }

    public static AdaptationService.Decision decision(JsonNode n) {
        JsonNode r = n.path("recommendation");
        return new AdaptationService.Decision(n.path("id").asLong(), Instant.parse(n.path("time").asText()),
                n.path("trigger").asText(), r.isObject() ? recommendation(r) : null, n.path("applied").asBoolean(),
                n.path("note").asText(""), time(n, "appliedAt"), time(n, "ackedAt"), strings(n.path("migrated")),
                number(n, "rateBefore"), number(n, "rateAfter"), number(n, "realisedGain"), time(n, "rolledBackAt"));
    }

    private static void time(ObjectNode o, String field, Instant t) {
        if (t == null) {
            o.putNull(field);
        } else {
            o.put(field, t.toString());
        }
    }

    private static Instant time(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() ? Instant.parse(v.asText()) : null;
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }

    private static double number(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        if (a instanceof ArrayNode arr) {
            arr.forEach(x -> out.add(x.asText()));
        }
        return out;
    }
}
