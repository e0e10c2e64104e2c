package io.vnet.manager.store.impl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.manager.store.Host;
import io.vnet.manager.store.StoreException;
import io.vnet.manager.store.StoreUnavailableException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which failures mean "the database is away" (503, retry later) and which are the call's own. */
class StoreAvailabilityTest {
    @TempDir
    Path dir;

    /** A port on loopback where nothing listens (bound, then closed). */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aPostgresqlThatRefusesConnectionsIsUnreachable() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/vnet";
        org.postgresql.ds.PGSimpleDataSource ds = (org.postgresql.ds.PGSimpleDataSource) DataSources.create(url, "vnet", "x");
        SQLException refused = assertThrows(SQLException.class, ds::getConnection);
        assertTrue(JdbcManagerStore.unreachable(refused), refused.getSQLState() + " " + refused);
        StoreException e = JdbcManagerStore.failure("upsert on x", refused);
        assertTrue(e instanceof StoreUnavailableException, e.toString());
        assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
        // opening a store on it fails the same way, naming it
        StoreUnavailableException open = assertThrows(StoreUnavailableException.class,
                () -> new JdbcManagerStore(url, "vnet", "x"));
        assertTrue(open.getMessage().contains("127.0.0.1"), open.getMessage());
    }

    @Test
    void aWrongCallIsNotUnreachable() {
        SQLException syntax = new SQLException("syntax error", "42601");
        assertFalse(JdbcManagerStore.unreachable(syntax));
        assertFalse(JdbcManagerStore.failure("query", syntax) instanceof StoreUnavailableException);
        SQLException duplicate = new SQLException("duplicate key", "23505");
        assertFalse(JdbcManagerStore.unreachable(duplicate));
    }

    @Test
    void shutdownsTimeoutsAndLostConnectionsAreUnreachableWhereverTheyAreChained() {
        assertTrue(JdbcManagerStore.unreachable(new SQLException("terminating connection due to administrator command",
                "57P01")));
        assertTrue(JdbcManagerStore.unreachable(new SQLException("the database system is starting up", "57P03")));
        assertTrue(JdbcManagerStore.unreachable(new SQLException("An I/O error occurred", "08006")));
        assertTrue(JdbcManagerStore.unreachable(new java.sql.SQLTimeoutException("read timed out")));
        SQLException wrapped = new SQLException("batch failed", "XX000", new java.net.SocketTimeoutException("Read timed out"));
        assertTrue(JdbcManagerStore.unreachable(wrapped), "an I/O failure as the cause");
        SQLException chained = new SQLException("batch failed", "XX000");
        chained.setNextException(new SQLException("connection lost", "08003"));
        assertTrue(JdbcManagerStore.unreachable(chained), "in the next-exception chain");
        SQLException loop = new SQLException("a", "XX000");
        SQLException other = new SQLException("b", "XX000", loop);
        loop.initCause(other);
        assertFalse(JdbcManagerStore.unreachable(loop), "a cycle of causes ends");
    }

    @Test
    void pingAnswersOnALiveStore() {
        JdbcManagerStore store = new JdbcManagerStore("jdbc:h2:file:" + dir.resolve("m"), null, null);
        try {
            store.ping(2);
            store.ping(0); // bounded below: a query timeout of 0 would mean none
            store.putHost(new Host("h1", "10.0.0.1:7000", "host", Instant.now()));
            store.ping(1000); // and above
            assertTrue(store.host("h1").isPresent());
        } finally {
            store.close();
        }
    }
}
