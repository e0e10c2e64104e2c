package io.vnet.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A one-time enrolment token, as the admin hands it to a new host: {@code vnet1.ID.SECRET.PIN}. The
 * {@code ID} (16 hex digits) finds the token at the manager, which keeps only the SHA-256 of the
 * {@code SECRET} (32 base64url characters, 192 bits); the {@code PIN} (64 hex digits) is the SHA-256
 * of the manager's certificate, so the new host, which has no CA yet, knows it talks to the manager
 * that made the token (and to no one who relays it) before it sends the secret. A token is 120
 * characters; anything else is refused by {@link #parse} with what is wrong.
 */
public record EnrolmentToken(String id, String secret, String pin) {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{32}");
    private static final Pattern PIN = Pattern.compile("[0-9a-f]{64}");
    public static final String PREFIX = "vnet1";
    /** The length of a token's text. */
    public static final int LENGTH = PREFIX.length() + 3 + 16 + 32 + 64;

    public EnrolmentToken {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("enrolment token: its id is not 16 hex digits");
        }
        if (secret == null || !SECRET.matcher(secret).matches()) {
            throw new IllegalArgumentException("enrolment token: its secret is not 32 base64url characters");
        }
        if (pin == null || !PIN.matcher(pin).matches()) {
            throw new IllegalArgumentException("enrolment token: its pin is not 64 hex digits (the manager certificate's SHA-256)");
        }
    }

    /** A new token for the manager whose certificate has SHA-256 {@code pin}. */
    public static EnrolmentToken create(String pin) {
        SecureRandom r = new SecureRandom();
        byte[] id = new byte[8];
        byte[] secret = new byte[24];
        r.nextBytes(id);
        r.nextBytes(secret);
        return new EnrolmentToken(HexFormat.of().formatHex(id), Base64.getUrlEncoder().withoutPadding().encodeToString(secret),
                pin);
    }

    /** Reads a token as {@link #toString} writes it; surrounding white space is ignored. */
    public static EnrolmentToken parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("enrolment token: none");
        }
        String t = text.strip();
        if (t.length() != LENGTH) {
            throw new IllegalArgumentException("enrolment token: " + (t.length() > 1000 ? "more than 1000" : t.length())
                    + " characters, expected "
                    + LENGTH + " (vnet1.ID.SECRET.PIN, as vnetctl manager enrol prints it)");
        }
        String[] p = t.split("\\.", -1);
        if (p.length != 4 || !p[0].equals(PREFIX)) {
            throw new IllegalArgumentException("enrolment token: expected vnet1.ID.SECRET.PIN");
        }
        return new EnrolmentToken(p[1], p[2], p[3]);
    }

    /** The SHA-256 of the secret, hex: what the manager keeps. */
    public String secretHash() {
        return sha256(secret.getBytes(StandardCharsets.US_ASCII));
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return PREFIX + "." + id + "." + secret + "." + pin;
    }
}
