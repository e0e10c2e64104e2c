package io.vnet.it.fabric.libvirt;

import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The configuration files of one test libvirtd: its libvirtd.conf (TCP without authentication
 * on the host's underlay address, for peer-to-peer migrations; its own host UUID, so that two
 * daemons on one machine are two hosts to libvirt) and its qemu.conf (QEMU runs as root without a
 * security driver, cgroups or a private /dev, and writes its own log instead of virtlogd's;
 * incoming migrations listen on the underlay address).
 *
 * @param listenAddress the host's underlay IPv4 address
 * @param hostUuid      the UUID libvirt reports for the host (must differ between the two ends of a migration)
 */
public record LibvirtdConfig(String listenAddress, UUID hostUuid) {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /** The TCP port libvirtd listens on (its default), for qemu+tcp:// URIs. */
    public static final int TCP_PORT = 16509;

    public LibvirtdConfig {
        Objects.requireNonNull(hostUuid, "hostUuid");
        if (listenAddress == null || !IPV4.matcher(listenAddress).matches()) {
            throw new IllegalArgumentException("listen address '" + listenAddress + "': must be an IPv4 address");
        }
    }

    /** libvirtd.conf; paths inside it are as libvirtd sees them (its /run/libvirt and /var/log/libvirt are per instance). */
    public String libvirtdConf() {
        return """
                # written by the VNET test fabric for one test host's libvirtd
                listen_tls = 0
                listen_tcp = 1
                listen_addr = "%s"
                tcp_port = "%d"
                auth_tcp = "none"
                auth_unix_rw = "none"
                auth_unix_ro = "none"
                unix_sock_rw_perms = "0700"
                unix_sock_ro_perms = "0700"
                unix_sock_admin_perms = "0700"
                host_uuid = "%s"
                log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
                """.formatted(listenAddress, TCP_PORT, hostUuid);
    }

    /** qemu.conf. */
    public String qemuConf() {
        return """
                # written by the VNET test fabric for one test host's libvirtd
                user = "root"
                group = "root"
                dynamic_ownership = 0
                remember_owner = 0
                security_driver = "none"
                cgroup_controllers = [ ]
                namespaces = [ ]
                stdio_handler = "file"
                migration_address = "%s"
                migration_host = "%s"
                """.formatted(listenAddress, listenAddress);
    }
}
