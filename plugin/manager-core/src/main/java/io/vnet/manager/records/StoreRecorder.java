package io.vnet.manager.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.DesiredState;
import io.vnet.manager.Recorder;
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
 * Recorder into the {@link ManagerStore}. Every write goes through the {@link StoreWriter}: the
 * caller (an agent channel's event loop, VTTIF's clock, the REST API) never waits for the
 * database, a database that hangs or is down stalls no agent, and what failed while it was away is
 * written when it answers again (the newest host row, VM rows, desired state and matrix of each
 * host or network; every topology change). Writes of unchanged VMs and networks are skipped.
 *
 * <p>The VM rows follow what each agent reports, bounded: an address is recorded once it is in
 * two reports of its host in a row (a VM flooding random source addresses reports a new set every
 * time, and none of them is written), at most {@value #MAX_ROWS_PER_HOST} per host (the rest
 * counted and logged), at most {@value #MAX_NEW_ROWS_PER_REPORT} new rows per report of a host (the
 * rest wait for its next reports, counted as deferred: a slower flood, whose addresses last two
 * reports, would otherwise insert and delete thousands of rows a second), and its row is deleted
 * when its host no longer reports it (unless another host recorded it since). So neither the
 * database, its writes, nor this class's memory grow with what a VM sends.
 */
final class StoreRecorder implements Recorder {
    private static final System.Logger LOG = System.getLogger(StoreRecorder.class.getName());

    private final ManagerStore store;
    private final StoreWriter writer;
    /** The most VM rows one host's reports may hold (an agent's hello carries at most 16,384 addresses). */
    static final int MAX_ROWS_PER_HOST = 16_384;
    /**
     * The most rows one report of a host adds: 1,000 addresses are recorded within 32 reports (16 s at
     * the agents' default interval of 500 ms), and a flood writes at most this many rows (and later
     * deletes them) per report: each is a commit of the database.
     */
    static final int MAX_NEW_ROWS_PER_REPORT = 32;

    private final Set<Integer> networks = ConcurrentHashMap.newKeySet();
    /** Per host: its last report's addresses (network@mac), and the rows it holds now (mac -> network). */
    private final Map<String, Set<String>> lastReport = new java.util.HashMap<>();
    private final Map<String, Map<String, Integer>> rows = new java.util.HashMap<>();
    /** Which host holds each recorded address's row. */
    private final Map<String, String> rowHost = new java.util.HashMap<>();
    private long refusedRows;
    private long deferredRows;
    /** Rows of history deleted by {@link #pruneHistory} (the writer's thread writes it). */
    private volatile long pruned;

    /** Writes on the caller's thread (tests). */
    StoreRecorder(ManagerStore store) {
        this(store, StoreWriter.inline());
    }

    StoreRecorder(ManagerStore store, StoreWriter writer) {
        this.store = store;
        this.writer = writer;
        try {
            store.networks().forEach(n -> networks.add(n.vni()));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "reading networks from the store: " + e.getMessage());
        }
    }

    /** The address recorded for an agent that takes no links. */
    public static final String NO_ADDRESS = "-";

    @Override
    public void host(String hostId, String address, String role) {
        // an agent that takes no links (it only dials: a proxy behind NAT, an enrolled host) is recorded as "-"
        Host h = new Host(hostId, address == null ? NO_ADDRESS : address, role, Instant.now());
        writer.submit("host " + hostId, "host " + hostId, () -> store.putHost(h));
    }

    @Override
    public void vms(String hostId, Map<NetworkId, List<MacAddress>> vms) {
        Map<NetworkId, List<MacAddress>> copy = Map.copyOf(vms);
        // the newest report of a host replaces one still waiting: "two reports in a row" are then two written in a row
        writer.submit("vms " + hostId, "the VMs of " + hostId, () -> writeVms(hostId, copy));
    }

    private synchronized void writeVms(String hostId, Map<NetworkId, List<MacAddress>> vms) {
        Set<String> previous = lastReport.get(hostId);
        try {
            writeVmsOrFail(hostId, vms);
        } catch (RuntimeException e) {
            // tried again with the same report: it must not count as the second of two in a row
            if (previous == null) {
                lastReport.remove(hostId);
            } else {
                lastReport.put(hostId, previous);
            }
            throw e;
        }
    }

    private void writeVmsOrFail(String hostId, Map<NetworkId, List<MacAddress>> vms) {
        {
            Set<String> now = new java.util.HashSet<>();
            for (Map.Entry<NetworkId, List<MacAddress>> e : vms.entrySet()) {
                for (MacAddress mac : e.getValue()) {
                    now.add(e.getKey().vni() + "@" + mac);
                }
            }
            Set<String> before = lastReport.getOrDefault(hostId, Set.of());
            lastReport.put(hostId, now);
            Map<String, Integer> held = rows.computeIfAbsent(hostId, h -> new java.util.HashMap<>());
            // rows of addresses this host no longer reports (or now reports in another network)
            // (each row is written before this class remembers it, so one that fails is tried again at the next report)
            for (java.util.Iterator<Map.Entry<String, Integer>> it = held.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Integer> r = it.next();
                if (!now.contains(r.getValue() + "@" + r.getKey())) {
                    if (hostId.equals(rowHost.get(r.getKey()))) {
                        store.deleteVm(r.getKey());
                        rowHost.remove(r.getKey());
                    }
                    it.remove();
                }
            }
            int added = 0;
            for (String key : now) {
                if (!before.contains(key)) {
                    continue; // not in two reports in a row yet
                }
                int at = key.indexOf('@');
                int vni = Integer.parseInt(key.substring(0, at));
                String mac = key.substring(at + 1);
                if (held.containsKey(mac)) {
                    continue;
                }
                if (held.size() >= MAX_ROWS_PER_HOST) {
                    if (refusedRows++ % 10_000 == 0) {
                        LOG.log(Level.WARNING, "host " + hostId + " reports more than " + MAX_ROWS_PER_HOST
                                + " addresses: the rest are not recorded (" + refusedRows + " refused so far)");
                    }
                    continue;
                }
                if (added >= MAX_NEW_ROWS_PER_REPORT) {
                    deferredRows++; // still reported next time, it is recorded then
                    continue;
                }
                added++;
                if (!networks.contains(vni)) {
                    store.putNetwork(new Network(vni, "vni " + vni));
                    networks.add(vni);
                }
                store.putVm(new Vm(mac, vni, hostId));
                String previous = rowHost.put(mac, hostId);
                if (previous != null && !previous.equals(hostId)) {
                    Map<String, Integer> theirs = rows.get(previous);
                    if (theirs != null) {
                        theirs.remove(mac);
                    }
                }
                held.put(mac, vni);
            }
        }
    }

    /** How many times an address waited for a later report because its report had added its share of rows. */
    synchronized long deferredRows() {
        return deferredRows;
    }

    /** How many addresses were not recorded because their host already held {@link #MAX_ROWS_PER_HOST}. */
    synchronized long refusedRows() {
        return refusedRows;
    }

    @Override
    public void desired(DesiredState state) {
        var r = new io.vnet.manager.store.DesiredStateRecord(state.hostId(), state.generation(), document(state), Instant.now());
        writer.submit("desired " + state.hostId(), "generation " + state.generation() + " of the desired state of "
                + state.hostId(), () -> store.putDesiredState(r));
    }

    static String document(DesiredState state) {
        try {
            return Json.MAPPER.writeValueAsString(Json.writeState(state.links(), state.rules(), state.quiet()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void topology(TopologyChange change) {
        TopologyRecord r;
        try {
            r = new TopologyRecord(change.network().vni(), Instant.ofEpochMilli(change.timeMillis()),
                    change.newTopology().topologyClass().name(),
                    Json.MAPPER.writeValueAsString(TopologyJson.graph(change.newTopology())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // each change is a row of the history: a key of its own
        writer.submit("topology " + r.vni() + " " + r.time() + " " + r.topologyClass(), "a topology of network "
                + change.network(), () -> store.putTopology(r));
    }

    @Override
    public void matrix(NetworkId network, TrafficMatrix matrix) {
        TrafficMatrixRecord r;
        try {
            r = new TrafficMatrixRecord(network.vni(), Instant.now(), Json.MAPPER.writeValueAsString(TopologyJson.matrix(matrix)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // a periodic sample: while the database is away only the newest waits
        writer.submit("matrix " + network.vni(), "the traffic matrix of network " + network, () -> store.putTrafficMatrix(r));
    }

    @Override
    public void pruneHistory(Instant before) {
        // a newer prune replaces one still waiting (while the database is away)
        writer.submit("prune", "pruning the history before " + before, () -> {
            int rows = store.pruneHistory(before);
            pruned += rows;
            if (rows > 0) {
                LOG.log(Level.DEBUG, "pruned " + rows + " rows of history before " + before);
            }
        });
    }

    /** How many rows of history pruning deleted. */
    long pruned() {
        return pruned;
    }
}
