package io.vnet.it.fabric.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestImageTest {
    @TempDir
    Path dir;

    @Test
    void aMissingGuestFailsNamingTheScriptThatBuildsIt() throws Exception {
        Files.writeString(dir.resolve("vmlinuz"), "kernel");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GuestImage.locate(dir));
        assertTrue(e.getMessage().contains("scripts/libvirt.sh"), e.getMessage());
        assertTrue(e.getMessage().contains("initramfs.gz"), e.getMessage());
    }

    @Test
    void aBuiltGuestIsFound() throws Exception {
        Files.writeString(dir.resolve("vmlinuz"), "kernel");
        Files.writeString(dir.resolve("initramfs.gz"), "initrd");
        GuestImage g = GuestImage.locate(dir);
        assertEquals(dir.resolve("vmlinuz").toAbsolutePath(), g.kernel());
        assertEquals(dir.resolve("initramfs.gz").toAbsolutePath(), g.initrd());
    }

    @Test
    void theKernelArgumentsCarryTheAddressAndTheDownloadSize() {
        assertEquals("console=ttyS0 vnet.ip=10.200.84.200/24 vnet.send_mib=20",
                GuestImage.kernelArgs("10.200.84.200/24", 20));
        assertThrows(IllegalArgumentException.class, () -> GuestImage.kernelArgs("10.200.84.200", 20));
        assertThrows(IllegalArgumentException.class, () -> GuestImage.kernelArgs("10.200.84.200/24 init=/bin/sh", 20));
        assertThrows(IllegalArgumentException.class, () -> GuestImage.kernelArgs("10.200.84.200/24", 0));
    }
}
