package io.vnet.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevocationsTest {
    /** The SHA-256 fingerprint of h1.pem, as openssl x509 -fingerprint -sha256 prints it. */
    static final String H1 = "99:2C:A8:14:77:6C:CD:52:B3:BC:0A:60:DB:0E:0C:B4:C9:55:EF:A1:E6:B5:86:B2:43:C1:51:8C:E5:6E:48:91";

    @TempDir
    Path dir;

    static X509Certificate h1() throws Exception {
        try (InputStream in = RevocationsTest.class.getResourceAsStream("h1.pem")) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Rewrites the file with a later time, as a second write would. */
    private static void rewrite(Path file, String text, long tick) throws Exception {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + tick * 1000));
    }

    @Test
    void theFingerprintIsOpensslsAndAListedCertificateIsRevoked() throws Exception {
        X509Certificate c = h1();
        assertEquals(H1.replace(":", "").toLowerCase(), Revocations.fingerprint(c));
        Path file = dir.resolve("revoked.txt");
        Files.writeString(file, "# revoked by the admin\n\n" + H1 + " h1 serial=01\n");
        Revocations r = Revocations.load(file);
        assertEquals(1, r.size());
        assertTrue(r.revoked(c));
        assertFalse(r.revoked(null));
        assertEquals(0, r.refusedEntries());
    }

    @Test
    void aChangedFileIsReadAgainAndSaysWhetherSomethingNewIsRevoked() throws Exception {
        X509Certificate c = h1();
        Path file = dir.resolve("revoked.txt");
        Files.writeString(file, "");
        Revocations r = Revocations.load(file);
        assertFalse(r.revoked(c));
        assertFalse(r.reloadIfChanged(), "unchanged");
        rewrite(file, Revocations.fingerprint(c) + "\n", 1);
        assertTrue(r.reloadIfChanged(), "h1 is newly revoked");
        assertTrue(r.revoked(c));
        rewrite(file, "", 2);
        assertFalse(r.reloadIfChanged(), "un-revoking closes nothing");
        assertFalse(r.revoked(c));
    }

    @Test
    void aFileThatCannotBeReadKeepsTheList() throws Exception {
        X509Certificate c = h1();
        Path file = dir.resolve("revoked.txt");
        Files.writeString(file, H1 + "\n");
        Revocations r = Revocations.load(file);
        Files.delete(file);
        assertFalse(r.reloadIfChanged());
        assertTrue(r.revoked(c), "deleting the file revokes nothing less");
    }

    @Test
    void badLinesAreSkippedAndCounted() throws Exception {
        Path file = dir.resolve("revoked.txt");
        Files.writeString(file, "not-a-fingerprint\n" + "ab".repeat(31) + "\n" + "ab".repeat(33) + "\n" + "zz".repeat(32)
                + "\n" + "\u0663".repeat(64) + "\n" + H1 + "\n");
        Revocations r = Revocations.load(file);
        assertEquals(1, r.size());
        assertEquals(5, r.refusedEntries());
    }

    @Test
    void theListIsBoundedAndWhatItRefusedIsCounted() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Revocations.MAX_ENTRIES + 10; i++) {
            b.append(String.format("%064x", i)).append('\n');
        }
        Path file = dir.resolve("revoked.txt");
        Files.writeString(file, b);
        Revocations r = Revocations.load(file);
        assertEquals(Revocations.MAX_ENTRIES, r.size());
        assertEquals(10, r.refusedEntries());
    }

    @Test
    void anUnreadableFileAtStartIsAnErrorNamingIt() {
        Path file = dir.resolve("missing.txt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Revocations.load(file));
        assertTrue(e.getMessage().contains("missing.txt"), e.getMessage());
    }

    @Test
    void normaliseTakesOpensslsFormAndRefusesTheRest() {
        assertEquals(H1.replace(":", "").toLowerCase(), Revocations.normalise(H1));
        assertNull(Revocations.normalise("sha256 Fingerprint=" + H1));
        assertNull(Revocations.normalise(null));
        assertNull(Revocations.normalise("g".repeat(64)));
        assertNull(Revocations.normalise(":".repeat(200)));
    }

    @Test
    void theManagersListRevokesBesidesTheFileAndReplacesWhatItPushedBefore() throws Exception {
        X509Certificate c = h1();
        Revocations r = Revocations.none();
        assertNull(r.file());
        assertFalse(r.reloadIfChanged(), "no file to read");
        long changes = r.changes();
        assertTrue(r.push(java.util.List.of(H1, "not-a-fingerprint")), "h1 is newly revoked");
        assertTrue(r.revoked(c));
        assertEquals(1, r.refusedEntries());
        assertTrue(r.changes() > changes, "a change the manager's agents are told of");
        assertFalse(r.push(java.util.List.of(H1)), "nothing new");
        assertFalse(r.push(java.util.List.of()), "un-revoking closes nothing");
        assertFalse(r.revoked(c));

        Path file = dir.resolve("revoked.txt");
        Files.writeString(file, H1 + "\n");
        Revocations both = Revocations.load(file);
        assertFalse(both.push(java.util.List.of(H1)), "the file revoked it already");
        assertEquals(1, both.size(), "one certificate on both lists");
        assertFalse(both.push(java.util.List.of()));
        assertTrue(both.revoked(c), "the file's list still revokes it");
    }

    @Test
    void theManagersListIsBoundedToo() {
        java.util.List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < Revocations.MAX_ENTRIES + 3; i++) {
            many.add(String.format("%064x", i));
        }
        Revocations r = Revocations.none();
        r.push(many);
        assertEquals(Revocations.MAX_ENTRIES, r.size());
        assertEquals(3, r.refusedEntries());
    }
}
