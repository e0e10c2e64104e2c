package io.vnet.manager.store.impl;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store on an embedded H2 file database (the default) in a temporary directory. */
class H2StoreTest extends StoreContract {
    @TempDir
    Path dir;

    @Override
    String freshUrl() {
        return "jdbc:h2:file:" + dir.resolve("manager");
    }

    @Override
    String user() {
        return null;
    }

    @Override
    String password() {
        return null;
    }
}
