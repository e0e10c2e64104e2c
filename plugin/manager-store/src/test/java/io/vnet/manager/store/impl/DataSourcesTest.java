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
    }

    @Test
    void anUnsupportedUrlIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataSources.create("jdbc:mysql://db/vnet", null, null));
        assertTrue(e.getMessage().contains("jdbc:mysql://db/vnet"), e.getMessage());
    }
}
