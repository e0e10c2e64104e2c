package io.vnet.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class NfLogMessagesTest {
    /** One PACKET message as the kernel sent it for an ARP request logged in the bridge family (attributes abridged). */
    static byte[] message(int port, byte[] hw, byte[] payload) {
        ByteBuffer attrs = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        attr(attrs, 1, HexFormat.of().parseHex("08060000"));
        attr(attrs, 4, HexFormat.of().parseHex("00000002"));
        attr(attrs, NfLogMessages.NFULA_IFINDEX_PHYSINDEV, ByteBuffer.allocate(4).putInt(port).array());
        attr(attrs, NfLogMessages.NFULA_HWHEADER, hw);
        attr(attrs, NfLogMessages.NFULA_PAYLOAD, payload);
        int len = 16 + 4 + attrs.position();
        ByteBuffer m = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        m.putInt(len).putShort((short) NfLogMessages.NFULNL_MSG_PACKET).putShort((short) 0).putInt(0).putInt(0);
        m.put((byte) 7).put((byte) 0).putShort((short) 0x0700);
        m.put(attrs.array(), 0, attrs.position());
        return m.array();
    }

    private static void attr(ByteBuffer b, int type, byte[] v) {
        b.putShort((short) (4 + v.length)).putShort((short) type).put(v);
        while (b.position() % 4 != 0) {
            b.put((byte) 0);
        }
    }

    static final byte[] HW = HexFormat.of().parseHex("ffffffffffff6a529c2e5efe0806");
    static final byte[] ARP = HexFormat.of().parseHex("00010800060400016a529c2e5efe0a0909010000000000000a090902");

    @Test
    void aLoggedFrameComesWithItsBridgePort() {
        byte[] one = message(4, HW, ARP);
        byte[] two = message(9, HW, ARP);
        byte[] both = ByteBuffer.allocate(one.length + two.length).put(one).put(two).array();
        List<NfLogMessages.Packet> p = NfLogMessages.parse(both, both.length);
        assertEquals(2, p.size());
        assertEquals(4, p.get(0).port());
        assertEquals(9, p.get(1).port());
        byte[] frame = ByteBuffer.allocate(HW.length + ARP.length).put(HW).put(ARP).array();
        assertArrayEquals(frame, p.get(0).frame());
    }

    @Test
    void whatClaimsMoreThanIsThereEndsTheReading() {
        byte[] m = message(4, HW, ARP);
        assertEquals(0, NfLogMessages.parse(m, m.length - 1).size(), "a message cut short");
        m[0] = (byte) 0xFF; // a length beyond the buffer
        assertEquals(0, NfLogMessages.parse(m, m.length).size());
        byte[] noHw = message(4, new byte[6], ARP);
        assertEquals(0, NfLogMessages.parse(noHw, noHw.length).size(), "a hardware header that is no Ethernet header");
    }
}
