package io.vnet.manager.config.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.manager.config.ManagerConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration service's checks: each field is owned by a bundle's manifest, and the file is read once, bounded. */
class FieldOwnersTest {
    @TempDir
    Path dir;

    static Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("io.vnet.manager.core", "agentListen, tls, vttif");
        h.put("io.vnet.manager.rest", "auth");
        return h;
    }

    private ManagerConfiguration file(String json) throws IOException {
        Path f = dir.resolve("manager.json");
        Files.writeString(f, json);
        return ManagerConfiguration.read(f);
    }

    @Test
    void aFieldNoBundleOwnsIsRefusedWithItsNameAndTheKnownOnes() throws IOException {
        Map<String, String> owners = FieldOwners.of(headers());
        assertEquals(Map.of("agentListen", "io.vnet.manager.core", "tls", "io.vnet.manager.core",
                "vttif", "io.vnet.manager.core", "auth", "io.vnet.manager.rest"), owners);
        FieldOwners.check(file("{\"agentListen\": \"0.0.0.0:5900\", \"auth\": {}}"), owners);
        ManagerConfiguration typo = file("{\"agentListen\": \"0.0.0.0:5900\", \"cloudstak\": {}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FieldOwners.check(typo, owners));
        assertTrue(e.getMessage().startsWith("config " + dir.resolve("manager.json") + ": cloudstak: unknown field"
                + " (expected one of agentListen, auth, tls, vttif)"), e.getMessage());
    }

    @Test
    void aHeaderThatNamesNoFieldIsAPackagingMistakeAndAFieldClaimedTwiceStaysWithTheFirst() {
        Map<String, String> bad = new LinkedHashMap<>(headers());
        bad.put("io.vnet.manager.x", "auth, not a name");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FieldOwners.of(bad));
        assertTrue(e.getMessage().contains("io.vnet.manager.x") && e.getMessage().contains("'not a name'"), e.getMessage());
        Map<String, String> twice = new LinkedHashMap<>(headers());
        twice.put("io.vnet.manager.y", "auth");
        assertEquals("io.vnet.manager.rest", FieldOwners.of(twice).get("auth"));
    }

    @Test
    void theFileIsAnObjectOfBoundedSizeAndAnEmptyFileIsAnEmptyObject() throws IOException {
        assertEquals(0, file("").fieldNames().size());
        IOException notObject = assertThrows(IOException.class, () -> file("[1, 2]"));
        assertTrue(notObject.getMessage().endsWith("expected an object, got array"), notObject.getMessage());
        IOException big = assertThrows(IOException.class, () -> file("{\"x\": \"" + "a".repeat(1 << 20) + "\"}"));
        assertTrue(big.getMessage().contains("at most " + ManagerConfiguration.MAX_BYTES), big.getMessage());
        ManagerConfiguration c = file("{\"vttif\": {\"windowMs\": 2000}, \"tls\": null}");
        assertTrue(c.has("vttif"));
        assertTrue(!c.has("tls") && c.field("tls").isMissingNode(), "a null field is as good as none");
        assertEquals(dir.resolve("tokens"), c.resolve("tokens"));
    }
}
