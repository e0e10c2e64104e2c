package io.vnet.manager;

import io.vnet.api.NetworkId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which manager owns each network. One manager alone owns every network ({@link #clustered()}
 * false). In a cluster (managers on one PostgreSQL), each network is owned by one manager at a
 * time through a lease in the database; the owner runs the network's VTTIF and closed loop and
 * writes its desired state, under the lease's epoch (a write after the lease moved on is refused).
 */
public interface ClusterService {
    /** This manager's id in the cluster. */
    String self();

    /** Whether managers share the networks (false: this manager owns them all). */
    boolean clustered();

    /** Whether this manager owns {@code network} now. */
    boolean owns(NetworkId network);

    /** The lease epoch this manager holds for {@code network}, if it owns it (0 for a manager alone). */
    OptionalLong epoch(NetworkId network);

    /** The manager that owned {@code network} at the last look, if any. */
    Optional<Member> owner(NetworkId network);

    /** Every network's owner at the last look (a manager alone: the networks it knows, all its own). */
    Map<NetworkId, String> owners();

    /** The live managers, this one included, ordered by id. */
    List<Member> members();

    void addListener(OwnershipListener listener);

    void removeListener(OwnershipListener listener);

    /**
     * A manager of the cluster.
     *
     * @param agentAddress where agents and the other managers reach it (HOST:PORT)
     * @param apiAddress   its REST API's base address, or null
     */
    record Member(String id, String agentAddress, String apiAddress) {
    }

    /**
     * Told when this manager starts or stops owning a network, in order, on a thread the cluster
     * keeps for its listeners (not the one that renews the leases): a listener may read the database.
     */
    interface OwnershipListener {
        /** This manager owns {@code network} from now, under lease epoch {@code epoch}. */
        void acquired(NetworkId network, long epoch);

        /** This manager no longer owns {@code network} (its lease expired, was taken or was handed on). */
        void lost(NetworkId network);
    }
}
