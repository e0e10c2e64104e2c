package io.vnet.it.fabric;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The test fabric's migration executor for the manager: a shell script, called as
 * {@code migrate-vm VNI MAC FROM TO} (host ids), that moves the VM with that MAC from one host
 * to another exactly as {@link Vm#migrateTo} does (its NIC's other end moves to the new host's
 * bridge, then the VM sends a gratuitous ARP). The manager's configuration names it:
 * {@code "migration": {"command": [script, "{vni}", "{mac}", "{from}", "{to}"]}}. The
 * {@link Vm} objects do not see a move the manager made: ask the agents where a VM is.
 */
public final class MigrationScript {
    private MigrationScript() {
    }

    /** Writes the script for these hosts and VMs into the fabric's work directory and returns its path. */
    public static Path write(Fabric fabric, List<Host> hosts, List<Vm> vms) throws IOException {
        StringBuilder s = new StringBuilder("#!/bin/sh\n# migrate-vm VNI MAC FROM TO: moves a test VM between test hosts\n");
        s.append("hostns() {\n  case \"$1\" in\n");
        for (Host h : hosts) {
            s.append("    ").append(h.name()).append(") echo ").append(h.ns()).append(" ;;\n");
        }
        s.append("    *) echo \"migrate-vm: unknown host $1\" >&2; return 2 ;;\n  esac\n}\n");
        s.append("[ $# -eq 4 ] || { echo \"usage: migrate-vm VNI MAC FROM TO\" >&2; exit 2; }\n");
        s.append("old=$(hostns \"$3\") || exit 2\nnew=$(hostns \"$4\") || exit 2\n");
        s.append("case \"$2\" in\n");
        for (Vm vm : vms) {
            s.append("  ").append(vm.mac()).append(")\n");
            s.append("    [ \"$1\" = ").append(vm.vni()).append(" ] || { echo \"migrate-vm: $2 is not in network $1\" >&2;"
                    + " exit 2; }\n");
            for (String line : Vm.migrationCommands(vm.name(), vm.ns(), "$old", "$new", vm.vni(), vm.mtu(), vm.ip())) {
                s.append("    ").append(line).append('\n');
            }
            s.append("    ;;\n");
        }
        s.append("  *) echo \"migrate-vm: unknown VM $2\" >&2; exit 2 ;;\nesac\n");
        s.append("echo \"migrate-vm: $2 moved from $3 to $4\"\n");
        Path p = fabric.workDir().resolve("migrate-vm");
        Files.writeString(p, s.toString());
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
