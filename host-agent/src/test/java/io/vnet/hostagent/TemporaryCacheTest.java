package io.vnet.hostagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon started without {@code --state} keeps its bundle cache (22 MB) in a temporary directory that its
 * shutdown hook deletes; one killed with SIGKILL runs no hook, so the next start deletes the caches of
 * owners that are gone, and only those (a real exited process stands for a killed one).
 */
class TemporaryCacheTest {
    @TempDir
    Path tmp;

    private Path cache(String name, String owner) throws Exception {
        Path c = Files.createDirectories(tmp.resolve(Launcher.TEMP_CACHE_PREFIX + name));
        Files.createDirectories(c.resolve("felix/bundle1"));
        Files.writeString(c.resolve("felix/bundle1/bundle.jar"), "x".repeat(1000));
        if (owner != null) {
            Files.writeString(c.resolve(Launcher.OWNER_FILE), owner);
        }
        return c;
    }

    @Test
    void theCachesOfOwnersGoneAreDeletedAndTheOthersKept() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        ProcessHandle me = ProcessHandle.current();
        String meStarted = me.info().startInstant().orElseThrow().toString();
        Path dead = cache("1", gone.pid() + " " + gone.info().startInstant().map(Object::toString).orElse("?"));
        Path mine = cache("2", me.pid() + " " + meStarted);
        Path reused = cache("3", me.pid() + " 2001-01-01T00:00:00Z"); // this pid, but another process's start
        Path older = cache("4", null); // no owner file: an older version's, left alone
        Path unreadable = cache("5", "not a pid");
        Path other = Files.createDirectories(tmp.resolve("something-else"));

        assertEquals(2, Launcher.sweepTemporaryCaches(tmp));
        assertFalse(Files.exists(dead), "its owner exited");
        assertFalse(Files.exists(reused), "the pid was taken by another process since");
        assertTrue(Files.exists(mine.resolve("felix/bundle1/bundle.jar")), "its owner runs");
        assertTrue(Files.exists(older) && Files.exists(unreadable) && Files.exists(other));
    }

    @Test
    void aNewCacheNamesItsOwner() throws Exception {
        String before = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", tmp.toString());
        try {
            Path c = Launcher.temporaryCache();
            assertTrue(c.getFileName().toString().startsWith(Launcher.TEMP_CACHE_PREFIX));
            String owner = Files.readString(c.resolve(Launcher.OWNER_FILE));
            assertTrue(owner.startsWith(ProcessHandle.current().pid() + " "), owner);
            assertEquals(0, Launcher.sweepTemporaryCaches(tmp), "a running owner's cache stays");
        } finally {
            System.setProperty("java.io.tmpdir", before);
        }
    }
}
