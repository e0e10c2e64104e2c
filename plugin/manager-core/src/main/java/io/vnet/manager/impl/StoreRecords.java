package io.vnet.manager.impl;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.DesiredState;
import io.vnet.manager.store.Host;
import io.vnet.manager.store.ManagerStore;
import io.vnet.manager.store.Network;
import io.vnet.manager.store.TopologyRecord;
import io.vnet.manager.store.TrafficMatrixRecord;
import io.vnet.manager.store.Vm;
import io.vnet.protocol.Json;
import io.vnet.vttif.TopologyChange;
import io.vnet.vttif.TrafficMatrix;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records into the {@link ManagerStore}. A database error is logged and does not stop the
 * manager from serving its agents; writes of unchanged VMs and networks are skipped.
 */
final class StoreRecords implements Records {
    private static final System.Logger LOG = System.getLogger(StoreRecords.class.getName());

    private final ManagerStore store;
    private final Set<Integer> networks = ConcurrentHashMap.newKeySet();
    private final Map<String, String> vmPlace = new ConcurrentHashMap<>();

    StoreRecords(ManagerStore store) {
        this.store = store;
        try {
            store.networks().forEach(n -> networks.add(n.vni()));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "reading networks from the store: " + e.getMessage());
        }
    }

    private void guarded(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "cannot record " + what + " in the store: " + e.getMessage());
        }
    }

    @Override
    public void host(String hostId, String address, String role) {
        guarded("host " + hostId, () -> store.putHost(new Host(hostId, address, role, Instant.now())));
    }

    @Override
    public void vms(String hostId, Map<NetworkId, List<MacAddress>> vms) {
        guarded("the VMs of " + hostId, () -> {
            for (Map.Entry<NetworkId, List<MacAddress>> e : vms.entrySet()) {
                int vni = e.getKey().vni();
                if (networks.add(vni)) {
                    store.putNetwork(new Network(vni, "vni " + vni));
                }
                for (MacAddress mac : e.getValue()) {
                    String place = vni + "@" + hostId;
                    if (!place.equals(vmPlace.put(mac.toString(), place))) {
                        store.putVm(new Vm(mac.toString(), vni, hostId));
                    }
                }
            }
        });
    }

    @Override
    public void desired(DesiredState state) {
        guarded("the desired state of " + state.hostId(), () -> store.putDesiredState(
                new io.vnet.manager.store.DesiredState(state.hostId(), state.generation(), document(state), Instant.now())));
    }

    static String document(DesiredState state) {
        try {
            return Json.MAPPER.writeValueAsString(Json.writeLinksAndRules(state.links(), state.rules()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void topology(TopologyChange change) {
        guarded("a topology of network " + change.network(), () -> {
            try {
                store.putTopology(new TopologyRecord(change.network().vni(), Instant.ofEpochMilli(change.timeMillis()),
                        change.newTopology().topologyClass().name(),
                        Json.MAPPER.writeValueAsString(TopologyJson.graph(change.newTopology()))));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    public void matrix(NetworkId network, TrafficMatrix matrix) {
        guarded("the traffic matrix of network " + network, () -> {
            try {
                store.putTrafficMatrix(new TrafficMatrixRecord(network.vni(), Instant.now(),
                        Json.MAPPER.writeValueAsString(TopologyJson.matrix(matrix))));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
