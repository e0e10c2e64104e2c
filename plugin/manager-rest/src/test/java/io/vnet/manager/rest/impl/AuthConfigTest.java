package io.vnet.manager.rest.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthConfigTest {
    @TempDir
    Path dir;

    private AuthConfig load(String json) throws Exception {
        Path f = dir.resolve("manager.json");
        Files.writeString(f, json);
        return AuthConfig.from(io.vnet.manager.config.ManagerConfiguration.read(f));
    }

    @Test
    void withoutASectionTheAdminsPasswordIsMadeBesideTheConfigurationReadableByItsOwnerOnly() throws Exception {
        AuthConfig c = load("{\"agentListen\": \"127.0.0.1:5900\"}");
        assertEquals("admin", c.adminUser());
        assertEquals(dir.resolve("admin-password"), c.adminPasswordFile());
        assertEquals(Duration.ofMinutes(480), c.session());
        assertEquals(List.of(), c.frameAncestors());
        AuthConfig.Password made = c.adminPassword();
        assertTrue(made.created());
        assertTrue(made.value().length() >= 20, "random, 18 bytes in base64url");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(c.adminPasswordFile())));
        AuthConfig.Password read = c.adminPassword();
        assertFalse(read.created());
        assertEquals(made.value(), read.value(), "the same password at the next start");
        assertFalse(made.toString().contains(made.value()), "never printed");
    }

    @Test
    void theSectionIsReadAndCheckedFieldByField() throws Exception {
        Files.writeString(dir.resolve("pw"), "correct-horse-battery\nsecond line ignored\n");
        AuthConfig c = load("{\"auth\": {\"adminUser\": \"root\", \"adminPasswordFile\": \"pw\", \"sessionMinutes\": 30,"
                + " \"frameAncestors\": [\"https://cloud.example.com:8443/\", \"http://10.0.0.5:8080\"]}}");
        assertEquals("root", c.adminUser());
        assertEquals("correct-horse-battery", c.adminPassword().value());
        assertEquals(Duration.ofMinutes(30), c.session());
        assertEquals(List.of("https://cloud.example.com:8443", "http://10.0.0.5:8080"), c.frameAncestors());
        assertEquals(List.of(), c.trustedProxies());
        assertEquals(TenantLimits.DEFAULT, c.tenantLimits(), "tenants may not migrate unless allowed");
        assertEquals(new TenantLimits(true, 10),
                load("{\"auth\": {\"tenantMayMigrate\": true, \"tenantMaxMigrationsPerHour\": 10}}").tenantLimits());
        assertEquals(List.of("127.0.0.1", "0:0:0:0:0:0:0:1"),
                load("{\"auth\": {\"trustedProxies\": [\"127.0.0.1\", \"::1\"]}}").trustedProxies());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> load("{\"auth\": {\"trustedProxies\": [\"proxy.example.com\"]}}"));
        assertTrue(bad.getMessage().contains("auth.trustedProxies[0]") && bad.getMessage().contains("no names"),
                bad.getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> load("{\"auth\": {\"frameAncestors\": [\"https://cloud.example.com/client/\"]}}"));
        assertTrue(e.getMessage().contains("auth.frameAncestors[0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> load("{\"auth\": {\"frameAncestors\": [\"*\"]}}"));
        assertTrue(e.getMessage().contains("origin"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> load("{\"auth\": {\"sessionMinutes\": 0}}"));
        assertTrue(e.getMessage().contains("sessionMinutes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> load("{\"auth\": {\"password\": \"x\"}}"));
        assertTrue(e.getMessage().contains("password"), e.getMessage());
        Files.writeString(dir.resolve("short"), "short\n");
        AuthConfig weak = load("{\"auth\": {\"adminPasswordFile\": \"short\"}}");
        e = assertThrows(IllegalArgumentException.class, weak::adminPassword);
        assertTrue(e.getMessage().contains("at least 8"), e.getMessage());
    }

    @Test
    void thePagesPolicyLetsOnlyTheManagerAndTheConfiguredConsoleFrameIt() {
        assertTrue(UiServlet.policy(List.of()).endsWith("frame-ancestors 'self'"));
        assertTrue(UiServlet.policy(List.of("https://cloud.example.com")).endsWith(
                "frame-ancestors 'self' https://cloud.example.com"));
        assertTrue(UiServlet.policy(List.of()).contains("connect-src 'self'"));
    }
}
