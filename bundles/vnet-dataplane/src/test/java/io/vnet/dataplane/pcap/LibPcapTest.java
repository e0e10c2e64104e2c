package io.vnet.dataplane.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibPcapTest {
    @TempDir
    Path tmp;

    private Path dir(String name, String... files) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        for (String f : files) {
            Files.writeString(d.resolve(f), "");
        }
        return d;
    }

    @Test
    void debianRuntimePackageHasOnlyVersionedNames() throws IOException {
        Path d = dir("multiarch", "libpcap.so.0.8", "libpcap.so.1.10.3", "libpcre2.so.0");
        assertEquals(Optional.of(d.resolve("libpcap.so.1.10.3")), LibPcap.find(List.of(d)));
    }

    @Test
    void versionsCompareNumerically() throws IOException {
        Path d = dir("v", "libpcap.so.1.9.1", "libpcap.so.1.10.0");
        assertEquals(Optional.of(d.resolve("libpcap.so.1.10.0")), LibPcap.find(List.of(d)));
    }

    @Test
    void thePlainNameWins() throws IOException {
        Path d = dir("dev", "libpcap.so.1.10.3", "libpcap.so");
        assertEquals(Optional.of(d.resolve("libpcap.so")), LibPcap.find(List.of(d)));
    }

    @Test
    void theFirstDirectoryWithOneWinsAndMissingDirectoriesAreSkipped() throws IOException {
        Path empty = dir("empty", "libc.so.6", "libpcap.so.bak");
        Path first = dir("first", "libpcap.so.0.8");
        Path second = dir("second", "libpcap.so");
        assertEquals(Optional.of(first.resolve("libpcap.so.0.8")),
                LibPcap.find(List.of(tmp.resolve("missing"), empty, first, second)));
    }

    @Test
    void noneFound() throws IOException {
        assertTrue(LibPcap.find(List.of(dir("none", "libpcapng.so.1", "libpcap.a", "libpcap.so.x"))).isEmpty());
        assertTrue(LibPcap.find(List.of()).isEmpty());
    }
}
