package io.vnet.manager.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * CloudStack's networks with their VNIs, and the VNIs in quarantine. Part of {@link ManagerStore}, whose contract (upserts, history queries, errors) it shares;
 * a consumer that needs only this part takes this type.
 */
public interface CloudStackStore {
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
}
