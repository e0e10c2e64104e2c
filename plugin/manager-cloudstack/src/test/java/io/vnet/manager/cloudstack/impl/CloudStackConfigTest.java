package io.vnet.manager.cloudstack.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudStackConfigTest {
    @TempDir
    Path dir;

    static CloudStackConfig load(Path f) throws java.io.IOException {
        return CloudStackConfig.from(io.vnet.manager.config.ManagerConfiguration.read(f));
    }

    Path write(String json) throws Exception {
        Path f = dir.resolve("manager.json");
        Files.writeString(f, json);
        return f;
    }

    static final String MINIMAL = "\"url\": \"http://cs.example:8080/client/api\", \"apiKey\": \"k\", \"secretKey\": \"s\","
            + " \"webhookSecret\": \"w\"";

    @Test
    void noSectionMeansNotConfigured() throws Exception {
        assertNull(load(write("{\"agentListen\": \"0.0.0.0:5900\"}")));
    }

    @Test
    void defaults() throws Exception {
        CloudStackConfig c = load(write("{\"cloudstack\": {" + MINIMAL + "}}"));
        assertEquals("http://cs.example:8080/client/api", c.url().toString());
        assertEquals(Duration.ofMinutes(5), c.expires());
        assertEquals(CloudStackConfig.Events.WEBHOOK, c.events());
        assertEquals("Home Network (VNET)", c.offeringName());
        assertEquals(100_000, c.vniFrom());
        assertEquals(16_777_215, c.vniTo());
        assertEquals(Duration.ofMinutes(10), c.sync());
        assertEquals(Duration.ofSeconds(30), c.poll());
        assertEquals(ZoneId.of("UTC"), c.eventsTimeZone());
        assertEquals(Map.of(), c.hostMap());
        assertNull(c.extensionToken());
    }

    @Test
    void everyField() throws Exception {
        Files.writeString(dir.resolve("cs.key"), "from-a-file\n");
        CloudStackConfig c = load(write("{\"cloudstack\": {\"url\": \"https://cs/client/api\","
                + " \"apiKey\": \"k\", \"secretKeyFile\": \"cs.key\", \"signatureVersion\": 3, \"expiresSeconds\": 60,"
                + " \"events\": \"poll\", \"pollMs\": 5000, \"eventsTimeZone\": \"Europe/Berlin\", \"syncMs\": 60000,"
                + " \"offeringName\": \"Home\", \"vniRange\": [200000, 200009], \"hostMap\": {\"kvm-1\": \"kvm1.example.org\"},"
                + " \"migrationTimeoutMs\": 30000, \"pollJobMs\": 500, \"extensionToken\": \"t\"}}"));
        assertEquals("from-a-file", c.secretKey());
        assertNull(c.webhookSecret(), "poll needs no webhook secret");
        assertEquals(CloudStackConfig.Events.POLL, c.events());
        assertEquals(200_000, c.vniFrom());
        assertEquals(200_009, c.vniTo());
        assertEquals(Map.of("kvm-1", "kvm1.example.org"), c.hostMap());
        assertEquals(ZoneId.of("Europe/Berlin"), c.eventsTimeZone());
        assertEquals("t", c.extensionToken());
    }

    void refused(String section, String start) throws Exception {
        Path f = write("{\"cloudstack\": {" + section + "}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(f));
        assertTrue(e.getMessage().startsWith("config " + f + ": " + start), e.getMessage());
    }

    @Test
    void badValuesAreNamed() throws Exception {
        refused(MINIMAL + ", \"pollMS\": 5", "cloudstack.pollMS: unknown field");
        refused("\"apiKey\": \"k\", \"secretKey\": \"s\", \"webhookSecret\": \"w\"", "cloudstack.url: required");
        refused(MINIMAL.replace("http://cs.example:8080/client/api", "cs.example"), "cloudstack.url: expected");
        refused(MINIMAL.replace("\"secretKey\": \"s\",", ""), "cloudstack.secretKey: required");
        refused(MINIMAL + ", \"secretKeyFile\": \"x\"", "cloudstack.secretKey: give either");
        refused(MINIMAL + ", \"signatureVersion\": 2", "cloudstack.signatureVersion: expected an integer equal to 3");
        refused(MINIMAL + ", \"events\": \"push\"", "cloudstack.events: expected \"webhook\", \"poll\" or \"both\"");
        refused(MINIMAL.replace(", \"webhookSecret\": \"w\"", ""), "cloudstack.webhookSecret: required when events");
        refused(MINIMAL + ", \"vniRange\": [4096, 100]", "cloudstack.vniRange: expected 1 <= from <= to");
        refused(MINIMAL + ", \"vniRange\": [1, 16777216]", "cloudstack.vniRange: expected");
        refused(MINIMAL + ", \"pollMs\": 10", "cloudstack.pollMs: expected an integer in 1000..3600000");
        refused(MINIMAL + ", \"hostMap\": {\"kvm-1\": 3}", "cloudstack.hostMap.kvm-1: expected a CloudStack host name");
        refused(MINIMAL + ", \"eventsTimeZone\": \"Mars/Olympus\"", "cloudstack.eventsTimeZone: not a time zone");
        refused(MINIMAL + ", \"extensionTokenFile\": \"missing\"", "cloudstack.extensionTokenFile: cannot read");
    }
}
