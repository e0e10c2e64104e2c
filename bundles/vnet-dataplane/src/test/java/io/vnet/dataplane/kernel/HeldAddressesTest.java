package io.vnet.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeldAddressesTest {
    /** One 16-byte record of /sys/class/net/BR/brforward (struct __fdb_entry). */
    static byte[] record(long mac, int port, boolean local) {
        ByteBuffer b = ByteBuffer.allocate(16);
        for (int i = 5; i >= 0; i--) {
            b.put((byte) (mac >>> (8 * i)));
        }
        b.put((byte) port).put((byte) (local ? 1 : 0)).putInt(0).put((byte) (port >>> 8)).put(new byte[3]);
        return b.array();
    }

    static byte[] listing(byte[]... records) {
        ByteBuffer b = ByteBuffer.allocate(16 * records.length);
        for (byte[] r : records) {
            b.put(r);
        }
        return b.array();
    }

    @Test
    void onlyAddressesOnVmPortsAreHeld() {
        byte[] fdb = listing(record(0x020000006401L, 1, false), record(0x020000006402L, 2, false),
                record(0x0a0b0c0d0e0fL, 1, true), record(0x020000006403L, 0x101, false));
        HeldAddresses.Result r = HeldAddresses.parse(fdb, fdb.length, Set.of(1, 0x101), HeldAddresses.CAP);
        assertArrayEquals(new long[] {0x020000006401L, 0x020000006403L}, r.held(),
                "port 2 is a link's, the bridge's own address is no VM's");
        assertEquals(0, r.overCap());
    }

    @Test
    void beyondTheCapTheLowestAreKeptAndTheRestCounted() {
        byte[][] recs = new byte[10][];
        for (int i = 0; i < 10; i++) {
            recs[i] = record(0x020000000000L + 9 - i, 1, false);
        }
        byte[] fdb = listing(recs);
        HeldAddresses.Result r = HeldAddresses.parse(fdb, fdb.length, Set.of(1), 4);
        assertArrayEquals(new long[] {0x020000000000L, 0x020000000001L, 0x020000000002L, 0x020000000003L}, r.held());
        assertEquals(6, r.overCap());
    }

    @Test
    void aPartialRecordAndALengthBeyondTheBufferAreIgnored() {
        byte[] fdb = listing(record(0x020000006401L, 1, false), record(0x020000006402L, 1, false));
        assertEquals(1, HeldAddresses.parse(fdb, 31, Set.of(1), 8).held().length);
        assertEquals(2, HeldAddresses.parse(fdb, 1 << 20, Set.of(1), 8).held().length);
        assertEquals(0, HeldAddresses.parse(fdb, -5, Set.of(1), 8).held().length);
    }
}
