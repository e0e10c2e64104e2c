package io.vnet.manager.records;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vnet.manager.store.ManagerStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pruning goes to the store's {@code pruneHistory} through the writer and counts what went. */
class StoreRecorderPruneTest {
    @Test
    void pruningAsksTheStoreAndCountsTheRows() {
        List<Instant> asked = new ArrayList<>();
        ManagerStore store = (ManagerStore) java.lang.reflect.Proxy.newProxyInstance(ManagerStore.class.getClassLoader(),
                new Class<?>[] {ManagerStore.class}, (proxy, m, a) -> switch (m.getName()) {
                    case "networks" -> List.of();
                    case "pruneHistory" -> {
                        asked.add((Instant) a[0]);
                        yield 3;
                    }
                    default -> throw new AssertionError("the recorder called " + m.getName());
                });
        StoreRecorder r = new StoreRecorder(store);
        Instant before = Instant.parse("2026-12-06T10:00:00Z");
        r.pruneHistory(before);
        r.pruneHistory(before.plusSeconds(60));
        assertEquals(List.of(before, before.plusSeconds(60)), asked);
        assertEquals(6, r.pruned());
    }
}
