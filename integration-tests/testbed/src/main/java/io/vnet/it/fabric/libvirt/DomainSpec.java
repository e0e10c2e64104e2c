package io.vnet.it.fabric.libvirt;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tiny diskless domain: direct kernel boot, one virtio NIC on a bridge, its serial console
 * appended to a file, no graphics, no disk, no balloon, no USB. Build one with
 * {@link #builder(String)}; {@link #toXml()} is its libvirt domain XML.
 *
 * @param name       the domain's name: letters, digits, '-', '_', '.'
 * @param type       kvm or qemu (see {@link DomainType#detect()})
 * @param memoryMiB  its memory
 * @param vcpus      its virtual CPUs
 * @param emulator   QEMU's binary
 * @param kernel     the kernel to boot
 * @param initrd     its initramfs
 * @param cmdline    the kernel command line
 * @param mac        the NIC's MAC address (unicast)
 * @param bridge     the host bridge the NIC's TAP joins
 * @param targetDev  the TAP's name on the host: at most 15 characters, not starting with a prefix
 *                   libvirt reserves for names it makes (vnet, vif, macvtap, macvlan)
 * @param consoleLog the file the serial console is appended to (it must be the same path on every
 *                   host the domain migrates to, so that the log goes on)
 */
public record DomainSpec(String name, DomainType type, int memoryMiB, int vcpus, String emulator, Path kernel,
                         Path initrd, String cmdline, String mac, String bridge, String targetDev, Path consoleLog) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern MAC = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");
    private static final Pattern DEV = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");
    private static final List<String> RESERVED = List.of("vnet", "vif", "macvtap", "macvlan");

    public DomainSpec {
        Objects.requireNonNull(type, "type");
        for (Object o : new Object[] {emulator, kernel, initrd, cmdline, bridge, consoleLog}) {
            Objects.requireNonNull(o, "every part of a domain must be set: " + name);
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("domain name '" + name + "': letters, digits, '-', '_' and '.', at most 63");
        }
        if (memoryMiB < 16 || memoryMiB > 65_536) {
            throw new IllegalArgumentException("memory " + memoryMiB + " MiB: must be 16..65536");
        }
        if (vcpus < 1 || vcpus > 64) {
            throw new IllegalArgumentException(vcpus + " vCPUs: must be 1..64");
        }
        if (mac == null || !MAC.matcher(mac).matches()) {
            throw new IllegalArgumentException("MAC '" + mac + "': must be six hex octets separated by ':'");
        }
        if ((Integer.parseInt(mac.substring(0, 2), 16) & 1) != 0) {
            throw new IllegalArgumentException("MAC " + mac + " is a multicast address; a NIC needs a unicast one");
        }
        if (!DEV.matcher(bridge).matches()) {
            throw new IllegalArgumentException("bridge '" + bridge + "': not an interface name (at most 15 characters)");
        }
        if (targetDev == null || !DEV.matcher(targetDev).matches()) {
            throw new IllegalArgumentException("target dev '" + targetDev + "': not an interface name (at most 15 characters)");
        }
        for (String prefix : RESERVED) {
            if (targetDev.startsWith(prefix)) {
                throw new IllegalArgumentException("target dev '" + targetDev + "' starts with '" + prefix
                        + "', which libvirt reserves for the names it makes (it would ignore it)");
            }
        }
        mac = mac.toLowerCase();
    }

    /** A builder for a domain named {@code name}: 1 vCPU, {@link GuestImage#MEMORY_MIB} MiB, QEMU found on the PATH. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The domain XML. */
    public String toXml() {
        String console = xml(consoleLog.toString());
        return """
                <domain type='%s'>
                  <name>%s</name>
                  <memory unit='MiB'>%d</memory>
                  <vcpu>%d</vcpu>
                  <os>
                    <type arch='x86_64' machine='pc'>hvm</type>
                    <kernel>%s</kernel>
                    <initrd>%s</initrd>
                    <cmdline>%s</cmdline>
                  </os>
                  <on_poweroff>destroy</on_poweroff>
                  <on_reboot>destroy</on_reboot>
                  <on_crash>destroy</on_crash>
                  <devices>
                    <emulator>%s</emulator>
                    <interface type='bridge'>
                      <mac address='%s'/>
                      <source bridge='%s'/>
                      <target dev='%s'/>
                      <model type='virtio'/>
                    </interface>
                    <serial type='file'>
                      <source path='%s' append='on'/>
                      <target port='0'/>
                    </serial>
                    <console type='file'>
                      <source path='%s' append='on'/>
                      <target type='serial' port='0'/>
                    </console>
                    <controller type='usb' model='none'/>
                    <memballoon model='none'/>
                  </devices>
                </domain>
                """.formatted(type.name(), xml(name), memoryMiB, vcpus, xml(kernel.toString()), xml(initrd.toString()),
                xml(cmdline), xml(emulator), mac, xml(bridge), xml(targetDev), console, console);
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")
                .replace("\"", "&quot;");
    }

    /** Builds a {@link DomainSpec}; every setter checks nothing, {@link #build()} checks all. */
    public static final class Builder {
        private final String name;
        private DomainType type;
        private int memoryMiB = GuestImage.MEMORY_MIB;
        private int vcpus = 1;
        private String emulator;
        private Path kernel;
        private Path initrd;
        private String cmdline;
        private String mac;
        private String bridge;
        private String targetDev;
        private Path consoleLog;

        private Builder(String name) {
            this.name = name;
        }

        public Builder type(DomainType type) {
            this.type = type;
            return this;
        }

        public Builder memoryMiB(int memoryMiB) {
            this.memoryMiB = memoryMiB;
            return this;
        }

        public Builder vcpus(int vcpus) {
            this.vcpus = vcpus;
            return this;
        }

        public Builder emulator(String emulator) {
            this.emulator = emulator;
            return this;
        }

        /** The kernel and initramfs of {@code image}, booted with {@code cmdline}. */
        public Builder boot(GuestImage image, String cmdline) {
            this.kernel = image.kernel();
            this.initrd = image.initrd();
            this.cmdline = cmdline;
            return this;
        }

        /** The NIC: its MAC, the bridge it joins and its TAP's name on the host. */
        public Builder nic(String mac, String bridge, String targetDev) {
            this.mac = mac;
            this.bridge = bridge;
            this.targetDev = targetDev;
            return this;
        }

        public Builder console(Path consoleLog) {
            this.consoleLog = consoleLog;
            return this;
        }

        /** The spec; the type defaults to {@link DomainType#detect()}, the emulator to QEMU on the PATH. */
        public DomainSpec build() {
            DomainType t = type != null ? type : DomainType.detect();
            String e = emulator != null ? emulator : LibvirtTools.qemuBinary();
            return new DomainSpec(name, t, memoryMiB, vcpus, e, kernel, initrd, cmdline, mac, bridge, targetDev, consoleLog);
        }
    }
}
