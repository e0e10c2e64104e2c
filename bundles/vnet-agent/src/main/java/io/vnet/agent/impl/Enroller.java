package io.vnet.agent.impl;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.agent.config.AgentConfig;
import io.vnet.agent.config.ConfigException;
import io.vnet.api.Endpoint;
import io.vnet.protocol.EnrolmentToken;
import io.vnet.protocol.Json;
import io.vnet.protocol.messages.Enrol;
import io.vnet.protocol.messages.Enrolled;
import io.vnet.protocol.messages.ManagerMessage;
import io.vnet.protocol.messages.Refused;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import javax.net.ssl.SSLSocket;

/**
 * A new host's enrolment, before its data plane starts: with {@code "enrolment"} in its file and
 * no certificate yet, it makes an EC P-256 key pair (the private key written with mode 0600 and
 * never sent), connects to the manager's agent port trusting only the certificate its token pins,
 * spends the token ({@link Enrol}) and keeps the certificate and the CA it gets ({@link Enrolled}).
 * A manager it cannot reach is tried again with backoff for {@value #TRY_FOR_MS} ms; a refusal (a
 * spent, expired or wrong token) is final and says why.
 */
final class Enroller {
    private static final System.Logger LOG = System.getLogger(Enroller.class.getName());
    static final long TRY_FOR_MS = 60_000;
    /** The largest answer read (a certificate and the CA). */
    static final int MAX_ANSWER = 64 << 10;

    private Enroller() {
    }

    /** Enrols if the certificate is missing; returns whether it did. */
    static boolean ensure(AgentConfig cfg) throws ConfigException {
        AgentConfig.Enrolment e = cfg.enrolment();
        if (e == null) {
            return false;
        }
        Path cert = cfg.dataPlane().tls().cert();
        Path key = cfg.dataPlane().tls().key();
        Path ca = cfg.dataPlane().tls().ca();
        if (Files.exists(cert) && Files.exists(key) && Files.exists(ca)) {
            return false;
        }
        EnrolmentToken token;
        try {
            token = EnrolmentToken.parse(io.vnet.protocol.Secrets.firstLine(e.tokenFile(), "enrolment token"));
        } catch (IllegalArgumentException ex) {
            throw new ConfigException("enrolment: " + e.tokenFile() + ": " + ex.getMessage(), ex);
        }
        try {
            Files.createDirectories(e.dir());
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            Enrol msg = Enrol.of(cfg.hostId(), token, pair.getPublic(), pair.getPrivate());
            Enrolled done = exchange(cfg.manager(), token.pin(), msg);
            if (!done.hostId().equals(cfg.hostId()) || !done.role().equals(cfg.role())) {
                throw new ConfigException("enrolment: the manager certified " + done.role() + " " + done.hostId()
                        + ", but this file says " + cfg.role() + " " + cfg.hostId(), null);
            }
            write(key, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n", "rw-------");
            write(ca, done.ca(), "rw-r--r--");
            write(cert, done.certificate(), "rw-r--r--");
            LOG.log(Level.INFO, "enrolled with the manager " + cfg.manager() + " (token " + token.id() + "): certificate "
                    + cert + ", key " + key + " (0600), CA " + ca);
            return true;
        } catch (GeneralSecurityException | IOException ex) {
            throw new ConfigException("enrolment: " + ex.getMessage(), ex);
        }
    }

    /** Sends the enrol and reads the answer, trying again while the manager cannot be reached. */
    private static Enrolled exchange(Endpoint manager, String pin, Enrol msg) throws ConfigException, GeneralSecurityException {
        javax.net.ssl.SSLSocketFactory factory = io.vnet.protocol.Tls.pinned(pin).getSocketFactory();
        long end = System.currentTimeMillis() + TRY_FOR_MS;
        long backoff = 500;
        IOException last = null;
        while (System.currentTimeMillis() < end) {
            try (SSLSocket s = (SSLSocket) factory.createSocket()) {
                s.connect(new java.net.InetSocketAddress(manager.host(), manager.port()), 5_000);
                s.setSoTimeout(60_000);
                s.startHandshake();
                byte[] out = Json.MAPPER.writeValueAsBytes(msg.toJson());
                DataOutputStream o = new DataOutputStream(s.getOutputStream());
                o.writeInt(out.length);
                o.write(out);
                o.flush();
                DataInputStream in = new DataInputStream(s.getInputStream());
                int n = in.readInt();
                if (n < 0 || n > MAX_ANSWER) {
                    throw new ConfigException("enrolment: the manager answered " + n + " bytes (at most " + MAX_ANSWER + ")", null);
                }
                byte[] b = new byte[n];
                in.readFully(b);
                JsonNode answer = Json.MAPPER.readTree(b);
                ManagerMessage m;
                try {
                    m = ManagerMessage.read(answer);
                } catch (IllegalArgumentException ex) {
                    throw new ConfigException("enrolment: the manager's answer is not valid: " + ex.getMessage(), ex);
                }
                if (m instanceof Enrolled done) {
                    return done;
                }
                if (m instanceof Refused no) {
                    throw new ConfigException("enrolment: the manager " + manager + " refused it: " + no.reason(), null);
                }
                throw new ConfigException("enrolment: the manager answered '" + m.type() + "'", null);
            } catch (javax.net.ssl.SSLHandshakeException ex) {
                throw new ConfigException("enrolment: " + manager + " is not the manager the token names: " + ex.getMessage(), ex);
            } catch (IOException ex) {
                last = ex;
                LOG.log(Level.WARNING, "enrolment: cannot reach the manager " + manager + " (" + ex.getMessage()
                        + "); trying again in " + backoff + " ms");
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new ConfigException("enrolment: interrupted", ie);
                }
                backoff = Math.min(backoff * 2, 8_000);
            }
        }
        throw new ConfigException("enrolment: the manager " + manager + " could not be reached for " + TRY_FOR_MS / 1000
                + " s: " + (last == null ? "" : last.getMessage()), last);
    }

    /** Writes {@code text} to {@code file} with {@code mode} from its creation, renamed into place. */
    private static void write(Path file, String text, String mode) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        try {
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
