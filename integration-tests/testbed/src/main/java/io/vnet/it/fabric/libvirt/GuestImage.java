package io.vnet.it.fabric.libvirt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The tiny Linux guest scripts/libvirt.sh builds: Debian's kernel and an initramfs of static
 * busybox, the virtio network modules and an /init. What the /init does is this class's contract
 * with the script: it puts {@code vnet.ip} (from the kernel command line) on eth0, prints
 * {@link #READY} on the serial console, answers ping, sinks TCP port {@link #SINK_PORT} (printing
 * {@link #RECEIVED} and the byte count after each connection), sends {@code vnet.send_mib} MiB
 * on TCP port {@link #SOURCE_PORT} (printing {@link #SENT}), prints {@link #ALIVE} with eth0's
 * counters every 10 s, and {@link #FAILED} with the reason when it cannot configure eth0.
 *
 * @param kernel the kernel (bzImage)
 * @param initrd the gzip'd newc initramfs
 */
public record GuestImage(Path kernel, Path initrd) {
    /** Where scripts/libvirt.sh puts the guest; the system property {@code vnet.guest.dir} overrides it. */
    public static final Path DEFAULT_DIR = Path.of("/var/lib/vnet-test/guest");
    public static final String READY = "VNET-GUEST-READY";
    public static final String FAILED = "VNET-GUEST-FAILED";
    public static final String RECEIVED = "VNET-GUEST-RECEIVED";
    public static final String SENT = "VNET-GUEST-SENT";
    public static final String ALIVE = "VNET-GUEST-ALIVE";
    public static final int SINK_PORT = 5001;
    public static final int SOURCE_PORT = 5002;
    /** The guest's memory: Debian's 6.1 kernel needs ~64 MiB above 16 MiB just to unpack itself (its init_size). */
    public static final int MEMORY_MIB = 128;
    private static final Pattern CIDR = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}");

    /** The guest in {@code vnet.guest.dir}, else {@link #DEFAULT_DIR}. */
    public static GuestImage locate() {
        String dir = System.getProperty("vnet.guest.dir");
        return locate(dir == null || dir.isBlank() ? DEFAULT_DIR : Path.of(dir));
    }

    /**
     * The guest in {@code dir}.
     *
     * @throws IllegalStateException naming scripts/libvirt.sh when the kernel or initramfs is missing
     */
    public static GuestImage locate(Path dir) {
        Path kernel = dir.resolve("vmlinuz");
        Path initrd = dir.resolve("initramfs.gz");
        List<String> missing = new ArrayList<>();
        for (Path p : List.of(kernel, initrd)) {
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                missing.add(p.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the test guest is not built: " + String.join(" and ", missing)
                    + " missing; run scripts/libvirt.sh as root, which builds it");
        }
        return new GuestImage(kernel.toAbsolutePath(), initrd.toAbsolutePath());
    }

    /**
     * The kernel command line that boots this guest with address {@code ipCidr} (e.g.
     * 10.200.54.200/24) on eth0, its console on the first serial port, and {@code sendMib} MiB
     * for each download from port {@link #SOURCE_PORT}.
     */
    public static String kernelArgs(String ipCidr, int sendMib) {
        if (ipCidr == null || !CIDR.matcher(ipCidr).matches()) {
            throw new IllegalArgumentException("guest address '" + ipCidr + "': must be A.B.C.D/N");
        }
        if (sendMib < 1 || sendMib > 4096) {
            throw new IllegalArgumentException("download size " + sendMib + " MiB: must be 1..4096");
        }
        return "console=ttyS0 vnet.ip=" + ipCidr + " vnet.send_mib=" + sendMib;
    }
}
