package io.vnet.manager.store.impl;

import io.vnet.manager.store.AdaptationSetting;
import io.vnet.manager.store.AuditRecord;
import io.vnet.manager.store.DecisionRecord;
import io.vnet.manager.store.DesiredStateRecord;
import io.vnet.manager.store.Host;
import io.vnet.manager.store.ManagerStore;
import io.vnet.manager.store.Network;
import io.vnet.manager.store.StoreException;
import io.vnet.manager.store.StoreUnavailableException;
import io.vnet.manager.store.TopologyRecord;
import io.vnet.manager.store.TrafficMatrixRecord;
import io.vnet.manager.store.Vm;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The store on JDBC: H2 (embedded, a file) or PostgreSQL. Opening it runs the migrations.
 * Each operation takes its own connection and transaction, except inside {@link #inOneTransaction}
 * (the manager's store writer: many waiting writes, one connection and one commit). For H2 one extra
 * connection stays open while the store is, so the database file is not reopened for every operation.
 */
public final class JdbcManagerStore implements ManagerStore, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(JdbcManagerStore.class.getName());
    static final int MAX_LIMIT = 10_000;

    private final DataSource ds;
    private final String url;
    private final Connection keeper;
    private final int migrationsApplied;

    /** Opens the database at the URL (jdbc:h2:... or jdbc:postgresql://...) and migrates its schema. */
    public JdbcManagerStore(String url, String user, String password) {
        this.url = DataSources.redact(url);
        this.ds = DataSources.create(url, user, password);
        try {
            this.keeper = url.startsWith("jdbc:h2:") ? ds.getConnection() : null;
        } catch (SQLException e) {
            throw failure("cannot open " + this.url, e);
        }
        try {
            MigrateResult r = Migrations.migrate(ds);
            this.migrationsApplied = r.migrationsExecuted;
            LOG.log(Level.INFO, "store " + this.url + ": schema version " + schemaVersion()
                    + " (" + r.migrationsExecuted + " migration(s) applied now)");
        } catch (RuntimeException e) {
            closeQuietly();
            String what = "cannot migrate " + this.url + ": " + e.getMessage();
            throw unreachable(e) ? new StoreUnavailableException(what, e) : new StoreException(what, e);
        }
    }

    /** How many migrations this open applied (0 when the schema was already current). */
    public int migrationsApplied() {
        return migrationsApplied;
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (keeper != null) {
            try {
                keeper.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public String describe() {
        return url;
    }


    // ---- hosts

    @Override
    public void putHost(Host h) {
        req("host", h);
        upsert("UPDATE host SET address = ?, role = ?, last_seen = ? WHERE host_id = ?",
                "INSERT INTO host (address, role, last_seen, host_id) VALUES (?, ?, ?, ?)",
                h.address(), h.role(), ts(h.lastSeen()), h.hostId());
    }

    @Override
    public Optional<Host> host(String hostId) {
        return one("SELECT host_id, address, role, last_seen FROM host WHERE host_id = ?", JdbcManagerStore::host, hostId);
    }

    @Override
    public List<Host> hosts() {
        return list("SELECT host_id, address, role, last_seen FROM host ORDER BY host_id", JdbcManagerStore::host);
    }

    @Override
    public boolean deleteHost(String hostId) {
        return update("DELETE FROM host WHERE host_id = ?", hostId) > 0;
    }

    private static Host host(ResultSet rs) throws SQLException {
        return new Host(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4));
    }

    // ---- networks

    @Override
    public void putNetwork(Network n) {
        req("network", n);
        upsert("UPDATE network SET name = ? WHERE vni = ?",
                "INSERT INTO network (name, vni) VALUES (?, ?)", n.name(), n.vni());
    }

    @Override
    public Optional<Network> network(int vni) {
        return one("SELECT vni, name FROM network WHERE vni = ?", rs -> new Network(rs.getInt(1), rs.getString(2)), vni);
    }

    @Override
    public List<Network> networks() {
        return list("SELECT vni, name FROM network ORDER BY vni", rs -> new Network(rs.getInt(1), rs.getString(2)));
    }

    @Override
    public boolean deleteNetwork(int vni) {
        return update("DELETE FROM network WHERE vni = ?", vni) > 0;
    }

    // ---- VMs

    @Override
    public void putVm(Vm vm) {
        req("vm", vm);
        upsert("UPDATE vm SET vni = ?, host_id = ? WHERE mac = ?",
                "INSERT INTO vm (vni, host_id, mac) VALUES (?, ?, ?)", vm.vni(), vm.hostId(), vm.mac());
    }

    @Override
    public Optional<Vm> vm(String mac) {
        String m = new Vm(mac, 0, "x").mac(); // normalises and validates the MAC
        return one("SELECT mac, vni, host_id FROM vm WHERE mac = ?", JdbcManagerStore::vm, m);
    }

    @Override
    public List<Vm> vmsOfNetwork(int vni) {
        return list("SELECT mac, vni, host_id FROM vm WHERE vni = ? ORDER BY mac", JdbcManagerStore::vm, vni);
    }

    @Override
    public List<Vm> vmsOnHost(String hostId) {
        return list("SELECT mac, vni, host_id FROM vm WHERE host_id = ? ORDER BY mac", JdbcManagerStore::vm, hostId);
    }

    @Override
    public boolean deleteVm(String mac) {
        String m = new Vm(mac, 0, "x").mac();
        return update("DELETE FROM vm WHERE mac = ?", m) > 0;
    }

    private static Vm vm(ResultSet rs) throws SQLException {
        return new Vm(rs.getString(1), rs.getInt(2), rs.getString(3));
    }

    // ---- desired state

    @Override
    public void putDesiredState(DesiredStateRecord s) {
        req("state", s);
        upsert("UPDATE desired_state SET document = ?, created_at = ? WHERE host_id = ? AND generation = ?",
                "INSERT INTO desired_state (document, created_at, host_id, generation) VALUES (?, ?, ?, ?)",
                s.document(), ts(s.createdAt()), s.hostId(), s.generation());
    }

    @Override
    public Optional<DesiredStateRecord> desiredState(String hostId) {
        List<DesiredStateRecord> l = desiredStateHistory(hostId, 1);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    @Override
    public List<DesiredStateRecord> desiredStateHistory(String hostId, int limit) {
        return list("SELECT host_id, generation, document, created_at FROM desired_state WHERE host_id = ?"
                        + " ORDER BY generation DESC FETCH FIRST " + limit(limit) + " ROWS ONLY",
                rs -> new DesiredStateRecord(rs.getString(1), rs.getLong(2), rs.getString(3), instant(rs, 4)), hostId);
    }

    // ---- traffic matrices

    @Override
    public void putTrafficMatrix(TrafficMatrixRecord m) {
        req("matrix", m);
        upsert("UPDATE traffic_matrix SET document = ? WHERE vni = ? AND at_time = ?",
                "INSERT INTO traffic_matrix (document, vni, at_time) VALUES (?, ?, ?)",
                m.document(), m.vni(), ts(m.time()));
    }

    @Override
    public Optional<TrafficMatrixRecord> latestTrafficMatrix(int vni) {
        List<TrafficMatrixRecord> l = trafficMatrices(vni, null, null, 1);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    @Override
    public List<TrafficMatrixRecord> trafficMatrices(int vni, Instant from, Instant to, int limit) {
        return history("SELECT vni, at_time, document FROM traffic_matrix", vni, from, to, limit,
                rs -> new TrafficMatrixRecord(rs.getInt(1), instant(rs, 2), rs.getString(3)));
    }

    // ---- topologies

    @Override
    public void putTopology(TopologyRecord t) {
        req("topology", t);
        upsert("UPDATE topology SET topology_class = ?, graph = ? WHERE vni = ? AND at_time = ?",
                "INSERT INTO topology (topology_class, graph, vni, at_time) VALUES (?, ?, ?, ?)",
                t.topologyClass(), t.graph(), t.vni(), ts(t.time()));
    }

    @Override
    public Optional<TopologyRecord> latestTopology(int vni) {
        List<TopologyRecord> l = topologies(vni, null, null, 1);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    @Override
    public List<TopologyRecord> topologies(int vni, Instant from, Instant to, int limit) {
        return history("SELECT vni, at_time, topology_class, graph FROM topology", vni, from, to, limit,
                rs -> new TopologyRecord(rs.getInt(1), instant(rs, 2), rs.getString(3), rs.getString(4)));
    }

    @Override
    public void putAdaptationSetting(AdaptationSetting a) {
        req("adaptation setting", a);
        upsert("UPDATE adaptation_setting SET document = ?, updated_at = ? WHERE vni = ?",
                "INSERT INTO adaptation_setting (document, updated_at, vni) VALUES (?, ?, ?)",
                a.document(), ts(a.updatedAt()), a.vni());
    }

    @Override
    public List<AdaptationSetting> adaptationSettings() {
        return list("SELECT vni, document, updated_at FROM adaptation_setting ORDER BY vni",
                rs -> new AdaptationSetting(rs.getInt(1), rs.getString(2), instant(rs, 3)));
    }

    @Override
    public Optional<AdaptationSetting> adaptationSetting(int vni) {
        return one("SELECT vni, document, updated_at FROM adaptation_setting WHERE vni = ?",
                rs -> new AdaptationSetting(rs.getInt(1), rs.getString(2), instant(rs, 3)), vni);
    }

    @Override
    public void putDecision(DecisionRecord d) {
        req("decision", d);
        upsert("UPDATE adaptation_decision SET at_time = ?, document = ?, applied = ? WHERE vni = ? AND id = ?",
                "INSERT INTO adaptation_decision (at_time, document, applied, vni, id) VALUES (?, ?, ?, ?, ?)",
                ts(d.time()), d.document(), d.applied(), d.vni(), d.id());
    }

    static final String DECISION_COLUMNS = "SELECT vni, id, at_time, document, applied FROM adaptation_decision";

    static DecisionRecord decision(ResultSet rs) throws SQLException {
        return new DecisionRecord(rs.getInt(1), rs.getLong(2), instant(rs, 3), rs.getString(4), rs.getBoolean(5));
    }

    @Override
    public List<DecisionRecord> decisions(int vni, int limit) {
        return list(DECISION_COLUMNS + " WHERE vni = ? ORDER BY id DESC FETCH FIRST " + limit(limit) + " ROWS ONLY",
                JdbcManagerStore::decision, vni);
    }

    @Override
    public Optional<DecisionRecord> latestAppliedDecision(int vni) {
        return one(DECISION_COLUMNS + " WHERE vni = ? AND applied ORDER BY id DESC FETCH FIRST 1 ROWS ONLY",
                JdbcManagerStore::decision, vni);
    }

    @Override
    public void appendAudit(AuditRecord a) {
        req("audit entry", a);
        // the id asked for, or the next free one if it is taken (another manager of a cluster wrote it): an
        // entry never overwrites one; two writers taking the same next id at once fail one (tried again). The
        // same entry already stored under its id or a later one is this entry written again after a failure that
        // hid its commit (the connection lost after COMMIT was sent): it is not stored twice
        Object[] args = {a.id(), ts(a.time()), a.actor(), a.action(), a.target(), a.detail()};
        inTx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_log WHERE id >= ? AND at_time = ?"
                    + " AND actor = ? AND action = ? AND target = ? AND detail = ?")) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getLong(1) > 0) {
                        return null;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (id, at_time, actor, action, target,"
                    + " detail) SELECT GREATEST(?, COALESCE(MAX(id), 0) + 1), ?, ?, ?, ?, ? FROM audit_log")) {
                bind(ps, args);
                ps.executeUpdate();
            }
            return null;
        }, "audit entry");
    }

    @Override
    public List<AuditRecord> audit(Instant from, Instant to, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, at_time, actor, action, target, detail FROM audit_log WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        window(sql, args, from, to);
        sql.append(" ORDER BY id DESC FETCH FIRST ").append(limit(limit)).append(" ROWS ONLY");
        return list(sql.toString(), rs -> new AuditRecord(rs.getLong(1), instant(rs, 2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6)), args.toArray());
    }

    @Override
    public long lastAuditId() {
        return one("SELECT COALESCE(MAX(id), 0) FROM audit_log", rs -> rs.getLong(1)).orElse(0L);
    }

    /** How many of a network's newest decisions {@link #pruneHistory} keeps however old (the closed loop shows as many). */
    public static final int DECISIONS_KEPT = 100;

    @Override
    public int pruneHistory(Instant before) {
        if (before == null) {
            throw new IllegalArgumentException("before: must not be null");
        }
        return inTx(c -> {
            int n = 0;
            for (String t : List.of("traffic_matrix", "topology")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE at_time < ?")) {
                    ps.setObject(1, ts(before));
                    n += ps.executeUpdate();
                }
            }
            // a host's older desired states; its newest stays, however old (the agent's and a restart's truth)
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM desired_state WHERE created_at < ? AND generation <"
                    + " (SELECT MAX(n.generation) FROM desired_state n WHERE n.host_id = desired_state.host_id)")) {
                ps.setObject(1, ts(before));
                n += ps.executeUpdate();
            }
            // a network's older decisions but its newest DECISIONS_KEPT and its newest applied one (what is installed)
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM adaptation_decision WHERE at_time < ?"
                    + " AND id <= (SELECT MAX(n.id) FROM adaptation_decision n WHERE n.vni = adaptation_decision.vni) - "
                    + DECISIONS_KEPT + " AND id <> COALESCE((SELECT MAX(a.id) FROM adaptation_decision a"
                    + " WHERE a.vni = adaptation_decision.vni AND a.applied), 0)")) {
                ps.setObject(1, ts(before));
                n += ps.executeUpdate();
            }
            return n;
        }, "prune history");
    }

    // ---- CloudStack networks and their VNIs

    private static final String CS_NETWORK_COLUMNS = "SELECT network_uuid, vni, internal_id, name, allocated_at"
            + " FROM cloudstack_network";

    @Override
    public void putCloudStackNetwork(io.vnet.manager.store.CloudStackNetwork n) {
        req("network", n);
        upsert("UPDATE cloudstack_network SET vni = ?, internal_id = ?, name = ?, allocated_at = ? WHERE network_uuid = ?",
                "INSERT INTO cloudstack_network (vni, internal_id, name, allocated_at, network_uuid) VALUES (?, ?, ?, ?, ?)",
                n.vni(), n.internalId(), n.name(), ts(n.allocatedAt()), n.networkUuid());
    }

    @Override
    public Optional<io.vnet.manager.store.CloudStackNetwork> cloudStackNetwork(String networkUuid) {
        return one(CS_NETWORK_COLUMNS + " WHERE network_uuid = ?", JdbcManagerStore::csNetwork, networkUuid);
    }

    @Override
    public Optional<io.vnet.manager.store.CloudStackNetwork> cloudStackNetworkByVni(int vni) {
        return one(CS_NETWORK_COLUMNS + " WHERE vni = ?", JdbcManagerStore::csNetwork, vni);
    }

    @Override
    public List<io.vnet.manager.store.CloudStackNetwork> cloudStackNetworks() {
        return list(CS_NETWORK_COLUMNS + " ORDER BY vni", JdbcManagerStore::csNetwork);
    }

    @Override
    public boolean deleteCloudStackNetwork(String networkUuid) {
        return update("DELETE FROM cloudstack_network WHERE network_uuid = ?", networkUuid) > 0;
    }

    @Override
    public void quarantineVni(io.vnet.manager.store.VniQuarantine q) {
        req("quarantine", q);
        upsert("UPDATE vni_quarantine SET network_uuid = ?, released_at = ?, until_at = ? WHERE vni = ?",
                "INSERT INTO vni_quarantine (network_uuid, released_at, until_at, vni) VALUES (?, ?, ?, ?)",
                q.networkUuid(), ts(q.releasedAt()), ts(q.until()), q.vni());
    }

    @Override
    public List<io.vnet.manager.store.VniQuarantine> quarantinedVnis(Instant now) {
        req("now", now);
        return list("SELECT vni, network_uuid, released_at, until_at FROM vni_quarantine WHERE until_at > ? ORDER BY vni",
                rs -> new io.vnet.manager.store.VniQuarantine(rs.getInt(1), rs.getString(2), instant(rs, 3),
                        instant(rs, 4)), ts(now));
    }

    @Override
    public void addEnrolment(io.vnet.manager.store.Enrolment e) {
        req("enrolment", e);
        update("INSERT INTO enrolment (id, host_id, role, tenant, secret_hash, created_by, created_at, expires_at, used_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", e.id(), e.hostId(), e.role(), e.tenant(), e.secretHash(),
                e.createdBy(), ts(e.createdAt()), ts(e.expiresAt()), e.usedAt() == null ? null : ts(e.usedAt()));
    }

    private static final String ENROLMENT_COLUMNS = "id, host_id, role, tenant, secret_hash, created_by, created_at,"
            + " expires_at, used_at";

    private static io.vnet.manager.store.Enrolment enrolment(ResultSet rs) throws SQLException {
        return new io.vnet.manager.store.Enrolment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), instant(rs, 7), instant(rs, 8),
                rs.getTimestamp(9) == null ? null : instant(rs, 9));
    }

    @Override
    public Optional<io.vnet.manager.store.Enrolment> enrolment(String id) {
        req("id", id);
        return one("SELECT " + ENROLMENT_COLUMNS + " FROM enrolment WHERE id = ?", JdbcManagerStore::enrolment, id);
    }

    @Override
    public boolean useEnrolment(String id, Instant at) {
        req("id", id);
        req("at", at);
        // one statement: of many callers at once, exactly one sees a row updated
        return update("UPDATE enrolment SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?",
                ts(at), id, ts(at)) == 1;
    }

    @Override
    public List<io.vnet.manager.store.Enrolment> enrolments(int limit) {
        return list("SELECT " + ENROLMENT_COLUMNS + " FROM enrolment ORDER BY created_at DESC, id FETCH FIRST "
                + limit(limit) + " ROWS ONLY", JdbcManagerStore::enrolment);
    }

    @Override
    public int pruneEnrolments(Instant before) {
        req("before", before);
        return update("DELETE FROM enrolment WHERE expires_at < ?", ts(before));
    }

    @Override
    public void addSession(io.vnet.manager.store.SessionRecord s) {
        req("session", s);
        update("INSERT INTO api_session (token_hash, identity, created_at, expires_at) VALUES (?, ?, ?, ?)",
                s.tokenHash(), s.identity(), ts(s.createdAt()), ts(s.expiresAt()));
    }

    @Override
    public Optional<io.vnet.manager.store.SessionRecord> session(String tokenHash, Instant now) {
        req("tokenHash", tokenHash);
        req("now", now);
        return one("SELECT token_hash, identity, created_at, expires_at FROM api_session WHERE token_hash = ?"
                + " AND expires_at > ?", rs -> new io.vnet.manager.store.SessionRecord(rs.getString(1), rs.getString(2),
                instant(rs, 3), instant(rs, 4)), tokenHash, ts(now));
    }

    @Override
    public boolean deleteSession(String tokenHash) {
        req("tokenHash", tokenHash);
        return update("DELETE FROM api_session WHERE token_hash = ?", tokenHash) == 1;
    }

    @Override
    public int sessionCount(Instant now) {
        req("now", now);
        return one("SELECT COUNT(*) FROM api_session WHERE expires_at > ?", rs -> rs.getInt(1), ts(now)).orElse(0);
    }

    @Override
    public int pruneSessions(Instant before) {
        req("before", before);
        return update("DELETE FROM api_session WHERE expires_at < ?", ts(before));
    }

    @Override
    public int forgetNetworkHistory(int vni) {
        return inTx(c -> {
            int n = 0;
            for (String t : List.of("traffic_matrix", "topology", "adaptation_decision", "adaptation_setting", "vm")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE vni = ?")) {
                    ps.setInt(1, vni);
                    n += ps.executeUpdate();
                }
            }
            return n;
        }, "forget the history of network " + vni);
    }

    private static io.vnet.manager.store.CloudStackNetwork csNetwork(ResultSet rs) throws SQLException {
        long internal = rs.getLong(3);
        Long internalId = rs.wasNull() ? null : internal; // wasNull speaks of the column read last
        return new io.vnet.manager.store.CloudStackNetwork(rs.getString(1), rs.getInt(2), internalId, rs.getString(4),
                instant(rs, 5));
    }

    @Override
    public String schemaVersion() {
        return Migrations.flyway(ds).info().current().getVersion().getVersion();
    }

    // ---- JDBC plumbing

    private <T> List<T> history(String select, int vni, Instant from, Instant to, int limit, Row<T> row) {
        StringBuilder sql = new StringBuilder(select).append(" WHERE vni = ?");
        List<Object> args = new ArrayList<>();
        args.add(vni);
        window(sql, args, from, to);
        sql.append(" ORDER BY at_time DESC FETCH FIRST ").append(limit(limit)).append(" ROWS ONLY");
        return list(sql.toString(), row, args.toArray());
    }

    /** Appends the condition at_time in [from, to] (either may be null: unbounded). */
    private static void window(StringBuilder sql, List<Object> args, Instant from, Instant to) {
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("from: " + from + " is after to: " + to);
        }
        if (from != null) {
            sql.append(" AND at_time >= ?");
            args.add(ts(from));
        }
        if (to != null) {
            sql.append(" AND at_time <= ?");
            args.add(ts(to));
        }
    }

    private static int limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit: " + limit + " is not in 1.." + MAX_LIMIT);
        }
        return limit;
    }

    private static void req(String field, Object o) {
        if (o == null) {
            throw new IllegalArgumentException(field + ": must not be null");
        }
    }

    private static OffsetDateTime ts(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    @FunctionalInterface
    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** A transaction's work on its connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction of its own (committed, or rolled back on any failure); a failure is
     * this store's exception naming {@code what} ({@link #failure}). The cluster's part of the store uses it too.
     */
    <T> T inTx(Work<T> work, String what) {
        Together t = together.get();
        if (t != null) {
            return t.run(work, what);
        }
        try {
            return transaction(work);
        } catch (SQLException e) {
            throw failure(what + " on " + url, e);
        }
    }

    /** Runs {@code work} on a connection of its own in one transaction: committed, or rolled back on any failure. */
    private <T> T transaction(Work<T> work) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                T r = work.run(c);
                c.commit();
                return r;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException lost) {
                    e.addSuppressed(lost); // the connection is gone: the first failure says why
                }
                throw e;
            }
        }
    }

    /** The transaction of {@link #inOneTransaction} this thread is in, if any. */
    private final ThreadLocal<Together> together = new ThreadLocal<>();

    /**
     * Several writes in one transaction, on one connection: each {@link #inTx} of the thread runs its work
     * there, and the first failure is kept, so that the whole fails even if a caller caught it.
     */
    private final class Together {
        private final Connection c;
        private RuntimeException failed;

        Together(Connection c) {
            this.c = c;
        }

        <T> T run(Work<T> work, String what) {
            if (failed != null) {
                throw new StoreException(what + " on " + url + ": not tried, an earlier write of its transaction failed: "
                        + failed.getMessage(), failed);
            }
            try {
                return work.run(c);
            } catch (SQLException e) {
                failed = failure(what + " on " + url, e);
                throw failed;
            } catch (RuntimeException e) {
                failed = e;
                throw e;
            }
        }
    }

    @Override
    public boolean writesTogether() {
        return true;
    }

    /**
     * Runs {@code writes} on one connection in one transaction: committed if every write in it succeeded,
     * else rolled back and the first failure thrown. Inside another, it is part of that one.
     */
    @Override
    public void inOneTransaction(Runnable writes) {
        if (together.get() != null) {
            writes.run();
            return;
        }
        try {
            transaction(c -> {
                Together t = new Together(c);
                together.set(t);
                try {
                    writes.run();
                } finally {
                    together.remove();
                }
                if (t.failed != null) {
                    throw t.failed; // a write failed and its caller went on: the whole is rolled back
                }
                return null;
            });
        } catch (SQLException e) {
            throw failure("a transaction of several writes on " + url, e);
        }
    }

    /**
     * The store's exception for {@code e}: {@link StoreUnavailableException} when the database
     * could not be reached or stopped answering ({@link #unreachable}), else {@link StoreException}.
     */
    static StoreException failure(String what, SQLException e) {
        return unreachable(e)
                ? new StoreUnavailableException(what + ": the database is unreachable: " + e.getMessage(), e)
                : new StoreException(what + ": " + e.getMessage(), e);
    }

    /**
     * SQLStates of a database that is away rather than of a call that is wrong: class 08 (connection
     * exceptions, both drivers), PostgreSQL's admin, crash and starting-up shutdowns (57P01-57P03), too
     * many connections (53300) and a statement cancelled by its timeout (57014); H2's broken connection
     * (90067) and database closed (90098).
     */
    private static final java.util.Set<String> UNREACHABLE_STATES = java.util.Set.of("57P01", "57P02", "57P03", "53300",
            "57014", "90067", "90098");

    /** Whether {@code e} (or an exception it chains) says the database could not be reached or stopped answering. */
    static boolean unreachable(Throwable e) {
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>();
        todo.add(e);
        while (!todo.isEmpty() && seen.size() < 32) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.sql.SQLTimeoutException || t instanceof java.sql.SQLRecoverableException
                    || t instanceof java.io.IOException) {
                return true;
            }
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                if (state != null && (state.startsWith("08") || UNREACHABLE_STATES.contains(state))) {
                    return true;
                }
                if (s.getNextException() != null) {
                    todo.add(s.getNextException());
                }
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            for (Throwable x : t.getSuppressed()) {
                todo.add(x);
            }
        }
        return false;
    }

    /** Seconds {@link #ping} lets its query run, at most. */
    static final int MAX_PING_S = 30;

    @Override
    public void ping(int timeoutSeconds) {
        int t = Math.max(1, Math.min(MAX_PING_S, timeoutSeconds));
        inTx(c -> {
            try (java.sql.Statement st = c.createStatement()) {
                st.setQueryTimeout(t);
                try (ResultSet rs = st.executeQuery("SELECT 1")) {
                    return rs.next();
                }
            }
        }, "checking the database");
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    private <T> List<T> list(String sql, Row<T> row, Object... args) {
        return inTx(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                List<T> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row.map(rs));
                    }
                }
                return out;
            }
        }, "query");
    }

    private <T> Optional<T> one(String sql, Row<T> row, Object... args) {
        List<T> l = list(sql, row, args);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    private int update(String sql, Object... args) {
        return inTx(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                return ps.executeUpdate();
            }
        }, "update");
    }

    /**
     * Portable upsert: UPDATE, and INSERT when no row matched, in one transaction; both
     * statements take the same arguments in the same order. If a concurrent writer inserted the
     * row in between, the insert fails on the key and the whole upsert is retried once.
     */
    private void upsert(String updateSql, String insertSql, Object... args) {
        for (int attempt = 1; ; attempt++) {
            try {
                inTx(c -> {
                    try (PreparedStatement up = c.prepareStatement(updateSql)) {
                        bind(up, args);
                        if (up.executeUpdate() > 0) {
                            return null;
                        }
                    }
                    try (PreparedStatement in = c.prepareStatement(insertSql)) {
                        bind(in, args);
                        in.executeUpdate();
                    }
                    return null;
                }, "upsert");
                return;
            } catch (StoreException e) {
                if (attempt >= 2 || !(e.getCause() instanceof SQLException s) || !isDuplicateKey(s)) {
                    throw e;
                }
            }
        }
    }

    private static boolean isDuplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState()); // unique violation, both in H2 and PostgreSQL
    }
}
