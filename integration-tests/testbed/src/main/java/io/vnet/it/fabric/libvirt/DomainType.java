package io.vnet.it.fabric.libvirt;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A domain's type: {@code kvm} (hardware virtualisation) or {@code qemu} (QEMU's emulator, TCG).
 *
 * @param name   the value of the domain XML's type attribute
 * @param reason why it was chosen, for the test output
 */
public record DomainType(String name, String reason) {
    public static final String PROPERTY = "vnet.libvirt.domain-type";

    public DomainType {
        if (!"kvm".equals(name) && !"qemu".equals(name)) {
            throw new IllegalArgumentException("domain type '" + name + "': must be kvm or qemu");
        }
    }

    /**
     * kvm when /dev/kvm is usable here, else qemu; the system property {@value #PROPERTY} (kvm
     * or qemu) decides instead when set.
     */
    public static DomainType detect() {
        return detect(System.getProperty(PROPERTY), Path.of("/dev/kvm"), Path.of("/sys/module"));
    }

    /**
     * kvm when {@code devKvm} can be read and written and the kernel runs a hardware KVM module
     * (kvm_intel or kvm_amd under {@code sysModule}); else qemu. A /dev/kvm of another kind (e.g.
     * kvm_pvm, which runs only guest kernels built for it) cannot boot the test guest's kernel.
     */
    static DomainType detect(String override, Path devKvm, Path sysModule) {
        if (override != null && !override.isBlank()) {
            return new DomainType(override.strip(), "set by -D" + PROPERTY);
        }
        if (!Files.exists(devKvm)) {
            return new DomainType("qemu", devKvm + " does not exist: QEMU's emulator (TCG)");
        }
        if (!Files.isReadable(devKvm) || !Files.isWritable(devKvm)) {
            return new DomainType("qemu", devKvm + " is not readable and writable: QEMU's emulator (TCG)");
        }
        for (String module : new String[] {"kvm_intel", "kvm_amd"}) {
            if (Files.isDirectory(sysModule.resolve(module))) {
                return new DomainType("kvm", devKvm + " works (" + module + ")");
            }
        }
        String other = Files.isDirectory(sysModule.resolve("kvm_pvm")) ? "kvm_pvm" : "no kvm_intel or kvm_amd";
        return new DomainType("qemu", devKvm + " is not hardware KVM (" + other
                + "), which cannot boot an ordinary kernel: QEMU's emulator (TCG)");
    }
}
