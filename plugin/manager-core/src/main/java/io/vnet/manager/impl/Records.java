package io.vnet.manager.impl;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.DesiredState;
import io.vnet.vttif.TopologyChange;
import io.vnet.vttif.TrafficMatrix;
import java.util.List;
import java.util.Map;

/** What the manager keeps: everything it learns goes through here to the database. */
interface Records {
    void host(String hostId, String address, String role);

    void vms(String hostId, Map<NetworkId, List<MacAddress>> vms);

    void desired(DesiredState state);

    void topology(TopologyChange change);

    void matrix(NetworkId network, TrafficMatrix matrix);

    /** Records nothing (for tests of other parts). */
    Records NONE = new Records() {
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
    };
}
