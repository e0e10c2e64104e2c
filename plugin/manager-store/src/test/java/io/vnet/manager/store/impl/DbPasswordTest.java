package io.vnet.manager.store.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database password comes from a file or the environment before a (visible) property. */
class DbPasswordTest {
    @TempDir
    Path dir;
    final Map<String, String> props = new HashMap<>();
    final Map<String, String> env = new HashMap<>();

    private DbPassword.Found resolve() {
        return DbPassword.resolve(props::get, env::get);
    }

    private Path file(String content, String perms) throws IOException {
        Path f = dir.resolve("pw-" + System.nanoTime());
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
        return f;
    }

    @Test
    void aFileWinsAndItsFirstLineIsThePassword() throws IOException {
        props.put(DbPassword.FILE_PROPERTY, file("s3cret\nignored\n", "rw-------").toString());
        env.put(DbPassword.ENV, "from-env");
        props.put(StoreComponent.PASSWORD_PROPERTY, "from-property");
        DbPassword.Found f = resolve();
        assertEquals("s3cret", f.password());
        assertTrue(f.source().startsWith("file "), f.source());
        assertNull(f.warning(), "mode 600: nothing to warn about");
    }

    @Test
    void theFileCanBeNamedInTheEnvironmentAndCarriageReturnsAreDropped() throws IOException {
        env.put(DbPassword.FILE_ENV, file("pw\r\n", "rw-------").toString());
        assertEquals("pw", resolve().password());
    }

    @Test
    void aFileOthersMayReadIsWarnedAbout() throws IOException {
        props.put(DbPassword.FILE_PROPERTY, file("pw\n", "rw-r--r--").toString());
        DbPassword.Found f = resolve();
        assertEquals("pw", f.password());
        assertTrue(f.warning().contains("chmod 600"), f.warning());
    }

    @Test
    void theEnvironmentComesBeforeTheProperty() {
        env.put(DbPassword.ENV, "from-env");
        props.put(StoreComponent.PASSWORD_PROPERTY, "from-property");
        DbPassword.Found f = resolve();
        assertEquals("from-env", f.password());
        assertNull(f.warning());
    }

    @Test
    void aPasswordPropertyStillWorksWithAWarning() {
        props.put(StoreComponent.PASSWORD_PROPERTY, "from-property");
        DbPassword.Found f = resolve();
        assertEquals("from-property", f.password());
        assertTrue(f.warning().contains("every local user"), f.warning());
    }

    @Test
    void noneIsNoPassword() {
        DbPassword.Found f = resolve();
        assertNull(f.password());
        assertNull(f.warning());
    }

    @Test
    void aMissingEmptyOrHugeFileIsAClearError() throws IOException {
        props.put(DbPassword.FILE_PROPERTY, dir.resolve("nowhere").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, this::resolve);
        assertTrue(e.getMessage().contains("nowhere") && e.getMessage().contains("cannot read"), e.getMessage());
        props.put(DbPassword.FILE_PROPERTY, file("\nsecond line\n", "rw-------").toString());
        e = assertThrows(IllegalArgumentException.class, this::resolve);
        assertTrue(e.getMessage().contains("first line is empty"), e.getMessage());
        props.put(DbPassword.FILE_PROPERTY, file("x".repeat(DbPassword.MAX_FILE + 1), "rw-------").toString());
        e = assertThrows(IllegalArgumentException.class, this::resolve);
        assertTrue(e.getMessage().contains("not a password file"), e.getMessage());
    }
}
