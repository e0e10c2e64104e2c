package io.vnet.manager.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.store.ManagerStore;
import io.vnet.manager.store.Vm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The VM rows follow the agents' reports without growing with what VMs send: an address is
 * recorded once two reports in a row carry it, its row goes when its host stops reporting it,
 * a VM that moved keeps its row, and a host flooding random addresses writes nothing.
 */
class StoreRecorderVmsTest {
    private static final NetworkId N = NetworkId.of(100);
    private static final MacAddress A = MacAddress.parse("52:54:00:00:00:0a");
    private static final MacAddress B = MacAddress.parse("52:54:00:00:00:0b");

    /**
     * The store's VM and network rows in memory, upserted by MAC as the real store does; any
     * other call fails the test (StoreRecorder' VM path must use nothing else).
     */
    static final class VmRows implements java.lang.reflect.InvocationHandler {
        final java.util.TreeMap<String, Vm> vms = new java.util.TreeMap<>();
        int writes;
        /** While set, every write fails as a database that is down does. */
        boolean down;

        ManagerStore store() {
            return (ManagerStore) java.lang.reflect.Proxy.newProxyInstance(ManagerStore.class.getClassLoader(),
                    new Class<?>[] {ManagerStore.class}, this);
        }

        @Override
        public Object invoke(Object proxy, java.lang.reflect.Method m, Object[] a) {
            switch (m.getName()) {
                case "networks":
                    return List.of();
                case "putNetwork":
                    return null;
                case "putVm":
                    if (down) {
                        throw new io.vnet.manager.store.StoreException("the database is down", null);
                    }
                    writes++;
                    Vm v = (Vm) a[0];
                    vms.put(v.mac(), v);
                    return null;
                case "deleteVm":
                    if (down) {
                        throw new io.vnet.manager.store.StoreException("the database is down", null);
                    }
                    writes++;
                    return vms.remove((String) a[0]) != null;
                case "vmsOnHost":
                    return vms.values().stream().filter(v2 -> v2.hostId().equals(a[0])).toList();
                case "vmsOfNetwork":
                    return vms.values().stream().filter(v2 -> v2.vni() == (Integer) a[0]).toList();
                default:
                    throw new UnsupportedOperationException(m.getName());
            }
        }
    }

    private final VmRows rows = new VmRows();
    private final ManagerStore store = rows.store();
    private final StoreRecorder records = new StoreRecorder(store);

    private static Map<NetworkId, List<MacAddress>> report(MacAddress... macs) {
        return Map.of(N, List.of(macs));
    }

    @Test
    void anAddressIsRecordedFromItsSecondReportAndForgottenWhenNoLongerReported() {
        records.vms("h1", report(A));
        assertEquals(List.of(), store.vmsOnHost("h1"), "one report is not enough");
        records.vms("h1", report(A, B));
        assertEquals(List.of(new Vm(A.toString(), 100, "h1")), store.vmsOnHost("h1"));
        records.vms("h1", report(A, B));
        assertEquals(2, store.vmsOnHost("h1").size());
        records.vms("h1", report(B));
        assertEquals(List.of(new Vm(B.toString(), 100, "h1")), store.vmsOnHost("h1"), "A is no longer reported");
    }

    @Test
    void aVmThatMovedKeepsItsRowWhenItsOldHostStopsReportingIt() {
        records.vms("h1", report(A));
        records.vms("h1", report(A));
        records.vms("h2", report(A));
        records.vms("h2", report(A));
        assertEquals(List.of(new Vm(A.toString(), 100, "h2")), store.vmsOfNetwork(100));
        records.vms("h1", report());
        assertEquals(List.of(new Vm(A.toString(), 100, "h2")), store.vmsOfNetwork(100), "h1 no longer holds A's row");
    }

    @Test
    void aFloodOfRandomSourceAddressesWritesNoRow() {
        records.vms("h1", report(A));
        // seeded: with 4,095 random addresses a report, two reports in a row share one about once in 1,300 runs
        // (which is then a row, rightly); the same addresses every run keep the count exact
        java.util.Random random = new java.util.Random(21);
        for (int r = 0; r < 50; r++) {
            List<MacAddress> learned = new ArrayList<>(List.of(A));
            for (int i = 0; i < 4095; i++) {
                learned.add(MacAddress.of(0x02_00_00_00_00_00L | (random.nextLong() & ((1L << 40) - 1))));
            }
            records.vms("h1", Map.of(N, learned));
        }
        assertEquals(List.of(new Vm(A.toString(), 100, "h1")), store.vmsOnHost("h1"),
                "50 reports of 4,095 random addresses each: only the VM in all of them has a row");
        assertEquals(1, rows.writes, "and one write in all");
        assertTrue(records.refusedRows() == 0);
    }

    @Test
    void aSlowerFloodWritesAtMostItsShareOfRowsPerReport() {
        records.vms("h1", report(A));
        List<MacAddress> previous = new ArrayList<>();
        for (int r = 0; r < 20; r++) {
            // half of each report's addresses were in the one before: a flood slow enough to last two reports
            List<MacAddress> learned = new ArrayList<>(List.of(A));
            learned.addAll(previous.subList(previous.size() / 2, previous.size()));
            List<MacAddress> fresh = new ArrayList<>();
            for (int i = 0; i < 2048; i++) {
                fresh.add(MacAddress.of(0x02_00_00_00_00_00L | ThreadLocalRandom.current().nextLong(1L << 40)));
            }
            learned.addAll(fresh);
            records.vms("h1", Map.of(N, learned));
            previous = fresh;
        }
        assertTrue(rows.writes <= 20 * 2 * (StoreRecorder.MAX_NEW_ROWS_PER_REPORT + 1), "writes bounded per report: "
                + rows.writes);
        assertTrue(records.deferredRows() > 0, "the rest waited");
        assertTrue(store.vmsOnHost("h1").size() <= StoreRecorder.MAX_NEW_ROWS_PER_REPORT + 1, store.vmsOnHost("h1").size()
                + " rows");
        assertTrue(store.vmsOnHost("h1").contains(new Vm(A.toString(), 100, "h1")), "the VM in every report is recorded");
    }

    @Test
    void aHostsManyVmsAreAllRecordedOverItsReports() {
        List<MacAddress> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(MacAddress.of(0x52_54_00_00_00_00L | i));
        }
        int reports = 1;
        records.vms("h1", Map.of(N, many));
        while (store.vmsOnHost("h1").size() < 1000 && reports < 100) {
            records.vms("h1", Map.of(N, many));
            reports++;
        }
        assertEquals(1000, store.vmsOnHost("h1").size());
        assertEquals(1 + (1000 + StoreRecorder.MAX_NEW_ROWS_PER_REPORT - 1) / StoreRecorder.MAX_NEW_ROWS_PER_REPORT, reports,
                "recorded at " + StoreRecorder.MAX_NEW_ROWS_PER_REPORT + " rows a report");
    }

    @Test
    void aRowThatFailedWhileTheDatabaseWasDownIsWrittenAtTheNextReport() {
        records.vms("h1", report(A));
        rows.down = true;
        records.vms("h1", report(A)); // due now, but the write fails: nothing is remembered as written
        assertTrue(rows.vms.isEmpty());
        rows.down = false;
        records.vms("h1", report(A));
        assertEquals(List.of(new Vm(A.toString(), 100, "h1")), store.vmsOnHost("h1"), "written once it is back");
        rows.down = true;
        records.vms("h1", report()); // A goes, but its delete fails
        assertEquals(1, rows.vms.size());
        rows.down = false;
        records.vms("h1", report());
        assertTrue(rows.vms.isEmpty(), "deleted once it is back: " + rows.vms);
    }
}
