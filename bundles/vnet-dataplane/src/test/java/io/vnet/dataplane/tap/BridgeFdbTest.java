package io.vnet.dataplane.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's listing of a bridge's addresses, as TapPort reads it to end a hold. */
class BridgeFdbTest {
    private static final long VM = 0x5254_0000_0001L;

    /** One struct __fdb_entry. */
    static byte[] entry(long mac, int port, boolean local) {
        byte[] e = new byte[BridgeFdb.ENTRY];
        for (int i = 0; i < 6; i++) {
            e[i] = (byte) (mac >>> (40 - 8 * i));
        }
        e[6] = (byte) port;
        e[7] = (byte) (local ? 1 : 0);
        e[8] = 0x10; // an ageing timer, which does not matter
        e[12] = (byte) (port >>> 8);
        return e;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    @Test
    void anAddressOnAnotherPortIsStillBehindTheBridge() {
        byte[] fdb = concat(entry(0x0200_0000_0009L, 1, false), entry(VM, 2, false));
        assertTrue(BridgeFdb.onOtherPort(fdb, fdb.length, VM, 1));
    }

    @Test
    void anAddressOnlyOnTheTapsOwnPortOrOneOfTheBridgesOwnIsNot() {
        byte[] fdb = concat(entry(VM, 1, false), entry(VM, 3, true));
        assertFalse(BridgeFdb.onOtherPort(fdb, fdb.length, VM, 1));
        assertFalse(BridgeFdb.onOtherPort(new byte[0], 0, VM, 1));
    }

    @Test
    void portNumbersAboveAByteUseTheHighByte() {
        byte[] fdb = entry(VM, 0x102, false);
        assertTrue(BridgeFdb.onOtherPort(fdb, fdb.length, VM, 2));
        assertFalse(BridgeFdb.onOtherPort(fdb, fdb.length, VM, 0x102));
    }

    @Test
    void aPartialRecordAndALengthBeyondTheBufferAreIgnored() {
        byte[] fdb = concat(entry(0x0200_0000_0009L, 1, false), new byte[7]);
        System.arraycopy(entry(VM, 2, false), 0, fdb, 16, 7);
        assertFalse(BridgeFdb.onOtherPort(fdb, fdb.length, VM, 1));
        assertFalse(BridgeFdb.onOtherPort(fdb, 1 << 20, VM, 1));
        assertFalse(BridgeFdb.onOtherPort(fdb, -5, VM, 1));
    }

    @Test
    void readsTheListingAndThePortNumberFromSysfs(@TempDir Path sys) throws IOException {
        Files.createDirectories(sys.resolve("br0"));
        Files.write(sys.resolve("br0/brforward"), concat(entry(VM, 2, false), entry(VM, 1, false)));
        Files.createDirectories(sys.resolve("tap0/brport"));
        Files.writeString(sys.resolve("tap0/brport/port_no"), "0x1\n");
        byte[] buf = new byte[BridgeFdb.MAX_BYTES];
        int len = BridgeFdb.read(sys, "br0", buf);
        assertEquals(32, len);
        assertEquals(1, BridgeFdb.portNumber(sys, "tap0"));
        assertTrue(BridgeFdb.onOtherPort(buf, len, VM, 1));
        Files.writeString(sys.resolve("tap0/brport/port_no"), "0xzz\n");
        assertThrows(IOException.class, () -> BridgeFdb.portNumber(sys, "tap0"));
        Files.writeString(sys.resolve("tap0/brport/port_no"), "0x10000\n");
        assertThrows(IOException.class, () -> BridgeFdb.portNumber(sys, "tap0"));
    }
}
