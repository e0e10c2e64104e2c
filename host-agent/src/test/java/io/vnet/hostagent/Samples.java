package io.vnet.hostagent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The domain XML samples the hooks are tested on. There is one copy of them, with their sources in
 * FIXTURES.md, next to the vnet-libvirt tests that read them too; Maven runs these tests in the
 * host-agent directory.
 */
final class Samples {
    static final Path DIR = Path.of("..", "bundles", "vnet-libvirt", "src", "test", "resources", "io", "vnet",
            "libvirt", "samples");

    private Samples() {
    }

    static String read(String name) throws IOException {
        Path file = DIR.resolve(name);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException("no domain XML sample " + file.toAbsolutePath().normalize()
                    + " (the tests run in host-agent/ of the repository)", e);
        }
    }
}
