package io.vnet.manager.store.impl;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;

/**
 * The store on a real PostgreSQL server, named by the system property or environment variable
 * {@value #PROPERTY} (scripts/postgres.sh starts Debian's server and writes the URL; scripts/test.sh
 * passes it). Without it these tests FAIL, they never skip. Each test runs in a fresh schema,
 * dropped afterwards.
 */
class PostgresStoreTest extends StoreContract {
    static final String PROPERTY = "VNET_TEST_PG_URL";
    private static final List<String> SCHEMAS = new ArrayList<>();

    static String baseUrl() {
        String url = System.getProperty(PROPERTY);
        if (url == null || url.isBlank() || url.startsWith("${")) {
            url = System.getenv(PROPERTY);
        }
        if (url == null || url.isBlank()) {
            throw new AssertionError(PROPERTY + " is not set: these PostgreSQL tests need a server."
                    + " Run scripts/postgres.sh as root (it installs Debian's postgresql, starts it and writes the URL"
                    + " to /var/lib/vnet-test/postgres.url), then mvn ... -D" + PROPERTY + "=\"$(cat /var/lib/vnet-test/postgres.url)\"");
        }
        return url;
    }

    @Override
    String freshUrl() throws Exception {
        String base = baseUrl();
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        DataSource ds = DataSources.create(base, null, null);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        synchronized (SCHEMAS) {
            SCHEMAS.add(schema);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    String user() {
        return null;
    }

    @Override
    String password() {
        return null;
    }

    @AfterAll
    static void dropSchemas() throws Exception {
        if (SCHEMAS.isEmpty()) {
            return;
        }
        DataSource ds = DataSources.create(baseUrl(), null, null);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String schema : SCHEMAS) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
        SCHEMAS.clear();
    }
}
