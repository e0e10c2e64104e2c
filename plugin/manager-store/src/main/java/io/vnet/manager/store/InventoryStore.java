package io.vnet.manager.store;

import java.util.List;
import java.util.Optional;

/**
 * The hosts, networks and VMs the manager knows, and each host's desired states. Part of {@link ManagerStore}, whose contract (upserts, history queries, errors) it shares;
 * a consumer that needs only this part takes this type.
 */
public interface InventoryStore {
    /** Upsert by host id. */
    void putHost(Host host);

    Optional<Host> host(String hostId);

    /** All hosts, ordered by host id. */
    List<Host> hosts();

    boolean deleteHost(String hostId);

    /** Upsert by VNI. */
    void putNetwork(Network network);

    Optional<Network> network(int vni);

    /** All networks, ordered by VNI. */
    List<Network> networks();

    boolean deleteNetwork(int vni);

    /** Upsert by MAC: a VM that moved to another host replaces its old row. */
    void putVm(Vm vm);

    Optional<Vm> vm(String mac);

    /** The VMs of a network, ordered by MAC. */
    List<Vm> vmsOfNetwork(int vni);

    /** The VMs on a host, ordered by MAC. */
    List<Vm> vmsOnHost(String hostId);

    boolean deleteVm(String mac);

    /** Upsert by (host id, generation); older generations stay as history. */
    void putDesiredState(DesiredStateRecord state);

    /** The newest generation for the host. */
    Optional<DesiredStateRecord> desiredState(String hostId);

    /** The host's generations, newest first. */
    List<DesiredStateRecord> desiredStateHistory(String hostId, int limit);
}
