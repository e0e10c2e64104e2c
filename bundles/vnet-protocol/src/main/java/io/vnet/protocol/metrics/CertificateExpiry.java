package io.vnet.protocol.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * When the certificates a daemon loaded at start expire, as {@code vnet_certificate_expiry_timestamp_seconds}
 * (seconds since the epoch, one sample per certificate: which file, and its subject), so an alert
 * can fire weeks ahead. Read once, when the daemon loads its TLS files: a certificate renewed on
 * disk counts once the daemon has restarted with it.
 */
public final class CertificateExpiry {
    /** One certificate: the role of its file ({@code cert}, {@code ca}), its subject and its end of validity. */
    public record Entry(String file, String subject, long notAfterSeconds) {
    }

    private final List<Entry> entries;

    private CertificateExpiry(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** None (no TLS). */
    public static final CertificateExpiry NONE = new CertificateExpiry(List.of());

    /**
     * Reads every certificate of each PEM file ({@code role → path}); a file that cannot be read
     * is left out (the daemon that loaded it has said why).
     */
    public static CertificateExpiry read(Map<String, Path> files) {
        List<Entry> out = new ArrayList<>();
        new java.util.TreeMap<>(files).forEach((role, path) -> {
            try (InputStream in = Files.newInputStream(path)) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    if (c instanceof X509Certificate x) {
                        out.add(new Entry(role, x.getSubjectX500Principal().getName(), x.getNotAfter().getTime() / 1000));
                    }
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                // left out
            }
        });
        return new CertificateExpiry(out);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Adds the family to {@code e}, if there is a certificate. */
    public void write(Exposition e) {
        if (entries.isEmpty()) {
            return;
        }
        e.gauge("vnet_certificate_expiry_timestamp_seconds", "When a certificate this daemon loaded expires (notAfter).");
        for (Entry x : entries) {
            e.sample(x.notAfterSeconds(), "file", x.file(), "subject", x.subject());
        }
    }
}
