package io.vnet.protocol.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Agent → manager {@value ManagerProtocol#ENROL}, the one message of a connection without a client
 * certificate: a new host spends its one-time token for a certificate. {@code hostId}, the token's
 * {@code tokenId} and {@code secret}, the host's {@code publicKey} (base64 of its X.509
 * SubjectPublicKeyInfo; its private key never leaves the host) and {@code proof}: its signature
 * (SHA256withECDSA, base64) of {@link #signed}, so the manager certifies only a key the sender holds.
 * Every field is bounded when read; a message that breaks a bound is refused whole.
 */
public record Enrol(String hostId, String tokenId, String secret, String publicKey, String proof) implements AgentMessage {
    public static final int MAX_KEY = 1_000;
    public static final int MAX_PROOF = 200;

    public Enrol {
        io.vnet.api.Ids.check("host id", hostId);
        if (tokenId == null || tokenId.length() > 16 || secret == null || secret.length() > 32) {
            throw new IllegalArgumentException("enrol: the token's id or secret is missing or too long");
        }
        if (publicKey == null || publicKey.isEmpty() || publicKey.length() > MAX_KEY) {
            throw new IllegalArgumentException("enrol: publicKey is missing or longer than " + MAX_KEY + " characters");
        }
        if (proof == null || proof.isEmpty() || proof.length() > MAX_PROOF) {
            throw new IllegalArgumentException("enrol: proof is missing or longer than " + MAX_PROOF + " characters");
        }
    }

    /** What the proof signs: the purpose, the host, the token's id and the key, one per line. */
    public static byte[] signed(String hostId, String tokenId, String publicKey) {
        return ("vnet-enrol\n" + hostId + "\n" + tokenId + "\n" + publicKey).getBytes(StandardCharsets.UTF_8);
    }

    /** The message for {@code token}, signed with the host's key pair. */
    public static Enrol of(String hostId, io.vnet.protocol.EnrolmentToken token, PublicKey pub, PrivateKey key)
            throws GeneralSecurityException {
        String encoded = Base64.getEncoder().encodeToString(pub.getEncoded());
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(signed(hostId, token.id(), encoded));
        return new Enrol(hostId, token.id(), token.secret(), encoded, Base64.getEncoder().encodeToString(s.sign()));
    }

    /**
     * The public key, once its proof is checked.
     *
     * @throws IllegalArgumentException a key that is not an EC public key, or a proof that does not verify
     */
    public PublicKey verifiedKey() {
        try {
            PublicKey pub = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKey)));
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(pub);
            s.update(signed(hostId, tokenId, publicKey));
            if (!s.verify(Base64.getDecoder().decode(proof))) {
                throw new IllegalArgumentException("enrol: the proof is not the key's signature");
            }
            return pub;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("enrol: " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
    }

    @Override
    public String type() {
        return ManagerProtocol.ENROL;
    }

    @Override
    public ObjectNode toJson() {
        return Json.object().put("type", type()).put("hostId", hostId).put("tokenId", tokenId).put("secret", secret)
                .put("publicKey", publicKey).put("proof", proof);
    }

    public static Enrol read(JsonNode msg) {
        return new Enrol(msg.path("hostId").asText(), msg.path("tokenId").asText(null), msg.path("secret").asText(null),
                msg.path("publicKey").asText(null), msg.path("proof").asText(null));
    }

    @Override
    public String toString() {
        return "Enrol[hostId=" + hostId + ", tokenId=" + tokenId + ", secret=hidden]";
    }
}
