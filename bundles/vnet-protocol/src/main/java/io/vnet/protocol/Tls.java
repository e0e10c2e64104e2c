package io.vnet.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Mutual TLS between VNET daemons (links) and between agents and the manager: both sides
 * present a certificate signed by the one CA, and a certificate's subject CN is the daemon's
 * id (a host id, or the manager's name), which the receiving side checks against what the
 * peer says it is. Addresses are not identities, so there is no hostname verification.
 */
public final class Tls {
    private static final Pattern CN = Pattern.compile("(?:^|,)\\s*CN=([^,]+)");

    private final SslContext server;
    private final SslContext client;
    private final Revocations revocations;

    private Tls(SslContext server, SslContext client, Revocations revocations) {
        this.server = server;
        this.client = client;
        this.revocations = revocations;
    }

    /**
     * PEM files for mutual TLS: the CA that signs every daemon's certificate, this daemon's
     * certificate (its subject CN is its id) and its PKCS#8 private key; and optionally the deny
     * list of revoked certificates ({@link Revocations}, null: none).
     */
    public record Files(Path ca, Path cert, Path key, Path revoked) {
        public Files {
            if (ca == null || cert == null || key == null) {
                throw new IllegalArgumentException("TLS needs ca, cert and key files");
            }
        }

        public Files(Path ca, Path cert, Path key) {
            this(ca, cert, key, null);
        }

        /**
         * The {@code "tls": {"ca", "cert", "key", "revoked"}} object of a configuration file
         * ({@code revoked} is optional), or null if it has none. Relative paths are relative to
         * the file; every file must be readable.
         */
        public static Files parse(JsonNode root, Path configFile) {
            return parseSection(root.get("tls"), configFile);
        }

        /** The {@code tls} object itself ({@code t}; null or missing: no TLS), its files relative to {@code configFile}'s folder. */
        public static Files parseSection(JsonNode t, Path configFile) {
            if (t == null || t.isNull() || t.isMissingNode()) {
                return null;
            }
            Json.onlyFields(t, "tls", Set.of("ca", "cert", "key", "revoked"));
            Path dir = configFile == null ? null : configFile.toAbsolutePath().getParent();
            Path base = dir == null ? Path.of(".") : dir;
            String[] names = {"ca", "cert", "key"};
            Path[] p = new Path[3];
            for (int i = 0; i < 3; i++) {
                p[i] = base.resolve(Json.text(t, "tls", names[i]));
                if (!java.nio.file.Files.isReadable(p[i])) {
                    throw new IllegalArgumentException("tls." + names[i] + ": cannot read " + p[i]);
                }
            }
            Path revoked = null;
            if (t.hasNonNull("revoked")) {
                revoked = base.resolve(Json.text(t, "tls", "revoked"));
                if (!java.nio.file.Files.isReadable(revoked)) {
                    throw new IllegalArgumentException("tls.revoked: cannot read " + revoked
                            + " (an empty file revokes nothing)");
                }
            }
            return new Files(p[0], p[1], p[2], revoked);
        }
    }

    /** Loads the files, and the deny list if they name one (else an empty one the manager may fill). */
    public static Tls load(Files files) throws IOException {
        return load(files, false);
    }

    /**
     * As {@link #load(Files)}; with {@code optionalClientAuth} the accepting side also completes the
     * handshake with a peer that presents no certificate (the manager's agent port, for a new host's
     * enrolment: such a peer may say nothing else, and {@link #peerIdentity} refuses it everywhere).
     */
    public static Tls load(Files files, boolean optionalClientAuth) throws IOException {
        Tls t = load(files.ca(), files.cert(), files.key(), optionalClientAuth);
        if (files.revoked() == null) {
            return t;
        }
        try {
            return new Tls(t.server, t.client, Revocations.load(files.revoked()));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * The TLS engine: BoringSSL through Netty's OpenSSL engine when its native library is
     * present (netty-tcnative), several times faster on bulk data than the JDK's; else the JDK's.
     */
    public static SslProvider provider() {
        try {
            if (OpenSsl.isAvailable()) {
                return SslProvider.OPENSSL;
            }
        } catch (LinkageError e) {
            // netty-tcnative is absent: the JDK engine it is
        }
        return SslProvider.JDK;
    }

    /** Which engine {@link #provider()} picked, for the log: e.g. "BoringSSL (OpenSSL engine)". */
    public static String providerName() {
        return provider() == SslProvider.OPENSSL ? OpenSsl.versionString() + " (OpenSSL engine)" : "the JDK's engine";
    }

    /** Loads PEM files: the CA certificate, this daemon's certificate and its PKCS#8 key. */
    public static Tls load(Path ca, Path cert, Path key) throws IOException {
        return load(ca, cert, key, false);
    }

    private static Tls load(Path ca, Path cert, Path key, boolean optionalClientAuth) throws IOException {
        try {
            SslProvider provider = provider();
            SslContext server = SslContextBuilder.forServer(cert.toFile(), key.toFile()).sslProvider(provider)
                    .trustManager(ca.toFile()).clientAuth(optionalClientAuth ? ClientAuth.OPTIONAL : ClientAuth.REQUIRE).build();
            SslContext client = SslContextBuilder.forClient().keyManager(cert.toFile(), key.toFile())
                    .sslProvider(provider).trustManager(ca.toFile()).endpointIdentificationAlgorithm(null).build();
            return new Tls(server, client, Revocations.none());
        } catch (Exception e) {
            throw new IOException("cannot load TLS files (ca " + ca + ", cert " + cert + ", key " + key + "): "
                    + e.getMessage(), e);
        }
    }

    /** The deny list of revoked certificates: the configured file's and what the manager pushed. */
    public Revocations revocations() {
        return revocations;
    }

    /**
     * Why the peer on {@code ch} may not go on: its certificate is on the deny list (a reason
     * naming its fingerprint); null if it is not, or there is no list or no certificate.
     */
    public String revokedPeer(Channel ch) {
        Revocations r = revocations;
        X509Certificate c = peerCertificate(ch);
        if (c == null || !r.revoked(c)) {
            return null;
        }
        return "its certificate (SHA-256 " + Revocations.fingerprint(c) + ", subject "
                + c.getSubjectX500Principal().getName() + ") is revoked";
    }

    /**
     * Who the peer's certificate on {@code ch} says it is; null without TLS. Throws
     * IllegalArgumentException, with the reason, when there is no certificate or its subject is
     * not a daemon's ({@link CertIdentity#parse}).
     */
    public static CertIdentity peerIdentity(Channel ch) {
        if (ch.pipeline().get(SslHandler.class) == null) {
            return null;
        }
        X509Certificate c = peerCertificate(ch);
        if (c == null) {
            throw new IllegalArgumentException("the peer presented no certificate");
        }
        return CertIdentity.parse(c.getSubjectX500Principal().getName());
    }

    /**
     * A client context for a host that has no certificate yet: it trusts exactly the server
     * certificate whose SHA-256 is {@code pin} (from its enrolment token), whatever signed it.
     */
    public static javax.net.ssl.SSLContext pinned(String pin) throws java.security.GeneralSecurityException {
        javax.net.ssl.X509TrustManager tm = new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("a pinned client context trusts no client");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
                if (chain == null || chain.length == 0) {
                    throw new java.security.cert.CertificateException("the manager presented no certificate");
                }
                String got = EnrolmentToken.sha256(chain[0].getEncoded());
                if (!java.security.MessageDigest.isEqual(got.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        pin.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                    throw new java.security.cert.CertificateException("the manager's certificate (SHA-256 " + got
                            + ") is not the one the enrolment token names (" + pin + ")");
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        javax.net.ssl.SSLContext c = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        c.init(null, new javax.net.ssl.TrustManager[] {tm}, new java.security.SecureRandom());
        return c;
    }

    /** The SHA-256 (hex) of the first certificate of a PEM file: what an enrolment token pins. */
    public static String certificatePin(Path pem) throws IOException {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(pem)) {
            return EnrolmentToken.sha256(java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in).getEncoded());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(pem + ": not a certificate: " + e.getMessage(), e);
        }
    }

    /** Adds the accepting side's TLS handler first in {@code ch}'s pipeline. */
    public void addServer(Channel ch) {
        ch.pipeline().addFirst("tls", server.newHandler(ch.alloc()));
    }

    /** Adds the dialling side's TLS handler first in {@code ch}'s pipeline. */
    public void addClient(Channel ch, String host, int port) {
        ch.pipeline().addFirst("tls", client.newHandler(ch.alloc(), host, port));
    }

    /** The peer's certificate on {@code ch}, null without TLS or without a certificate. */
    public static X509Certificate peerCertificate(Channel ch) {
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            return (X509Certificate) ssl.engine().getSession().getPeerCertificates()[0];
        } catch (SSLPeerUnverifiedException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether the peers on {@code a} and {@code b} presented the very same certificate (the same
     * daemon, reconnecting); false without TLS, where nothing proves it.
     */
    public static boolean sameCertificate(Channel a, Channel b) {
        X509Certificate x = peerCertificate(a);
        X509Certificate y = peerCertificate(b);
        return x != null && x.equals(y);
    }

    /**
     * The id in the peer's certificate (its subject CN), null if the channel has no TLS, or
     * "" if the peer presented none.
     */
    public static String peerId(Channel ch) {
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            X509Certificate c = (X509Certificate) ssl.engine().getSession().getPeerCertificates()[0];
            Matcher m = CN.matcher(c.getSubjectX500Principal().getName());
            return m.find() ? m.group(1).trim() : "";
        } catch (SSLPeerUnverifiedException e) {
            return "";
        }
    }
}
