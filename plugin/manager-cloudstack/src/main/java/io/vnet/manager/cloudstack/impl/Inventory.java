package io.vnet.manager.cloudstack.impl;

import io.vnet.api.MacAddress;
import io.vnet.manager.HostInfo;
import io.vnet.manager.cloudstack.CloudStackException;
import io.vnet.manager.cloudstack.CloudStackInventory;
import io.vnet.manager.cloudstack.CloudStackNic;
import io.vnet.manager.cloudstack.CloudStackVm;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;

/**
 * The inventory: CloudStack's VMs by uuid with their NICs (and the VNIs of Home Network NICs),
 * replaced whole by {@link #fullSync()} and changed one VM at a time by {@link #refresh} and
 * {@link #drop}. It also holds the NICs the Network Extension prepared ({@code prepare-nic}),
 * which may come before the VM is known.
 */
final class Inventory implements CloudStackInventory {
    private static final System.Logger LOG = System.getLogger(Inventory.class.getName());

    /** A NIC CloudStack prepared on a Home Network through the Network Extension. */
    record PreparedNic(String mac, String networkUuid, String networkName, Integer vni, String nicUuid, String vmUuid,
                       String vmName, Instant preparedAt) {
    }

    private final CloudStackClient client;
    private final NetworkDirectory directory;
    private final VniMap vnis;
    private final Supplier<List<HostInfo>> agents;
    private final Clock clock;
    private final Map<String, CloudStackVm> vms = new ConcurrentSkipListMap<>();
    private final Map<String, PreparedNic> prepared = new ConcurrentHashMap<>();
    private volatile Instant lastSync;
    private volatile String lastSyncError;

    Inventory(CloudStackClient client, NetworkDirectory directory, VniMap vnis, Supplier<List<HostInfo>> agents,
              Clock clock) {
        this.client = client;
        this.directory = directory;
        this.vnis = vnis;
        this.agents = agents;
        this.clock = clock;
    }

    /** Reads every network and every VM from CloudStack; VMs it no longer lists are forgotten. */
    void fullSync() throws CloudStackException {
        try {
            directory.reload();
            Map<String, CloudStackVm> fresh = new HashMap<>();
            for (CloudStackVm vm : client.listVirtualMachines(Map.of())) {
                fresh.put(vm.uuid(), withVnis(vm));
            }
            vms.keySet().retainAll(fresh.keySet());
            vms.putAll(fresh);
            lastSync = clock.instant();
            lastSyncError = null;
        } catch (CloudStackException e) {
            lastSyncError = e.getMessage();
            throw e;
        }
    }

    Instant lastSync() {
        return lastSync;
    }

    String lastSyncError() {
        return lastSyncError;
    }

    @Override
    public Optional<CloudStackVm> refresh(String uuid) throws CloudStackException {
        Optional<CloudStackVm> vm = client.virtualMachine(uuid).map(this::withVnis);
        if (vm.isPresent()) {
            vms.put(vm.get().uuid(), vm.get());
        } else {
            vms.remove(uuid);
        }
        return vm;
    }

    /** Forgets a VM (destroyed or expunged). */
    boolean drop(String uuid) {
        return vms.remove(uuid) != null;
    }

    /** The VM with its Home Network NICs' VNIs filled in (allocated when they have none yet). */
    private CloudStackVm withVnis(CloudStackVm vm) {
        List<CloudStackNic> nics = new ArrayList<>();
        for (CloudStackNic n : vm.nics()) {
            nics.add(n.withVni(n.networkId() == null ? null : vniOf(n.networkId())));
        }
        return vm.withNics(nics);
    }

    private Integer vniOf(String networkUuid) {
        try {
            OptionalInt v = vnis.vni(networkUuid);
            return v.isPresent() ? v.getAsInt() : null;
        } catch (CloudStackException e) {
            LOG.log(Level.WARNING, "network " + networkUuid + ": " + e.getMessage());
            return vnis.byUuid(networkUuid).map(io.vnet.manager.store.CloudStackNetwork::vni).orElse(null);
        }
    }

    @Override
    public List<CloudStackVm> vms() {
        return new ArrayList<>(vms.values());
    }

    @Override
    public Optional<CloudStackVm> vm(String uuid) {
        return Optional.ofNullable(vms.get(uuid));
    }

    @Override
    public Optional<CloudStackVm> vmByMac(String mac) {
        String m = Macs.normalize("mac", mac);
        return vms.values().stream().filter(v -> v.nics().stream().anyMatch(n -> m.equals(n.mac()))).findFirst();
    }

    @Override
    public Optional<String> vnetHostOf(String mac) {
        String m = Macs.normalize("mac", mac);
        for (HostInfo h : agents.get()) {
            for (List<MacAddress> macs : h.vms().values()) {
                if (macs.stream().anyMatch(x -> x.toString().equals(m))) {
                    return Optional.of(h.hostId());
                }
            }
        }
        return Optional.empty();
    }

    // ---- NICs prepared by the Network Extension

    void prepareNic(PreparedNic nic) {
        prepared.put(nic.mac(), nic);
    }

    /** Forgets a prepared NIC; false when none had this MAC. */
    boolean releaseNic(String mac) {
        return prepared.remove(Macs.normalize("mac", mac)) != null;
    }

    List<PreparedNic> preparedNics() {
        List<PreparedNic> l = new ArrayList<>(prepared.values());
        l.sort((a, b) -> a.mac().compareTo(b.mac()));
        return l;
    }
}
