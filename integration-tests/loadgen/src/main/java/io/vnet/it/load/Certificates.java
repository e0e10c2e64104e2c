package io.vnet.it.load;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The simulated hosts' certificates, made in-process with BouncyCastle (10,000 openssl processes
 * would take minutes) and signed by the CA that scripts/vnet-certs.sh made (its {@code ca.pem} and
 * {@code ca.key}). Each is what {@code vnet-certs.sh DIR host NAME} makes: subject {@code OU=host,
 * CN=NAME}, a P-256 key, SAN {@code DNS:NAME}, extended key usage server and client, 825 days. They
 * are cached on disk ({@code NAME.pem}, {@code NAME.key} in PKCS#8) in a directory of their own per
 * CA (by default {@code /var/lib/vnet-test/loadgen-certs/<the CA's SHA-256>}), and reused from there:
 * certificates made once. Safe for use by several threads.
 */
public final class Certificates {
    /** Where the cached certificates live unless told otherwise; a directory per CA below it. */
    public static final Path DEFAULT_ROOT = Path.of("/var/lib/vnet-test/loadgen-certs");
    private static final Duration VALIDITY = Duration.ofDays(825);

    /** A host's key and certificate. */
    public record Credential(String hostId, PrivateKey key, X509Certificate certificate) {
    }

    private final X509Certificate ca;
    private final PrivateKey caKey;
    private final Path dir;
    private final SecureRandom random = new SecureRandom();

    private Certificates(X509Certificate ca, PrivateKey caKey, Path dir) {
        this.ca = ca;
        this.caKey = caKey;
        this.dir = dir;
    }

    /**
     * The CA of {@code caDir} (ca.pem, ca.key), with its certificates cached in {@code cacheDir}
     * (null: {@link #DEFAULT_ROOT}/&lt;the CA's SHA-256&gt;), which is made when missing.
     */
    public static Certificates open(Path caDir, Path cacheDir) throws IOException {
        X509Certificate ca = readCertificate(caDir.resolve("ca.pem"));
        PrivateKey caKey = readKey(caDir.resolve("ca.key"));
        Path dir = cacheDir != null ? cacheDir : DEFAULT_ROOT.resolve(fingerprint(ca));
        Files.createDirectories(dir);
        return new Certificates(ca, caKey, dir);
    }

    /** The cache directory. */
    public Path dir() {
        return dir;
    }

    /** The CA's certificate (what the simulated agents trust). */
    public X509Certificate ca() {
        return ca;
    }

    /** Whether {@code hostId}'s certificate is in the cache already. */
    public boolean cached(String hostId) {
        return Files.isReadable(dir.resolve(hostId + ".pem")) && Files.isReadable(dir.resolve(hostId + ".key"));
    }

    /**
     * {@code hostId}'s credential: from the cache when there (and signed by this CA), else made,
     * written (atomically: a file appears whole or not at all) and returned.
     */
    public Credential credential(String hostId) throws IOException {
        Path pem = dir.resolve(hostId + ".pem");
        Path key = dir.resolve(hostId + ".key");
        if (cached(hostId)) {
            try {
                X509Certificate c = readCertificate(pem);
                c.verify(ca.getPublicKey());
                return new Credential(hostId, readKey(key), c);
            } catch (GeneralSecurityException | IOException | RuntimeException e) {
                // not this CA's, or damaged: made again below
            }
        }
        Credential made = make(hostId);
        writeAtomically(key, pem(made.key()));
        writeAtomically(pem, pem(made.certificate()));
        return made;
    }

    /** Makes a host's key and certificate, as vnet-certs.sh does (no file written). */
    Credential make(String hostId) throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = g.generateKeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.OU, "host")
                    .addRDN(BCStyle.CN, hostId).build();
            Instant now = Instant.now();
            byte[] serial = new byte[16];
            random.nextBytes(serial);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca,
                    new BigInteger(1, serial), Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)),
                    subject, pair.getPublic());
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, hostId)));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(caKey)).build(caKey);
            X509CertificateHolder holder = b.build(signer);
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
            return new Credential(hostId, pair.getPrivate(), cert);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make the certificate of " + hostId + ": " + e.getMessage(), e);
        }
    }

    private static String signatureAlgorithm(PrivateKey k) {
        return switch (k.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException("a CA key of algorithm " + k.getAlgorithm() + " is not supported");
        };
    }

    /** The SHA-256 of a certificate, in hex: what names its cache directory. */
    public static String fingerprint(X509Certificate c) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    static X509Certificate readCertificate(Path pem) throws IOException {
        try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (!(o instanceof X509CertificateHolder h)) {
                throw new IOException(pem + ": not a PEM certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(h);
        } catch (GeneralSecurityException e) {
            throw new IOException(pem + ": " + e.getMessage(), e);
        }
    }

    /** A PEM private key: PKCS#8 ("PRIVATE KEY", as openssl 3 writes) or SEC1/PKCS#1 ("EC/RSA PRIVATE KEY"). */
    static PrivateKey readKey(Path pem) throws IOException {
        try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return conv.getKeyPair(pair).getPrivate();
            }
            throw new IOException(pem + ": not an unencrypted PEM private key");
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            if (o instanceof PrivateKey k) {
                w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null));
            } else {
                w.writeObject(o);
            }
        }
        return s.toString();
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            if (file.getFileName().toString().endsWith(".key")) {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
