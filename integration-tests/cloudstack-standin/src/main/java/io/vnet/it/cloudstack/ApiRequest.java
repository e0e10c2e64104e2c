package io.vnet.it.cloudstack;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a CloudStack API server reads and checks a request, for the stand-ins that play one (this
 * module's {@link CloudStackStandIn} and the manager's unit tests' fake): the query's parameters,
 * and why ApiServer would refuse it: an unknown API key, a signatureVersion other than 3, an
 * expires time that is missing, malformed or past, or a signature that is not the HMAC-SHA1, with
 * the key's secret, of every other parameter as sent (URL-encoded, spaces as %20), sorted by name,
 * joined with {@code &} and lower-cased, in base64.
 */
public final class ApiRequest {
    /** The {@code expires} format: yyyy-MM-ddTHH:mm:ssZ, e.g. 2011-10-10T12:00:00+0530. */
    public static final DateTimeFormatter EXPIRES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ");

    private ApiRequest() {
    }

    /** The query's parameters: names lower-cased (CloudStack's are case-insensitive), values decoded. */
    public static Map<String, String> params(String rawQuery) {
        Map<String, String> out = new TreeMap<>();
        for (String kv : (rawQuery == null ? "" : rawQuery).split("&")) {
            if (kv.isEmpty()) {
                continue;
            }
            int eq = kv.indexOf('=');
            out.put((eq < 0 ? kv : kv.substring(0, eq)).toLowerCase(Locale.ROOT),
                    eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Why CloudStack would refuse this request, or null when it would take it. {@code secretOf}
     * gives an API key's secret key, or null for a key it does not know.
     */
    public static String refusal(String rawQuery, Function<String, String> secretOf) {
        Map<String, String> params = params(rawQuery);
        String apiKey = params.get("apikey");
        String secret = apiKey == null ? null : secretOf.apply(apiKey);
        if (secret == null) {
            return "unknown apiKey";
        }
        if (!"3".equals(params.get("signatureversion"))) {
            return "signatureVersion is not 3";
        }
        try {
            String expires = params.get("expires");
            if (expires == null || !OffsetDateTime.parse(expires, EXPIRES).isAfter(OffsetDateTime.now())) {
                return "expired or no expires";
            }
        } catch (RuntimeException e) {
            return "expires is not yyyy-MM-ddTHH:mm:ssZ";
        }
        // everything but the signature, sorted by name, values as sent (URL-encoded), lower-cased
        List<String> parts = new ArrayList<>();
        String signature = null;
        for (String kv : rawQuery.split("&")) {
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq);
            if (k.equalsIgnoreCase("signature")) {
                signature = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            } else if (!kv.isEmpty()) {
                parts.add(kv.replace("+", "%20"));
            }
        }
        parts.sort(String.CASE_INSENSITIVE_ORDER);
        String expected = hmacSha1(secret, String.join("&", parts).toLowerCase(Locale.ROOT));
        return expected.equals(signature) ? null : "bad signature";
    }

    private static String hmacSha1(String key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
