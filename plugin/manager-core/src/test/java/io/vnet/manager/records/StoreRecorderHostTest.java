package io.vnet.manager.records;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vnet.manager.store.Host;
import io.vnet.manager.store.ManagerStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** An agent that takes no links (it only dials) is recorded, with "-" for its address: it once failed its hello. */
class StoreRecorderHostTest {
    @Test
    void anAgentWithoutALinkAddressIsRecordedWithADash() throws Exception {
        List<Host> hosts = new CopyOnWriteArrayList<>();
        ManagerStore store = (ManagerStore) java.lang.reflect.Proxy.newProxyInstance(ManagerStore.class.getClassLoader(),
                new Class<?>[] {ManagerStore.class}, (proxy, m, a) -> {
                    if (m.getName().equals("putHost")) {
                        hosts.add((Host) a[0]);
                        return null;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        StoreRecorder records = new StoreRecorder(store);
        records.host("px", null, "proxy");
        records.host("h1", "10.0.0.1:5800", "host");
        long end = System.currentTimeMillis() + 5_000;
        while (hosts.size() < 2 && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
        assertEquals(List.of("px -", "h1 10.0.0.1:5800"), hosts.stream().map(h -> h.hostId() + " " + h.address()).toList());
    }
}
