package io.vnet.manager.cloudstack.impl;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs CloudStack API requests as CloudStack's developer guide ("Signing API Requests",
 * https://docs.cloudstack.apache.org/en/latest/developersguide/dev.html#signing-api-requests)
 * describes: every parameter but the signature as {@code name=URL-encoded value} (spaces as
 * {@code %20}), sorted by name, joined with {@code &}, lower-cased as a whole, then HMAC-SHA1 with
 * the secret key, base64.
 */
public final class ApiSigner {
    private final SecretKeySpec key;

    public ApiSigner(String secretKey) {
        if (secretKey == null || secretKey.isEmpty()) {
            throw new IllegalArgumentException("secretKey: must not be empty");
        }
        this.key = new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA1");
    }

    /** The string that is signed, e.g. {@code apikey=...&command=listusers&response=json}. */
    public static String canonical(Map<String, String> params) {
        List<String> pairs = new ArrayList<>();
        params.forEach((k, v) -> {
            if (!k.equalsIgnoreCase("signature")) {
                pairs.add((k + "=" + encode(v)).toLowerCase(Locale.ROOT));
            }
        });
        pairs.sort((a, b) -> name(a).compareTo(name(b)));
        return String.join("&", pairs);
    }

    private static String name(String pair) {
        return pair.substring(0, pair.indexOf('='));
    }

    /** The base64 signature of the parameters (not URL-encoded). */
    public String sign(Map<String, String> params) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(key);
            return Base64.getEncoder().encodeToString(mac.doFinal(canonical(params).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available: " + e.getMessage(), e);
        }
    }

    /** URL-encodes a query value the way CloudStack does when it checks a signature (space as %20). */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
