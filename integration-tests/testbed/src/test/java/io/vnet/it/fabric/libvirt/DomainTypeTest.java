package io.vnet.it.fabric.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainTypeTest {
    @TempDir
    Path tmp;

    private Path devKvm() throws Exception {
        return Files.createFile(tmp.resolve("kvm"));
    }

    private Path modules(String... names) throws Exception {
        Path m = Files.createDirectories(tmp.resolve("module"));
        for (String n : names) {
            Files.createDirectories(m.resolve(n));
        }
        return m;
    }

    @Test
    void hardwareKvmGivesKvm() throws Exception {
        DomainType t = DomainType.detect(null, devKvm(), modules("kvm", "kvm_amd"));
        assertEquals("kvm", t.name());
        assertTrue(t.reason().contains("kvm_amd"), t.reason());
    }

    @Test
    void aPvmKvmOrNoKvmGivesTheEmulator() throws Exception {
        DomainType pvm = DomainType.detect(null, devKvm(), modules("kvm", "kvm_pvm"));
        assertEquals("qemu", pvm.name());
        assertTrue(pvm.reason().contains("kvm_pvm"), pvm.reason());
        DomainType none = DomainType.detect("", tmp.resolve("absent"), modules("kvm_intel"));
        assertEquals("qemu", none.name());
        assertTrue(none.reason().contains("does not exist"), none.reason());
    }

    @Test
    void thePropertyDecidesAndIsChecked() throws Exception {
        assertEquals("kvm", DomainType.detect("kvm", tmp.resolve("absent"), modules()).name());
        assertEquals("qemu", DomainType.detect(" qemu ", devKvm(), modules("kvm_intel")).name());
        assertThrows(IllegalArgumentException.class, () -> DomainType.detect("xen", tmp, tmp));
    }
}
