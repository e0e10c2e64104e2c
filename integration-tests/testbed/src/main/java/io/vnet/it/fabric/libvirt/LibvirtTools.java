package io.vnet.it.fabric.libvirt;

import io.vnet.it.fabric.Sh;
import java.util.ArrayList;
import java.util.List;

/** The programs the libvirt fabric runs; a missing one fails the test (never skips it) with the remedy. */
public final class LibvirtTools {
    static final String REMEDY = "run scripts/libvirt.sh as root (it installs libvirt-daemon-system, qemu-system-x86"
            + " and cpio and builds the test guest)";

    private LibvirtTools() {
    }

    /** Fails with every missing program listed, unless libvirtd, virsh, QEMU and unshare are all there. */
    public static void check() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("libvirtd", "virsh", "qemu-system-x86_64", "unshare", "mount", "hostname")) {
            if (which(tool) == null) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("this machine cannot run libvirt test hosts: " + String.join(", ", missing)
                    + " missing; " + REMEDY);
        }
    }

    /** The absolute path of QEMU's x86-64 system emulator. */
    public static String qemuBinary() {
        String q = which("qemu-system-x86_64");
        if (q == null) {
            throw new IllegalStateException("qemu-system-x86_64 is missing; " + REMEDY);
        }
        return q;
    }

    private static String which(String tool) {
        Sh.Result r = Sh.run("sh", "-c", "command -v " + tool);
        return r.ok() && !r.out().isBlank() ? r.out().strip() : null;
    }
}
