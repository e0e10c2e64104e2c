package io.vnet.manager.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The manager's persistent state. Puts are upserts keyed as documented; history queries return
 * the newest first, with times in {@code [from, to]} (either may be null: unbounded), at most
 * {@code limit} (1..10000) entries. Every method may throw {@link StoreException}; a bad argument
 * throws {@link IllegalArgumentException} naming it.
 */
public interface ManagerStore {

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
    void putDesiredState(DesiredState state);

    /** The newest generation for the host. */
    Optional<DesiredState> desiredState(String hostId);

    /** The host's generations, newest first. */
    List<DesiredState> desiredStateHistory(String hostId, int limit);

    /** Upsert by (VNI, time). */
    void putTrafficMatrix(TrafficMatrixRecord matrix);

    Optional<TrafficMatrixRecord> latestTrafficMatrix(int vni);

    List<TrafficMatrixRecord> trafficMatrices(int vni, Instant from, Instant to, int limit);

    /** Upsert by (VNI, time). */
    void putTopology(TopologyRecord topology);

    Optional<TopologyRecord> latestTopology(int vni);

    List<TopologyRecord> topologies(int vni, Instant from, Instant to, int limit);

    /** Deletes traffic matrices and topologies older than the given time; returns how many rows went. */
    int pruneHistory(Instant before);

    /** Upsert by VNI. */
    void putAdaptationSetting(AdaptationSetting setting);

    /** Every network's closed-loop settings, ordered by VNI. */
    List<AdaptationSetting> adaptationSettings();

    /** Upsert by (VNI, id): a decision is rewritten when its realised gain is measured. */
    void putDecision(DecisionRecord decision);

    /** The network's decisions, newest (highest id) first. */
    List<DecisionRecord> decisions(int vni, int limit);

    /** Appends to the audit log (the id must be new). */
    void appendAudit(AuditRecord entry);

    /** The audit log, newest first, with times in [from, to]. */
    List<AuditRecord> audit(Instant from, Instant to, int limit);

    /** The highest audit entry id (0 when the log is empty). */
    long lastAuditId();

    /**
     * Upsert by CloudStack network uuid. A VNI already held by another network is refused
     * ({@link StoreException}: the VNI column is unique).
     */
    void putCloudStackNetwork(CloudStackNetwork network);

    Optional<CloudStackNetwork> cloudStackNetwork(String networkUuid);

    Optional<CloudStackNetwork> cloudStackNetworkByVni(int vni);

    /** Every CloudStack network with a VNI, ordered by VNI. */
    List<CloudStackNetwork> cloudStackNetworks();

    boolean deleteCloudStackNetwork(String networkUuid);

    /** Upsert by VNI: {@code q.vni()} is quarantined until {@code q.until()}. */
    void quarantineVni(VniQuarantine q);

    /** The VNIs still in quarantine at {@code now}, ordered by VNI. */
    List<VniQuarantine> quarantinedVnis(Instant now);

    /**
     * Deletes everything recorded of network {@code vni}: its traffic matrices, topologies,
     * adaptation setting and decisions, and its VMs, so that a later owner of the VNI sees none of
     * it. Returns how many rows went.
     */
    int forgetNetworkHistory(int vni);

    /** The highest schema (migration) version applied, e.g. "2". */
    String schemaVersion();

    /** The JDBC URL with any password removed, for logs. */
    String describe();
}
