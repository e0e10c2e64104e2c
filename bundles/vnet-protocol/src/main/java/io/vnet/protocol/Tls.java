package io.vnet.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SslHandler;
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

    private Tls(SslContext server, SslContext client) {
        this.server = server;
        this.client = client;
    }

    /**
     * PEM files for mutual TLS: the CA that signs every daemon's certificate, this daemon's
     * certificate (its subject CN is its id) and its PKCS#8 private key.
     */
    public record Files(Path ca, Path cert, Path key) {
        public Files {
            if (ca == null || cert == null || key == null) {
                throw new IllegalArgumentException("TLS needs ca, cert and key files");
            }
        }

        /**
         * The {@code "tls": {"ca", "cert", "key"}} object of a configuration file, or null if it
         * has none. Relative paths are relative to the file; every file must be readable.
         */
        public static Files parse(JsonNode root, Path configFile) {
            JsonNode t = root.get("tls");
            if (t == null || t.isNull()) {
                return null;
            }
            Json.onlyFields(t, "tls", Set.of("ca", "cert", "key"));
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
            return new Files(p[0], p[1], p[2]);
        }
    }

    public static Tls load(Files files) throws IOException {
        return load(files.ca(), files.cert(), files.key());
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
        try {
            SslProvider provider = provider();
            SslContext server = SslContextBuilder.forServer(cert.toFile(), key.toFile()).sslProvider(provider)
                    .trustManager(ca.toFile()).clientAuth(ClientAuth.REQUIRE).build();
            SslContext client = SslContextBuilder.forClient().keyManager(cert.toFile(), key.toFile())
                    .sslProvider(provider).trustManager(ca.toFile()).endpointIdentificationAlgorithm(null).build();
            return new Tls(server, client);
        } catch (Exception e) {
            throw new IOException("cannot load TLS files (ca " + ca + ", cert " + cert + ", key " + key + "): "
                    + e.getMessage(), e);
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
