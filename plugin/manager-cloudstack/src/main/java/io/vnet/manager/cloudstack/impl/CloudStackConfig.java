package io.vnet.manager.cloudstack.impl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code cloudstack} section of the manager's configuration file (JSON). Unknown fields and
 * bad values are errors that name the field ({@code cloudstack.pollMs: ...}).
 * <pre>
 * "cloudstack": {
 *   "url": "http://cloudstack:8080/client/api",   // the API endpoint (required)
 *   "apiKey": "...",                              // an admin's API key (required)
 *   "secretKey": "..." | "secretKeyFile": "cs.key", // its secret key, or a file holding it (relative to the config)
 *   "signatureVersion": 3,                        // the only version spoken: requests carry "expires"
 *   "expiresSeconds": 300,                        // how long a signed request stays valid
 *   "requestTimeoutMs": 15000,                    // one HTTP request to CloudStack
 *   "webhookSecret": "..." | "webhookSecretFile": "...", // the webhook's secret key (needed for webhooks)
 *   "events": "webhook",                          // "webhook" (4.20+), "poll" (listEvents) or "both"
 *   "pollMs": 30000,                              // poll: how often listEvents is asked
 *   "eventsTimeZone": "UTC",                      // poll: the management server's time zone (listEvents' startdate)
 *   "syncMs": 600000,                             // how often the whole inventory is read again
 *   "offeringName": "Home Network (VNET)",        // networks of this offering get VNIs
 *   "vniRange": [100000, 16777215],               // where their VNIs come from
 *   "hostMap": {"kvm-host-1": "kvm1.example"},    // VNET host id -> CloudStack host name (default: the same name)
 *   "migrationTimeoutMs": 600000,                 // how long a migration job may take
 *   "pollJobMs": 2000,                            // how often its job is asked
 *   "extensionToken": "..." | "extensionTokenFile": "..." // bearer token of the Network Extension executable
 *   "hookToken": "..." | "hookTokenFile": "..."  // the KVM hosts' hook's token: it reads VMs' NICs, nothing else
 *   "vniQuarantineDays": 7                       // a destroyed network's VNI goes to no other network this long
 * }
 * </pre>
 */
public record CloudStackConfig(URI url, String apiKey, String secretKey, Duration expires, Duration requestTimeout,
                               String webhookSecret, Events events, Duration poll, ZoneId eventsTimeZone, Duration sync,
                               String offeringName, int vniFrom, int vniTo, Map<String, String> hostMap,
                               Duration migrationTimeout, Duration pollJob, String extensionToken, String hookToken,
                               int vniQuarantineDays) {
    public static final String DEFAULT_OFFERING = "Home Network (VNET)";
    public static final int DEFAULT_VNI_FROM = 100_000;
    public static final int DEFAULT_VNI_TO = (1 << 24) - 1;
    static final Set<String> FIELDS = Set.of("url", "apiKey", "secretKey", "secretKeyFile", "signatureVersion",
            "expiresSeconds", "requestTimeoutMs", "webhookSecret", "webhookSecretFile", "events", "pollMs",
            "eventsTimeZone", "syncMs", "offeringName", "vniRange", "hostMap", "migrationTimeoutMs", "pollJobMs",
            "extensionToken", "extensionTokenFile", "hookToken", "hookTokenFile", "vniQuarantineDays");

    /** Where VM lifecycle events come from. */
    public enum Events {
        WEBHOOK, POLL, BOTH;

        boolean webhook() {
            return this != POLL;
        }

        boolean poll() {
            return this != WEBHOOK;
        }
    }

    public CloudStackClient.Settings clientSettings() {
        return new CloudStackClient.Settings(url, apiKey, secretKey, expires, requestTimeout, 500);
    }

    /** The {@code cloudstack} field of the manager's configuration, or null when it has none. */
    public static CloudStackConfig from(io.vnet.manager.config.ManagerConfiguration config) {
        if (!config.has("cloudstack")) {
            return null;
        }
        try {
            return parse(config.field("cloudstack"), config.folder());
        } catch (IllegalArgumentException e) {
            throw config.error(e.getMessage(), e);
        }
    }

    /** Parses the section; files it names are read relative to {@code dir}. */
    public static CloudStackConfig parse(JsonNode c, Path dir) {
        if (!c.isObject()) {
            throw new IllegalArgumentException("cloudstack: expected an object, got " + c);
        }
        for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException(at(f) + ": unknown field (known: " + String.join(", ",
                        FIELDS.stream().sorted().toList()) + ")");
            }
        }
        URI url = url(requiredText(c, "url"));
        String apiKey = requiredText(c, "apiKey");
        String secretKey = secret(c, "secretKey", dir, true);
        integer(c, "signatureVersion", 3, 3, 3); // version 3 (with expires) is the only one spoken
        Duration expires = Duration.ofSeconds(integer(c, "expiresSeconds", 300, 10, 86_400));
        Duration requestTimeout = Duration.ofMillis(integer(c, "requestTimeoutMs", 15_000, 100, 600_000));
        String webhookSecret = secret(c, "webhookSecret", dir, false);
        Events events = events(c);
        if (events.webhook() && webhookSecret == null) {
            throw new IllegalArgumentException(at("webhookSecret") + ": required when events is \""
                    + events.name().toLowerCase() + "\" (deliveries are checked against it); set events to \"poll\""
                    + " for CloudStack before 4.20");
        }
        Duration poll = Duration.ofMillis(integer(c, "pollMs", 30_000, 1000, 3_600_000));
        ZoneId zone = zone(c);
        Duration sync = Duration.ofMillis(integer(c, "syncMs", 600_000, 10_000, 86_400_000));
        String offering = optText(c, "offeringName", DEFAULT_OFFERING);
        int[] range = vniRange(c);
        Map<String, String> hostMap = hostMap(c);
        Duration migrationTimeout = Duration.ofMillis(integer(c, "migrationTimeoutMs", 600_000, 1000, 86_400_000));
        Duration pollJob = Duration.ofMillis(integer(c, "pollJobMs", 2000, 10, 600_000));
        String token = secret(c, "extensionToken", dir, false);
        String hookToken = secret(c, "hookToken", dir, false);
        if (hookToken != null && hookToken.equals(token)) {
            throw new IllegalArgumentException(at("hookToken") + ": the KVM hosts' hook needs a token of its own (every"
                    + " host holds it), not the Network Extension's, which can destroy networks");
        }
        return new CloudStackConfig(url, apiKey, secretKey, expires, requestTimeout, webhookSecret, events, poll, zone,
                sync, offering, range[0], range[1], hostMap, migrationTimeout, pollJob, token, hookToken,
                integer(c, "vniQuarantineDays", VniMap.DEFAULT_QUARANTINE_DAYS, 0, 3650));
    }

    private static String at(String field) {
        return "cloudstack." + field;
    }

    private static URI url(String s) {
        try {
            URI u = new URI(s);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                    || u.getHost() == null) {
                throw new URISyntaxException(s, "not an http(s) URL with a host");
            }
            if (u.getRawQuery() != null) {
                throw new URISyntaxException(s, "must not have a query");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(at("url") + ": expected CloudStack's API URL like"
                    + " http://cloudstack:8080/client/api, got '" + s + "' (" + e.getReason() + ")");
        }
    }

    private static String requiredText(JsonNode c, String f) {
        JsonNode v = c.get(f);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(at(f) + ": required");
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(at(f) + ": expected a non-empty string, got " + v);
        }
        return v.asText();
    }

    private static String optText(JsonNode c, String f, String dflt) {
        return c.has(f) && !c.get(f).isNull() ? requiredText(c, f) : dflt;
    }

    /** A secret given inline ({@code name}) or in a file ({@code nameFile}), not both. */
    private static String secret(JsonNode c, String name, Path dir, boolean required) {
        boolean inline = c.has(name) && !c.get(name).isNull();
        boolean file = c.has(name + "File") && !c.get(name + "File").isNull();
        if (inline && file) {
            throw new IllegalArgumentException(at(name) + ": give either " + name + " or " + name + "File, not both");
        }
        if (inline) {
            return requiredText(c, name);
        }
        if (file) {
            Path p = Path.of(requiredText(c, name + "File"));
            Path resolved = dir == null ? p : dir.resolve(p);
            try {
                String s = Files.readString(resolved, StandardCharsets.UTF_8).strip();
                if (s.isEmpty()) {
                    throw new IllegalArgumentException(at(name + "File") + ": " + resolved + " is empty");
                }
                return s;
            } catch (IOException e) {
                throw new IllegalArgumentException(at(name + "File") + ": cannot read " + resolved + ": " + e);
            }
        }
        if (required) {
            throw new IllegalArgumentException(at(name) + ": required (or " + name + "File)");
        }
        return null;
    }

    private static int integer(JsonNode c, String f, int dflt, int min, int max) {
        JsonNode v = c.get(f);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw new IllegalArgumentException(at(f) + ": expected an integer " + (min == max ? "equal to " + min
                    : "in " + min + ".." + max) + ", got " + v);
        }
        return v.asInt();
    }

    private static Events events(JsonNode c) {
        String s = optText(c, "events", "webhook");
        return switch (s) {
            case "webhook" -> Events.WEBHOOK;
            case "poll" -> Events.POLL;
            case "both" -> Events.BOTH;
            default -> throw new IllegalArgumentException(at("events") + ": expected \"webhook\", \"poll\" or \"both\", got '"
                    + s + "'");
        };
    }

    private static ZoneId zone(JsonNode c) {
        String s = optText(c, "eventsTimeZone", "UTC");
        try {
            return ZoneId.of(s);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(at("eventsTimeZone") + ": not a time zone like UTC or Europe/Berlin: '"
                    + s + "'");
        }
    }

    private static int[] vniRange(JsonNode c) {
        JsonNode v = c.get("vniRange");
        if (v == null || v.isNull()) {
            return new int[] {DEFAULT_VNI_FROM, DEFAULT_VNI_TO};
        }
        if (!v.isArray() || v.size() != 2 || !v.get(0).isIntegralNumber() || !v.get(1).isIntegralNumber()) {
            throw new IllegalArgumentException(at("vniRange") + ": expected [from, to], got " + v);
        }
        long from = v.get(0).asLong();
        long to = v.get(1).asLong();
        if (from < 1 || to > DEFAULT_VNI_TO || from > to) {
            throw new IllegalArgumentException(at("vniRange") + ": expected 1 <= from <= to <= " + DEFAULT_VNI_TO
                    + " (24-bit VNIs), got " + v);
        }
        return new int[] {(int) from, (int) to};
    }

    private static Map<String, String> hostMap(JsonNode c) {
        JsonNode v = c.get("hostMap");
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException(at("hostMap") + ": expected an object {\"vnetHostId\": \"cloudstackHostName\"},"
                    + " got " + v);
        }
        v.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                throw new IllegalArgumentException(at("hostMap." + e.getKey()) + ": expected a CloudStack host name, got "
                        + e.getValue());
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return Map.copyOf(out);
    }
}
