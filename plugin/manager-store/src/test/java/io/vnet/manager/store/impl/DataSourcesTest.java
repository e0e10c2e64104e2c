package io.vnet.manager.store.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DataSourcesTest {
    @Test
    void h2WritesAtEveryCommitUnlessTheUrlSaysOtherwise() {
        assertEquals("jdbc:h2:file:/tmp/x;WRITE_DELAY=0", DataSources.durable("jdbc:h2:file:/tmp/x"));
        assertEquals("jdbc:h2:file:/tmp/x;write_delay=500", DataSources.durable("jdbc:h2:file:/tmp/x;write_delay=500"));
        assertEquals("jdbc:h2:file:/tmp/x;CACHE_SIZE=4096", DataSources.bounded("jdbc:h2:file:/tmp/x"));
        assertEquals("jdbc:h2:file:/tmp/x;cache_size=65536", DataSources.bounded("jdbc:h2:file:/tmp/x;cache_size=65536"));
    }

    @Test
    void anUnsupportedUrlIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataSources.create("jdbc:mysql://db/vnet", null, null));
        assertTrue(e.getMessage().contains("jdbc:mysql://db/vnet"), e.getMessage());
    }

    @Test
    void postgresCallsHaveBoundedTimeoutsUnlessTheUrlSaysOtherwise() throws Exception {
        org.postgresql.ds.PGSimpleDataSource ds = (org.postgresql.ds.PGSimpleDataSource) DataSources.create(
                "jdbc:postgresql://127.0.0.1:5432/vnet", "vnet", "x");
        assertEquals(DataSources.CONNECT_TIMEOUT_S, ds.getConnectTimeout());
        assertEquals(DataSources.CONNECT_TIMEOUT_S, ds.getLoginTimeout());
        assertEquals(DataSources.SOCKET_TIMEOUT_S, ds.getSocketTimeout(), "a database that stops answering fails the call");
        ds = (org.postgresql.ds.PGSimpleDataSource) DataSources.create(
                "jdbc:postgresql://127.0.0.1:5432/vnet?socketTimeout=60&connectTimeout=2", "vnet", "x");
        assertEquals(60, ds.getSocketTimeout(), "the URL's own value");
        assertEquals(2, ds.getConnectTimeout());
    }
}
