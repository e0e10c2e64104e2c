package io.vnet.manager.store.impl;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The schema, by Flyway migrations: versioned SQL files in this bundle under
 * {@value #LOCATION}. Flyway runs on this bundle's class loader, which holds the embedded
 * Flyway jars and the SQL files, so it works the same on a flat class path and inside OSGi.
 */
final class Migrations {
    static final String LOCATION = "classpath:io/vnet/manager/store/migration";
    static final String HISTORY_TABLE = "vnet_schema_history";

    private Migrations() {
    }

    static Flyway flyway(DataSource ds) {
        return Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(ds)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .validateOnMigrate(true)
                .load();
    }

    /** Applies the pending migrations; returns how many ran (0 when the schema is current). */
    static MigrateResult migrate(DataSource ds) {
        return flyway(ds).migrate();
    }
}
