package io.vnet.protocol;

import io.vnet.api.Ids;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Secrets kept in files (readable by the daemon's user only): an agent's enrolment token (the
 * first line of its file) and the manager's table of them ({@code HOST TOKEN} per line). Reads
 * are bounded, and errors name the file.
 */
public final class Secrets {
    /** A token file larger than this is not a token file. */
    public static final int MAX_TOKEN_FILE = 4096;
    /** The manager's table of tokens: at most this many bytes. */
    public static final int MAX_TABLE_FILE = 4 << 20;
    /** A token shorter than this is too easy to guess. */
    public static final int MIN_TOKEN = 16;

    private Secrets() {
    }

    private static String read(Path file, String what, int max) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(max + 1);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " file " + file + ": cannot read it: " + e.getMessage());
        }
        if (bytes.length > max) {
            throw new IllegalArgumentException(what + " file " + file + ": larger than " + max + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The first line of {@code file}, which must hold a token of at least {@value #MIN_TOKEN} characters. */
    public static String firstLine(Path file, String what) {
        String text = read(file, what, MAX_TOKEN_FILE);
        int nl = text.indexOf('\n');
        String line = (nl < 0 ? text : text.substring(0, nl)).strip();
        checkToken(line, what + " file " + file);
        return line;
    }

    private static void checkToken(String token, String where) {
        if (token.length() < MIN_TOKEN || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException(where + ": expected a token of at least " + MIN_TOKEN
                    + " printable characters without spaces (e.g. openssl rand -hex 32)");
        }
    }

    /**
     * The manager's enrolment tokens: per line {@code HOST TOKEN}; blank lines and lines starting
     * with {@code #} are skipped. A host listed twice or a bad line is an error naming its number.
     */
    public static Map<String, String> tokens(Path file) {
        String text = read(file, "agent tokens", MAX_TABLE_FILE);
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = "agent tokens file " + file + ", line " + (i + 1);
            if (parts.length != 2) {
                throw new IllegalArgumentException(where + ": expected HOST TOKEN");
            }
            try {
                Ids.check("host id", parts[0]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
            checkToken(parts[1], where);
            if (out.put(parts[0], parts[1]) != null) {
                throw new IllegalArgumentException(where + ": host " + parts[0] + " is listed twice");
            }
        }
        return Map.copyOf(out);
    }

    /** Whether {@code given} is {@code expected}, in time that does not depend on where they differ. */
    public static boolean matches(String expected, String given) {
        if (expected == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
