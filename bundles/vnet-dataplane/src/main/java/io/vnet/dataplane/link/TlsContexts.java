package io.vnet.dataplane.link;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.Channel;
import io.vnet.dataplane.DataPlaneConfig;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Mutual TLS for TCP links: both sides present a certificate signed by the one CA, and a
 * certificate's subject CN is the daemon's host id, which must match the id the peer says in
 * its hello (and, when dialling, the host the link expects).
 */
public final class TlsContexts {
    private static final Pattern CN = Pattern.compile("(?:^|,)\\s*CN=([^,]+)");

    final SslContext server;
    final SslContext client;

    private TlsContexts(SslContext server, SslContext client) {
        this.server = server;
        this.client = client;
    }

    public static TlsContexts load(DataPlaneConfig.TlsFiles files) throws IOException {
        try {
            SslContext server = SslContextBuilder.forServer(files.cert().toFile(), files.key().toFile())
                    .trustManager(files.ca().toFile()).clientAuth(ClientAuth.REQUIRE).build();
            // the peer is identified by the host id in its certificate (checked at hello), not by
            // the address it is dialled at, so no HTTPS-style hostname verification
            SslContext client = SslContextBuilder.forClient().keyManager(files.cert().toFile(), files.key().toFile())
                    .trustManager(files.ca().toFile()).endpointIdentificationAlgorithm(null).build();
            return new TlsContexts(server, client);
        } catch (Exception e) {
            throw new IOException("cannot load TLS files (ca " + files.ca() + ", cert " + files.cert() + ", key "
                    + files.key() + "): " + e.getMessage(), e);
        }
    }

    /** The host id in the peer's certificate (its subject CN), or null if the channel has no TLS. */
    static String peerHost(Channel ch) throws SSLPeerUnverifiedException {
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
        String dn = ((X509Certificate) chain[0]).getSubjectX500Principal().getName();
        Matcher m = CN.matcher(dn);
        return m.find() ? m.group(1).trim() : "";
    }
}
