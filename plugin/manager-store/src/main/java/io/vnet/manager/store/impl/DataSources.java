package io.vnet.manager.store.impl;

import javax.sql.DataSource;

/**
 * Makes a DataSource from a JDBC URL by instantiating the driver's own DataSource class: inside
 * OSGi, {@link java.sql.DriverManager} does not see the driver bundles.
 *
 * <p>There is no connection pool: every store call opens its own connection (PostgreSQL: a few
 * milliseconds on the same host) and closes it. So there is no dead connection to validate or
 * evict after the database restarts: the first call after it is back opens a fresh one and
 * succeeds, without a restart of the manager. While it is away, a call fails within the bounds
 * below ({@link JdbcManagerStore} says which failures mean "unreachable").
 */
final class DataSources {
    private DataSources() {
    }

    static DataSource create(String url, String user, String password) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("JDBC URL: must not be empty");
        }
        if (url.startsWith("jdbc:h2:")) {
            return h2(url, user, password);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return postgres(url, user, password);
        }
        throw new IllegalArgumentException("JDBC URL: '" + redact(url)
                + "' is not supported: expected jdbc:h2:... or jdbc:postgresql://...");
    }

    private static DataSource h2(String url, String user, String password) {
        try {
            org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
            ds.setURL(bounded(durable(url)));
            ds.setUser(user == null ? "sa" : user);
            ds.setPassword(password == null ? "" : password);
            return ds;
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("JDBC URL " + redact(url) + ": the H2 driver (bundle com.h2database) is not installed", e);
        }
    }

    /**
     * H2 writes committed data to its file up to a second later by default, so a manager killed
     * outright (SIGKILL, OOM) would lose its last second. WRITE_DELAY=0 writes at every commit,
     * unless the URL says otherwise.
     */
    static String durable(String url) {
        return url.toUpperCase(java.util.Locale.ROOT).contains(";WRITE_DELAY=") ? url : url + ";WRITE_DELAY=0";
    }

    /** H2's page cache in KiB, unless the URL says otherwise. */
    static final int H2_CACHE_KIB = 4096;

    /**
     * H2 keeps pages it read or wrote in a cache of 16 MiB by default, which fills for hours at the
     * manager's pace of writes (the soak saw the manager's heap after GC grow by 4 MiB in 30
     * minutes, mostly that cache) before it levels off. The manager's database is small and its
     * reads few, so the cache is held at {@value #H2_CACHE_KIB} KiB unless the URL sets
     * {@code CACHE_SIZE}.
     */
    static String bounded(String url) {
        return url.toUpperCase(java.util.Locale.ROOT).contains(";CACHE_SIZE=") ? url : url + ";CACHE_SIZE=" + H2_CACHE_KIB;
    }

    /** Seconds to open a connection to PostgreSQL (TCP and login), unless the URL says otherwise. */
    static final int CONNECT_TIMEOUT_S = 5;
    /**
     * Seconds a read from PostgreSQL may wait, unless the URL says otherwise: a database that stops
     * answering (stopped, its host gone) fails the call instead of holding its thread for ever.
     */
    static final int SOCKET_TIMEOUT_S = 15;

    private static DataSource postgres(String url, String user, String password) {
        try {
            org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
            ds.setURL(url);
            String lower = url.toLowerCase(java.util.Locale.ROOT);
            if (!lower.contains("connecttimeout=")) {
                ds.setConnectTimeout(CONNECT_TIMEOUT_S);
            }
            if (!lower.contains("logintimeout=")) {
                ds.setLoginTimeout(CONNECT_TIMEOUT_S);
            }
            if (!lower.contains("sockettimeout=")) {
                ds.setSocketTimeout(SOCKET_TIMEOUT_S);
            }
            if (user != null) {
                ds.setUser(user);
            }
            if (password != null) {
                ds.setPassword(password);
            }
            return ds;
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("JDBC URL " + redact(url) + ": the PostgreSQL driver (bundle org.postgresql.jdbc) is not installed", e);
        }
    }

    /** Removes password=... from a URL. */
    static String redact(String url) {
        return url == null ? null : url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
