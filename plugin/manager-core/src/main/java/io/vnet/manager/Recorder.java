package io.vnet.manager;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.vttif.TopologyChange;
import io.vnet.vttif.TrafficMatrix;
import java.util.List;
import java.util.Map;

/**
 * What the manager learns and keeps: hosts, their VMs, desired states (from the agents'
 * concern), topology changes and traffic matrices (from VTTIF's) go through here to the
 * database. A service, so each concern records without knowing the store.
 */
public interface Recorder {
    void host(String hostId, String address, String role);

    void vms(String hostId, Map<NetworkId, List<MacAddress>> vms);

    void desired(DesiredState state);

    void topology(TopologyChange change);

    void matrix(NetworkId network, TrafficMatrix matrix);

    /**
     * Forgets the history older than {@code before}: traffic matrices, topologies and desired states (each
     * host's newest desired state stays, however old).
     */
    void pruneHistory(java.time.Instant before);

    /** Records nothing (for tests of other parts). */
    Recorder NONE = new Recorder() {
        @Override
        public void host(String hostId, String address, String role) {
        }

        @Override
        public void vms(String hostId, Map<NetworkId, List<MacAddress>> vms) {
        }

        @Override
        public void desired(DesiredState state) {
        }

        @Override
        public void topology(TopologyChange change) {
        }

        @Override
        public void matrix(NetworkId network, TrafficMatrix matrix) {
        }

        @Override
        public void pruneHistory(java.time.Instant before) {
        }
    };
}
