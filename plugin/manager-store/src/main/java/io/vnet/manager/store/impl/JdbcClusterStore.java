package io.vnet.manager.store.impl;

import io.vnet.manager.store.ClusterStore;
import io.vnet.manager.store.DecisionRecord;
import io.vnet.manager.store.DesiredPart;
import io.vnet.manager.store.Fence;
import io.vnet.manager.store.FencedException;
import io.vnet.manager.store.ManagerMember;
import io.vnet.manager.store.NetworkLease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The cluster's part of the store on JDBC (H2 or PostgreSQL), beside {@link JdbcManagerStore} on
 * the same database. Every lease change is one conditional UPDATE, so two managers racing for a
 * network serialise on its row and one wins; a fenced write checks its fence in the same
 * transaction, holding the lease row ({@code FOR UPDATE}) until it commits, so a takeover waits
 * for it and a write after a takeover is refused.
 */
public final class JdbcClusterStore implements ClusterStore {
    /** The longest lease or liveness time taken (a day): a longer one is a mistake. */
    static final long MAX_LEASE_MS = 86_400_000L;

    private final JdbcManagerStore store;

    public JdbcClusterStore(JdbcManagerStore store) {
        this.store = store;
    }

    @Override
    public long now() {
        return inTx(JdbcClusterStore::dbNow, "reading the database's clock");
    }

    private static long dbNow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT CURRENT_TIMESTAMP");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            OffsetDateTime t = rs.getObject(1, OffsetDateTime.class);
            return t.toInstant().toEpochMilli();
        }
    }

    @Override
    public List<ManagerMember> heartbeat(ManagerMember self, long liveMs) {
        long live = duration("liveMs", liveMs);
        return inTx(c -> {
            long now = dbNow(c);
            int n = exec(c, "UPDATE manager_member SET agent_address = ?, api_address = ?, heartbeat_ms = ?"
                    + " WHERE manager_id = ?", self.agentAddress(), self.apiAddress(), now, self.id());
            if (n == 0) {
                exec(c, "INSERT INTO manager_member (manager_id, agent_address, api_address, started_ms, heartbeat_ms)"
                        + " VALUES (?, ?, ?, ?, ?)", self.id(), self.agentAddress(), self.apiAddress(), now, now);
            }
            return query(c, MEMBER_COLUMNS + " WHERE heartbeat_ms >= ? ORDER BY manager_id", JdbcClusterStore::member,
                    now - live);
        }, "heartbeat of manager " + self.id());
    }

    private static final String MEMBER_COLUMNS = "SELECT manager_id, agent_address, api_address, started_ms, heartbeat_ms"
            + " FROM manager_member";

    private static ManagerMember member(ResultSet rs) throws SQLException {
        return new ManagerMember(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5));
    }

    @Override
    public List<ManagerMember> members() {
        return inTx(c -> query(c, MEMBER_COLUMNS + " ORDER BY manager_id", JdbcClusterStore::member), "listing managers");
    }

    @Override
    public void leave(String managerId) {
        inTx(c -> {
            long now = dbNow(c);
            exec(c, "UPDATE network_lease SET expires_ms = ? WHERE owner = ? AND expires_ms > ?", now, managerId, now);
            exec(c, "DELETE FROM manager_member WHERE manager_id = ?", managerId);
            return null;
        }, "manager " + managerId + " leaving");
    }

    @Override
    public void networksSeen(Collection<Integer> vnis) {
        if (vnis.size() > MAX_NETWORKS_SEEN) {
            throw new IllegalArgumentException("vnis: " + vnis.size() + " networks, more than " + MAX_NETWORKS_SEEN);
        }
        TreeSet<Integer> sorted = new TreeSet<>(vnis); // one lock order for every caller
        sorted.forEach(v -> new Fence(v, "x", 0)); // checks each VNI
        if (sorted.isEmpty()) {
            return;
        }
        inTx(c -> {
            long now = dbNow(c);
            TreeSet<Integer> missing = new TreeSet<>(sorted);
            for (List<Integer> chunk : chunks(new ArrayList<>(sorted), 500)) {
                String in = placeholders(chunk.size());
                List<Object> args = new ArrayList<>();
                args.add(now);
                args.addAll(chunk);
                exec(c, "UPDATE network_lease SET seen_ms = ? WHERE vni IN (" + in + ")", args.toArray());
                missing.removeAll(query(c, "SELECT vni FROM network_lease WHERE vni IN (" + in + ")", rs -> rs.getInt(1),
                        chunk.toArray()));
            }
            for (int v : missing) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO network_lease (vni, owner, epoch, expires_ms,"
                        + " seen_ms) VALUES (?, NULL, 0, 0, ?)")) {
                    ps.setInt(1, v);
                    ps.setLong(2, now);
                    ps.executeUpdate();
                }
            }
            return null;
        }, "recording networks seen");
    }

    private static List<List<Integer>> chunks(List<Integer> all, int size) {
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += size) {
            out.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return out;
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private static final String LEASE_COLUMNS = "SELECT vni, owner, epoch, expires_ms, seen_ms FROM network_lease";

    private static NetworkLease lease(ResultSet rs) throws SQLException {
        return new NetworkLease(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
    }

    @Override
    public List<NetworkLease> leases() {
        return inTx(c -> query(c, LEASE_COLUMNS + " ORDER BY vni", JdbcClusterStore::lease), "listing leases");
    }

    @Override
    public Optional<NetworkLease> lease(int vni) {
        return inTx(c -> first(query(c, LEASE_COLUMNS + " WHERE vni = ?", JdbcClusterStore::lease, vni)),
                "reading the lease of network " + vni);
    }

    @Override
    public Optional<NetworkLease> claim(int vni, String managerId, long leaseMs) {
        new Fence(vni, managerId, 0);
        long lease = duration("leaseMs", leaseMs);
        return inTx(c -> {
            long now = dbNow(c);
            int n = exec(c, "UPDATE network_lease SET owner = ?, epoch = epoch + 1, expires_ms = ?"
                    + " WHERE vni = ? AND (owner IS NULL OR expires_ms <= ?)", managerId, now + lease, vni, now);
            return n == 0 ? Optional.<NetworkLease>empty()
                    : first(query(c, LEASE_COLUMNS + " WHERE vni = ?", JdbcClusterStore::lease, vni));
        }, "manager " + managerId + " claiming network " + vni);
    }

    @Override
    public List<NetworkLease> claimAll(java.util.Collection<Integer> vnis, String managerId, long leaseMs) {
        long lease = duration("leaseMs", leaseMs);
        java.util.SortedSet<Integer> sorted = new java.util.TreeSet<>(vnis);
        sorted.forEach(v -> new Fence(v, managerId, 0)); // checks each VNI and the manager's id, as claim does
        if (sorted.isEmpty()) {
            return List.of();
        }
        return inTx(c -> {
            long now = dbNow(c);
            List<NetworkLease> out = new ArrayList<>();
            // in VNI order, as every claimer locks rows: two managers claiming overlapping sets do not deadlock
            for (List<Integer> chunk : chunks(new ArrayList<>(sorted), 500)) {
                String in = placeholders(chunk.size());
                List<Object> args = new ArrayList<>(List.of(managerId, now + lease));
                args.addAll(chunk);
                args.add(now);
                if (exec(c, "UPDATE network_lease SET owner = ?, epoch = epoch + 1, expires_ms = ? WHERE vni IN (" + in
                        + ") AND (owner IS NULL OR expires_ms <= ?)", args.toArray()) == 0) {
                    continue;
                }
                // the rows this statement took carry its expiry (the transaction's clock): leases held before do not
                List<Object> q = new ArrayList<>(chunk);
                q.add(managerId);
                q.add(now + lease);
                out.addAll(query(c, LEASE_COLUMNS + " WHERE vni IN (" + in + ") AND owner = ? AND expires_ms = ?"
                        + " ORDER BY vni", JdbcClusterStore::lease, q.toArray()));
            }
            return out;
        }, "manager " + managerId + " claiming " + sorted.size() + " network(s)");
    }

    @Override
    public List<NetworkLease> renew(String managerId, long leaseMs) {
        long lease = duration("leaseMs", leaseMs);
        return inTx(c -> {
            long now = dbNow(c);
            exec(c, "UPDATE network_lease SET expires_ms = ? WHERE owner = ? AND expires_ms > ?", now + lease, managerId, now);
            return query(c, LEASE_COLUMNS + " WHERE owner = ? AND expires_ms > ? ORDER BY vni", JdbcClusterStore::lease,
                    managerId, now);
        }, "manager " + managerId + " renewing its leases");
    }

    @Override
    public boolean release(Fence fence) {
        return inTx(c -> {
            long now = dbNow(c);
            return exec(c, "UPDATE network_lease SET expires_ms = ? WHERE vni = ? AND owner = ? AND epoch = ?"
                    + " AND expires_ms > ?", now, fence.vni(), fence.managerId(), fence.epoch(), now) > 0;
        }, "manager " + fence.managerId() + " releasing network " + fence.vni());
    }

    @Override
    public boolean holds(Fence fence) {
        return inTx(c -> check(c, fence), "checking the lease of network " + fence.vni());
    }

    /** Whether the fence holds, locking the lease row until the transaction ends (a takeover waits for it). */
    private static boolean check(Connection c, Fence fence) throws SQLException {
        long now = dbNow(c);
        return !query(c, "SELECT vni FROM network_lease WHERE vni = ? AND owner = ? AND epoch = ? AND expires_ms > ?"
                + " FOR UPDATE", rs -> rs.getInt(1), fence.vni(), fence.managerId(), fence.epoch(), now).isEmpty();
    }

    @Override
    public DesiredPart putDesiredPart(Fence fence, String hostId, String document, long atLeast) {
        Instant at = Instant.now();
        DesiredPart checked = new DesiredPart(hostId, fence.vni(), 0, fence.epoch(), fence.managerId(), document, at, -1);
        return inTx(c -> {
            if (!check(c, fence)) {
                throw new FencedException(fence, "the desired state of host " + hostId);
            }
            Optional<long[]> had = first(query(c, "SELECT generation, applied_generation FROM desired_part"
                    + " WHERE host_id = ? AND vni = ? FOR UPDATE", rs -> new long[] {rs.getLong(1), rs.getLong(2)},
                    hostId, fence.vni()));
            long generation = Math.max(atLeast, had.map(h -> h[0] + 1).orElse(0L));
            long applied = had.map(h -> h[1]).orElse(-1L);
            Object[] args = {generation, fence.epoch(), fence.managerId(), document, ts(checked.createdAt()), applied,
                hostId, fence.vni()};
            if (had.isPresent()) {
                exec(c, "UPDATE desired_part SET generation = ?, epoch = ?, owner = ?, document = ?, created_at = ?,"
                        + " applied_generation = ? WHERE host_id = ? AND vni = ?", args);
            } else {
                exec(c, "INSERT INTO desired_part (generation, epoch, owner, document, created_at, applied_generation,"
                        + " host_id, vni) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", args);
            }
            return new DesiredPart(hostId, fence.vni(), generation, fence.epoch(), fence.managerId(), document,
                    checked.createdAt(), applied);
        }, "writing network " + fence.vni() + "'s part of host " + hostId + "'s desired state");
    }

    private static final String PART_COLUMNS = "SELECT host_id, vni, generation, epoch, owner, document, created_at,"
            + " applied_generation FROM desired_part";

    private static DesiredPart part(ResultSet rs) throws SQLException {
        return new DesiredPart(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                rs.getString(6), rs.getObject(7, OffsetDateTime.class).toInstant(), rs.getLong(8));
    }

    @Override
    public List<DesiredPart> desiredParts(String hostId) {
        return inTx(c -> query(c, PART_COLUMNS + " WHERE host_id = ? ORDER BY vni", JdbcClusterStore::part, hostId),
                "reading host " + hostId + "'s desired parts");
    }

    @Override
    public List<DesiredPart> desiredPartsOfNetwork(int vni) {
        return inTx(c -> query(c, PART_COLUMNS + " WHERE vni = ? ORDER BY host_id", JdbcClusterStore::part, vni),
                "reading network " + vni + "'s desired parts");
    }

    @Override
    public int partsApplied(String hostId, Map<Integer, Long> generations) {
        if (generations.isEmpty()) {
            return 0;
        }
        return inTx(c -> {
            int n = 0;
            for (Map.Entry<Integer, Long> e : new java.util.TreeMap<>(generations).entrySet()) {
                n += exec(c, "UPDATE desired_part SET applied_generation = ? WHERE host_id = ? AND vni = ?"
                        + " AND applied_generation < ?", e.getValue(), hostId, e.getKey(), e.getValue());
            }
            return n;
        }, "recording what host " + hostId + " applied");
    }

    @Override
    public void putDecision(Fence fence, DecisionRecord d) {
        if (d.vni() != fence.vni()) {
            throw new IllegalArgumentException("decision: of network " + d.vni() + ", fence of network " + fence.vni());
        }
        inTx(c -> {
            if (!check(c, fence)) {
                throw new FencedException(fence, "decision " + d.id());
            }
            Object[] args = {ts(d.time()), d.document(), d.applied(), d.vni(), d.id()};
            if (exec(c, "UPDATE adaptation_decision SET at_time = ?, document = ?, applied = ? WHERE vni = ? AND id = ?",
                    args) == 0) {
                exec(c, "INSERT INTO adaptation_decision (at_time, document, applied, vni, id) VALUES (?, ?, ?, ?, ?)", args);
            }
            return null;
        }, "writing decision " + d.id() + " of network " + d.vni());
    }

    // ---- plumbing

    private static long duration(String field, long ms) {
        if (ms < 1 || ms > MAX_LEASE_MS) {
            throw new IllegalArgumentException(field + ": " + ms + " ms is not in 1.." + MAX_LEASE_MS);
        }
        return ms;
    }

    private static OffsetDateTime ts(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    private static <T> Optional<T> first(List<T> l) {
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    @FunctionalInterface
    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private static int exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static <T> List<T> query(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.map(rs));
                }
            }
            return out;
        }
    }

    private <T> T inTx(JdbcManagerStore.Work<T> work, String what) {
        return store.inTx(work, what);
    }
}
