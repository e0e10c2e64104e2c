package io.vnet.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deny list of certificates, by the SHA-256 fingerprint of their DER encoding, read from a file
 * ({@code tls.revoked}) that scripts/vnet-certs.sh DIR revoke NAME appends to: per line a
 * fingerprint (64 hex digits, colons allowed, as {@code openssl x509 -fingerprint -sha256} prints
 * it), then anything (a comment); blank lines and lines starting with {@code #} are skipped. The
 * owner calls {@link #reloadIfChanged()} every second and closes the sessions of certificates
 * that became revoked. Bounded: at most {@value #MAX_ENTRIES} entries from at most
 * {@value #MAX_FILE} bytes; lines that are not fingerprints or exceed the bound are counted
 * ({@link #refusedEntries()}) and logged. A file that cannot be read keeps the list as it was
 * (deleting the file does not un-revoke anything; an empty file does).
 * <p>
 * An agent also takes the manager's list, pushed over the manager channel ({@link #push}): a
 * certificate on either list is revoked. Without a file ({@link #none()}) the pushed list is all.
 */
public final class Revocations {
    private static final System.Logger LOG = System.getLogger(Revocations.class.getName());
    public static final int MAX_ENTRIES = 65_536;
    public static final int MAX_FILE = 8 << 20;

    private final Path file;
    private volatile Set<String> revoked = Set.of();
    private volatile Set<String> pushed = Set.of();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong refusedEntries = new AtomicLong();
    private final AtomicLong refusedPeers = new AtomicLong();
    private Object seenKey;
    private long seenSize = -1;
    private long seenModified = Long.MIN_VALUE;

    private Revocations(Path file) {
        this.file = file;
    }

    /** The deny list in {@code file}, which must be readable now (an empty file revokes nothing). */
    public static Revocations load(Path file) {
        Revocations r = new Revocations(file);
        try {
            r.read();
        } catch (IOException e) {
            throw new IllegalArgumentException("tls.revoked: cannot read " + file + ": " + e.getMessage());
        }
        return r;
    }

    /** No file: only what the manager pushes. */
    public static Revocations none() {
        return new Revocations(null);
    }

    /** The deny list's file, or null if there is none. */
    public Path file() {
        return file;
    }

    /** The certificates the file lists now (SHA-256 fingerprints). */
    public Set<String> listed() {
        return revoked;
    }

    /** How many times the lists changed: a manager pushes its list again when this grows. */
    public long changes() {
        return changes.get();
    }

    /**
     * The manager's list (fingerprints as {@link #normalise} takes them), replacing what it pushed
     * before; at most {@value #MAX_ENTRIES} are taken, the rest and those that are not fingerprints
     * counted ({@link #refusedEntries()}). Returns whether it revokes a certificate that was not
     * revoked before (the owner then closes their sessions).
     */
    public synchronized boolean push(java.util.Collection<String> fingerprints) {
        Set<String> out = new HashSet<>();
        long refused = 0;
        for (String text : fingerprints) {
            String f = normalise(text);
            if (f == null || out.size() >= MAX_ENTRIES && !out.contains(f)) {
                refused++;
            } else {
                out.add(f);
            }
        }
        if (refused > 0) {
            refusedEntries.addAndGet(refused);
            LOG.log(Level.WARNING, "revoked certificates from the manager: " + refused + " entries not taken (not"
                    + " fingerprints, or beyond " + MAX_ENTRIES + ")");
        }
        Set<String> before = pushed;
        pushed = Set.copyOf(out);
        if (!pushed.equals(before)) {
            changes.incrementAndGet();
            LOG.log(Level.INFO, "revoked certificates: " + pushed.size() + " from the manager");
        }
        for (String f : pushed) {
            if (!before.contains(f) && !revoked.contains(f)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the file again if its size, time or identity changed; returns whether the list now
     * revokes a certificate it did not revoke before (the owner then closes their sessions).
     */
    public synchronized boolean reloadIfChanged() {
        if (file == null) {
            return false;
        }
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (a.size() == seenSize && a.lastModifiedTime().toMillis() == seenModified
                    && java.util.Objects.equals(a.fileKey(), seenKey)) {
                return false;
            }
            Set<String> before = revoked;
            read();
            for (String f : revoked) {
                if (!before.contains(f) && !pushed.contains(f)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "revoked certificates: cannot read " + file + " (" + e.getMessage()
                    + "); the list stays as it was (" + revoked.size() + " certificate(s))");
            return false;
        }
    }

    private void read() throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE + 1);
        }
        long refused = 0;
        if (bytes.length > MAX_FILE) {
            LOG.log(Level.WARNING, "revoked certificates: " + file + " is larger than " + MAX_FILE
                    + " bytes; only its first " + MAX_FILE + " are read");
            bytes = java.util.Arrays.copyOf(bytes, MAX_FILE);
            refused++;
        }
        Set<String> out = new HashSet<>();
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = indexOfSpace(line);
            String f = normalise(space < 0 ? line : line.substring(0, space));
            if (f == null) {
                refused++;
                LOG.log(Level.WARNING, "revoked certificates: " + file + ", line " + (i + 1)
                        + ": not a SHA-256 fingerprint (64 hex digits); skipped");
            } else if (out.size() >= MAX_ENTRIES && !out.contains(f)) {
                refused++;
            } else {
                out.add(f);
            }
        }
        if (out.size() >= MAX_ENTRIES) {
            LOG.log(Level.WARNING, "revoked certificates: " + file + " lists more than " + MAX_ENTRIES
                    + " certificates; the rest are not revoked (renew the CA)");
        }
        refusedEntries.addAndGet(refused);
        Set<String> before = revoked;
        revoked = Set.copyOf(out);
        if (!revoked.equals(before)) {
            changes.incrementAndGet();
        }
        seenKey = a.fileKey();
        seenSize = a.size();
        seenModified = a.lastModifiedTime().toMillis();
        LOG.log(Level.INFO, "revoked certificates: " + revoked.size() + " listed in " + file);
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** A fingerprint as 64 lowercase hex digits, or null if {@code text} is not one (colons allowed). */
    public static String normalise(String text) {
        if (text == null || text.length() > 95) {
            return null;
        }
        StringBuilder b = new StringBuilder(64);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':') {
                continue;
            }
            if (Character.digit(c, 16) < 0 || c > 'f') {
                return null;
            }
            b.append(Character.toLowerCase(c));
        }
        return b.length() == 64 ? b.toString() : null;
    }

    /** The SHA-256 fingerprint of {@code cert}'s DER encoding: 64 lowercase hex digits. */
    public static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate: " + e.getMessage(), e);
        }
    }

    /** Whether {@code cert} is on the list (null: no certificate, not revoked). */
    public boolean revoked(X509Certificate cert) {
        if (cert == null || revoked.isEmpty() && pushed.isEmpty()) {
            return false;
        }
        String f = fingerprint(cert);
        return revoked.contains(f) || pushed.contains(f);
    }

    /** How many certificates the lists revoke now (the file's and the manager's, one on both once). */
    public int size() {
        Set<String> file = revoked;
        return file.size() + (int) pushed.stream().filter(f -> !file.contains(f)).count();
    }

    /** Lines of the file that were not taken: not fingerprints, or beyond {@value #MAX_ENTRIES}. */
    public long refusedEntries() {
        return refusedEntries.get();
    }

    /** Counts one connection refused, or one live session closed, for a revoked certificate. */
    public void countRefusal() {
        refusedPeers.incrementAndGet();
    }

    /** Connections refused and live sessions closed for revoked certificates. */
    public long refusedPeers() {
        return refusedPeers.get();
    }
}
