package io.vnet.hostagent;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.ControlOps;
import io.vnet.libvirt.DomainInfo;
import io.vnet.libvirt.DomainXml;
import io.vnet.libvirt.Nic;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vnetctl libvirt-hook DOMAIN OPERATION SUB-OPERATION EXTRA}: libvirt's qemu hook (installed
 * as {@code /etc/libvirt/hooks/qemu.d/vnet}, which runs it with the domain XML on standard input).
 *
 * <p>Before QEMU starts a domain here ({@code prepare begin}), takes one in by live migration
 * ({@code migrate begin}) or restores one from a saved image ({@code restore begin}), every NIC
 * plugged into a bridge named {@code vnbr<N>} needs that bridge to exist: the hook asks the agent
 * to carry network N (net-attach), which creates the bridge and the agent's TAP on it. It prints
 * nothing on standard output, so libvirt keeps the domain XML as it is. If a network cannot be
 * attached it exits 1 with the reason on standard error, and libvirt then refuses the operation,
 * which is right: the NIC's bridge is missing. Every other operation exits 0 at once, without
 * reading its input.
 *
 * <p>It never calls back into libvirt (libvirt waits for its hooks; a call back would deadlock),
 * only into the agent's control socket, and only when the domain has a NIC on such a bridge: a
 * host whose agent is down still starts every other domain.
 */
@Command(name = "libvirt-hook", mixinStandardHelpOptions = true,
        description = "libvirt qemu hook: attach the VNET networks of a domain's vnbr<N> bridges before it starts,"
                + " arrives by migration or is restored (domain XML on standard input)")
public final class LibvirtHook implements Callable<Integer> {
    /** The hook invocations that need the bridges, as "operation sub-operation". */
    static final Set<String> ATTACHING = Set.of("prepare begin", "migrate begin", "restore begin");

    @ParentCommand
    VnetCtl root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "the domain's name")
    String domain;

    @Parameters(index = "1", description = "libvirt's operation: prepare, start, started, stopped, release, migrate,"
            + " restore, reconnect, attach")
    String operation;

    @Parameters(index = "2", description = "libvirt's sub-operation: begin or end")
    String subOperation;

    @Parameters(index = "3", arity = "0..1", description = "libvirt's extra argument (unused)")
    String extra;

    @Option(names = "--bridge-prefix", defaultValue = "vnbr",
            description = "name of a VNET network's bridge before its VNI (default: ${DEFAULT-VALUE})")
    String bridgePrefix;

    /** Where the domain XML comes from; libvirt writes it to standard input. */
    InputStream stdin = System.in;

    @Override
    public Integer call() {
        if (!ATTACHING.contains(operation + " " + subOperation)) {
            return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        try {
            attach(DomainXml.parse(new String(stdin.readAllBytes(), StandardCharsets.UTF_8)));
            return 0;
        } catch (HookFailure | IllegalArgumentException e) {
            err.println("vnet libvirt hook: domain " + domain + " (" + operation + " " + subOperation + "): "
                    + e.getMessage());
        } catch (IOException e) {
            err.println("vnet libvirt hook: domain " + domain + " (" + operation + " " + subOperation
                    + "): cannot read the domain XML on standard input: " + e.getMessage());
        } catch (RuntimeException e) {
            err.println("vnet libvirt hook: domain " + domain + " (" + operation + " " + subOperation
                    + "): unexpected " + e);
        }
        err.flush();
        return 1;
    }

    private void attach(DomainInfo d) throws HookFailure {
        Map<Integer, Nic> byVni = new LinkedHashMap<>();
        for (Nic nic : d.nics()) {
            OptionalInt vni = DomainXml.bridgeVni(nic.sourceBridge(), bridgePrefix);
            if (vni.isPresent()) {
                byVni.putIfAbsent(vni.getAsInt(), nic);
            }
        }
        for (Map.Entry<Integer, Nic> e : byVni.entrySet()) {
            attachOne(e.getKey(), e.getValue());
        }
    }

    private void attachOne(int vni, Nic nic) throws HookFailure {
        String what = "NIC " + nic.mac() + " on bridge " + nic.sourceBridge() + ": cannot attach VNET network " + vni;
        JsonNode result;
        try {
            result = root.call(VnetCtl.op(ControlOps.NET_ATTACH).put("vni", vni));
        } catch (IOException e) {
            throw new HookFailure(what + ": " + e.getMessage());
        }
        String bridge = result == null ? null : result.path("bridge").asText(null);
        if (!nic.sourceBridge().equals(bridge)) {
            throw new HookFailure(what + ": the agent carries it on bridge " + bridge + ", not on "
                    + nic.sourceBridge() + " (do the agent's bridge prefix and --bridge-prefix differ?)");
        }
    }

    /** A reason to refuse the domain, for standard error. */
    static final class HookFailure extends Exception {
        private static final long serialVersionUID = 1L;

        HookFailure(String message) {
            super(message);
        }
    }
}
