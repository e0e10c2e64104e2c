package io.vnet.agent.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCheckTest {
    @TempDir
    Path dir;

    @Test
    void aValidFileIsSummarisedAndABadOneNamesItsField() throws Exception {
        Path ok = Files.writeString(dir.resolve("ok.json"), "{\"hostId\": \"h1\", \"insecure\": true, \"metrics\": \"off\","
                + " \"networks\": [{\"vni\": 100, \"tap\": \"t100\", \"bridge\": \"b100\"}]}");
        String summary = ConfigCheck.check(ok);
        assertTrue(summary.contains("is valid: host h1 (role host), 1 network(s)") && summary.contains("metrics off"), summary);
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"hostId\": \"h1\", \"insecure\": true, \"keepaliveMs\": -1}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCheck.check(bad));
        assertTrue(e.getMessage().contains("keepaliveMs"), e.getMessage());
    }

    @Test
    void tlsFilesThatCannotBeLoadedAreAnError() throws Exception {
        Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        Files.writeString(dir.resolve("h1.pem"), "not a certificate\n");
        Files.writeString(dir.resolve("h1.key"), "not a key\n");
        Path cfg = Files.writeString(dir.resolve("tls.json"), "{\"hostId\": \"h1\", \"tls\": {\"ca\": \"ca.pem\","
                + " \"cert\": \"h1.pem\", \"key\": \"h1.key\"}}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCheck.check(cfg));
        assertTrue(e.getMessage().startsWith("config " + cfg + ": tls: "), e.getMessage());
    }
}
