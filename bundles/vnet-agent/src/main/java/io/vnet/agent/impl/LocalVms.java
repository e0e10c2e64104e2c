package io.vnet.agent.impl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.dataplane.DataPlane;
import io.vnet.libvirt.DomainInfo;
import io.vnet.libvirt.Nic;
import io.vnet.libvirt.watch.DomainListener;
import io.vnet.protocol.Json;
import io.vnet.protocol.messages.Inventory;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The VMs that libvirt runs on this host with a NIC on a VNET network's bridge, and those the
 * configuration file names: what the agent registers with the manager (uuid, name, NICs), and
 * whose addresses are owned here ({@link MacOwnership}). A VM arriving by live migration is owned
 * here from its start, paused, so that its first frames after it resumes pass; once it runs it
 * is announced on the overlay (a RARP from each of its NICs), so forwarding follows it. A VM that
 * stopped or left is withdrawn and its addresses forgotten here.
 */
final class LocalVms implements DomainListener {
    private static final System.Logger LOG = System.getLogger(LocalVms.class.getName());

    /** One NIC of a registered VM. */
    record VmNic(NetworkId network, MacAddress mac, String tap, String bridge) {
    }

    /** A registered VM; {@code source} says who told of it ("libvirt", "config"). */
    record Vm(String uuid, String name, String source, List<VmNic> nics) {
    }

    private final DataPlane dp;
    private final Networks networks;
    private final Runnable changed;
    private final Map<String, Vm> vms = new ConcurrentHashMap<>();
    /** VMs arriving by live migration, paused here: owned here, not registered yet. */
    private final Map<String, Vm> arriving = new ConcurrentHashMap<>();
    private volatile MacOwnership ownership;
    private volatile String libvirtState = "connecting";

    /** @param changed told after the set of VMs changed (the manager hears of it at once) */
    LocalVms(DataPlane dp, Networks networks, Runnable changed) {
        this.dp = dp;
        this.networks = networks;
        this.changed = changed;
    }

    /** Tells {@code o} the addresses owned here now, and after every change (before announcing a VM that arrived). */
    void ownership(MacOwnership o) {
        this.ownership = o;
        owned();
    }

    /** The configuration file's VMs: registered like libvirt's, for good. */
    void configured(List<io.vnet.agent.config.AgentConfig.Vm> fromFile) {
        for (io.vnet.agent.config.AgentConfig.Vm v : fromFile) {
            List<VmNic> nics = v.nics().stream().map(n -> new VmNic(n.network(), n.mac(), null,
                    networks.bridgeOf(n.network()).orElse(null))).toList();
            vms.put(v.uuid(), new Vm(v.uuid(), v.name(), "config", nics));
            LOG.log(Level.INFO, "VM " + v.name() + " (" + v.uuid() + ") is named in the configuration: " + describe(nics));
        }
        if (!fromFile.isEmpty()) {
            owned();
            changed.run();
        }
    }

    @Override
    public void arriving(DomainInfo domain) {
        List<VmNic> nics = nicsOf(domain);
        if (nics.isEmpty()) {
            return;
        }
        arriving.put(domain.uuid(), new Vm(domain.uuid(), domain.name(), "libvirt", nics));
        LOG.log(Level.INFO, "VM " + domain.name() + " (" + domain.uuid() + ") is arriving by live migration: its"
                + " addresses are owned here from now: " + describe(nics));
        owned();
    }

    private void owned() {
        MacOwnership o = ownership;
        if (o != null) {
            o.local(ownedHere());
        }
    }

    /** Per network, the addresses of the VMs here: registered, named in the file, or arriving. */
    Map<NetworkId, java.util.Set<MacAddress>> ownedHere() {
        Map<NetworkId, java.util.Set<MacAddress>> out = new TreeMap<>();
        byNetwork(vms.values(), out, java.util.HashSet::new);
        byNetwork(arriving.values(), out, java.util.HashSet::new);
        return out;
    }

    /** Adds the NIC addresses of {@code from} to {@code out}, per network, in collections {@code fresh} makes. */
    private static <C extends java.util.Collection<MacAddress>> void byNetwork(java.util.Collection<Vm> from,
            Map<NetworkId, C> out, java.util.function.Supplier<C> fresh) {
        for (Vm v : from) {
            for (VmNic n : v.nics()) {
                out.computeIfAbsent(n.network(), k -> fresh.get()).add(n.mac());
            }
        }
    }

    @Override
    public void running(DomainInfo domain, boolean arrived) {
        List<VmNic> nics = nicsOf(domain);
        arriving.remove(domain.uuid());
        Vm old = nics.isEmpty() ? vms.remove(domain.uuid()) : vms.put(domain.uuid(), new Vm(domain.uuid(), domain.name(),
                "libvirt", nics));
        if (old != null) {
            old.nics().stream().filter(o -> !nics.contains(o)).forEach(o -> dp.forgetMac(o.network(), o.mac()));
        }
        owned();
        if (nics.isEmpty()) {
            if (old != null) {
                LOG.log(Level.INFO, "VM " + domain.name() + " (" + domain.uuid() + ") has no NIC on a VNET network any more");
                changed.run();
            }
            return;
        }
        if (arrived) {
            for (VmNic n : nics) {
                boolean sent = dp.announce(n.network(), n.mac());
                LOG.log(Level.INFO, "VM " + domain.name() + " arrived by migration: " + (sent ? "announced " : "cannot announce ")
                        + n.mac() + " on network " + n.network());
            }
        }
        if (old == null || !old.nics().equals(nics) || !old.name().equals(domain.name())) {
            LOG.log(Level.INFO, "VM " + domain.name() + " (" + domain.uuid() + ") runs here: " + describe(nics));
            changed.run();
        }
    }

    /** The NICs of {@code domain} on networks carried here (attaching a network on demand if it can). */
    private List<VmNic> nicsOf(DomainInfo domain) {
        List<VmNic> nics = new ArrayList<>();
        for (Nic n : domain.nics()) {
            Optional<NetworkId> net = networks.ofBridge(n.sourceBridge());
            if (net.isEmpty()) {
                OptionalInt vni = networks.attachable(n.sourceBridge());
                if (vni.isPresent()) {
                    try {
                        networks.attach(vni.getAsInt());
                        net = Optional.of(NetworkId.of(vni.getAsInt()));
                    } catch (Exception e) {
                        LOG.log(Level.WARNING, "VM " + domain.name() + ": cannot carry network " + vni.getAsInt()
                                + " of its NIC " + n.mac() + ": " + e.getMessage());
                    }
                }
            }
            net.ifPresent(network -> nics.add(new VmNic(network, n.mac(), n.targetDev(), n.sourceBridge())));
        }
        return nics;
    }

    @Override
    public void gone(String uuid, String why) {
        Vm came = arriving.remove(uuid);
        Vm old = vms.get(uuid);
        if (old != null && "config".equals(old.source())) {
            return; // the file's VMs stay
        }
        if (old != null) {
            vms.remove(uuid);
        }
        if (came != null || old != null) {
            owned();
        }
        if (old == null) {
            if (came != null) {
                LOG.log(Level.INFO, "VM " + came.name() + " (" + uuid + ") did not arrive: " + why);
            }
            return;
        }
        old.nics().forEach(n -> dp.forgetMac(n.network(), n.mac()));
        LOG.log(Level.INFO, "VM " + old.name() + " (" + uuid + ") withdrawn: " + why);
        changed.run();
    }

    @Override
    public void connection(boolean up, String detail) {
        libvirtState = up ? "connected" : "down: " + detail;
    }

    /** This host's libvirt is not followed (only the file's VMs are registered). */
    void noLibvirt() {
        libvirtState = "not followed";
    }

    String libvirtState() {
        return libvirtState;
    }

    List<Vm> vms() {
        return List.copyOf(new TreeMap<>(vms).values());
    }

    /** The registered VMs' addresses per network, to merge with the learned ones. */
    Map<NetworkId, List<MacAddress>> macs() {
        Map<NetworkId, List<MacAddress>> out = new TreeMap<>();
        byNetwork(vms.values(), out, ArrayList::new);
        return out;
    }

    /** The protocol's {@code vms} array: [{uuid, name, source, nics: [{vni, mac, tap, bridge}]}]. */
    ArrayNode json() {
        ObjectNode m = Json.object();
        new Inventory(null, null, 0, registered(), List.of(), 0).write(m);
        return (ArrayNode) m.get("vms");
    }

    /** The VMs running here by name, as the agent registers them with the manager. */
    List<Inventory.RegisteredVm> registered() {
        List<Inventory.RegisteredVm> out = new java.util.ArrayList<>();
        for (Vm v : vms()) {
            List<Inventory.RegisteredVm.Nic> nics = new java.util.ArrayList<>();
            for (VmNic n : v.nics()) {
                nics.add(new Inventory.RegisteredVm.Nic(n.network(), n.mac(), n.tap(), n.bridge()));
            }
            out.add(new Inventory.RegisteredVm(v.uuid(), v.name(), v.source(), nics));
        }
        return List.copyOf(out);
    }

    private static String describe(List<VmNic> nics) {
        StringBuilder b = new StringBuilder();
        for (VmNic n : nics) {
            b.append(b.length() == 0 ? "" : ", ").append(n.mac()).append(" on network ").append(n.network().vni())
                    .append(" (bridge ").append(n.bridge()).append(n.tap() == null ? "" : ", " + n.tap()).append(')');
        }
        return b.toString();
    }
}
