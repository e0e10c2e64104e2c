package io.vnet.it.load;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh PostgreSQL schema for one run, so that the managers' tables start empty and leave nothing
 * behind: {@code lg_<yyyyMMdd_HHmmss>_<4 hex>} made with the URL's own credentials ({@code CREATE
 * SCHEMA}), the managers given the URL with {@code currentSchema=} it, and dropped with everything
 * in it ({@code DROP SCHEMA ... CASCADE}) on {@link #close}. A URL that names a {@code currentSchema}
 * already is used as it is (then that schema must be empty; nothing is made or dropped).
 */
public final class PgSchema implements AutoCloseable {
    private final String baseUrl;
    private final String schema;
    private final String url;
    private boolean dropped;

    private PgSchema(String baseUrl, String schema, String url) {
        this.baseUrl = baseUrl;
        this.schema = schema;
        this.url = url;
    }

    /** Makes the schema (or takes the URL's own, see above). */
    public static PgSchema create(String jdbcUrl) throws SQLException {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + redact(jdbcUrl));
        }
        if (jdbcUrl.contains("currentSchema=")) {
            return new PgSchema(jdbcUrl, null, jdbcUrl);
        }
        String name = "lg_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + "_"
                + String.format("%04x", ThreadLocalRandom.current().nextInt(1 << 16));
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + name);
        }
        return new PgSchema(jdbcUrl, name, jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "currentSchema=" + name);
    }

    /** The URL the managers get (with currentSchema). */
    public String url() {
        return url;
    }

    /** The schema made for the run, or null when the URL named its own. */
    public String schema() {
        return schema;
    }

    /** Drops the schema made for the run (once; the managers must be stopped first). */
    @Override
    public synchronized void close() {
        if (schema == null || dropped) {
            return;
        }
        dropped = true;
        try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            System.err.println("loadgen: dropped schema " + schema);
        } catch (SQLException e) {
            System.err.println("loadgen: could not drop schema " + schema + " (drop it by hand): " + e.getMessage());
        }
    }

    /** The URL without its password, for messages. */
    static String redact(String url) {
        return url.replaceAll("password=[^&]*", "password=***");
    }
}
