package io.vnet.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.protocol.messages.AgentMessage;
import io.vnet.protocol.messages.Enrol;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;

class EnrolmentTokenTest {
    private static final String PIN = "ab".repeat(32);

    @Test
    void aTokenIsWrittenAndReadBackAndTheManagerKeepsOnlyItsSecretsHash() {
        EnrolmentToken t = EnrolmentToken.create(PIN);
        assertEquals(EnrolmentToken.LENGTH, t.toString().length());
        assertTrue(t.toString().startsWith("vnet1." + t.id() + "."), t.toString());
        assertEquals(t, EnrolmentToken.parse("  " + t + "\n"));
        assertEquals(64, t.secretHash().length());
        assertNotEquals(t.secret(), t.secretHash());
        assertNotEquals(EnrolmentToken.create(PIN).secret(), t.secret(), "each token its own secret");
    }

    @Test
    void anythingElseIsRefusedWithWhatIsWrong() {
        String good = EnrolmentToken.create(PIN).toString();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EnrolmentToken.parse("x".repeat(5000))).getMessage()
                .contains("more than 1000 characters, expected 120"));
        assertThrows(IllegalArgumentException.class, () -> EnrolmentToken.parse(good.replace("vnet1.", "vnet2.")));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EnrolmentToken.parse(good.substring(0, good.length() - 1)
                + "Z")).getMessage().contains("pin"));
        assertThrows(IllegalArgumentException.class, () -> EnrolmentToken.parse(null));
    }

    @Test
    void anEnrolCarriesAKeyAndAProofOfItAndAForgedProofIsRefused() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair mine = g.generateKeyPair();
        KeyPair other = g.generateKeyPair();
        EnrolmentToken t = EnrolmentToken.create(PIN);
        Enrol e = Enrol.of("kvm-9", t, mine.getPublic(), mine.getPrivate());
        Enrol back = (Enrol) AgentMessage.read(Json.MAPPER.readTree(e.toJson().toString()));
        assertEquals(e, back);
        assertEquals(mine.getPublic(), back.verifiedKey());
        assertTrue(!e.toString().contains(t.secret()), "the secret is not in its text: " + e);
        Enrol forged = Enrol.of("kvm-9", t, mine.getPublic(), other.getPrivate()); // someone else's key signed
        assertTrue(assertThrows(IllegalArgumentException.class, forged::verifiedKey).getMessage().contains("proof"));
        Enrol otherHost = new Enrol("kvm-10", e.tokenId(), e.secret(), e.publicKey(), e.proof()); // replayed for another host
        assertThrows(IllegalArgumentException.class, otherHost::verifiedKey);
        assertThrows(IllegalArgumentException.class, () -> new Enrol("kvm-9", t.id(), t.secret(), "k".repeat(2000), "p"));
    }
}
