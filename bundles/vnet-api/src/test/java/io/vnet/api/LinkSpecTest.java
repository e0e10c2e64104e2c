package io.vnet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LinkSpecTest {
    static final List<NetworkId> N100 = List.of(NetworkId.of(100));

    @Test
    void dialAndAccept() {
        Endpoint ep = Endpoint.parse("192.0.2.3:5800");
        LinkSpec dial = LinkSpec.dial("to-c", "host-c", ep, true, N100);
        assertTrue(dial.dials());
        assertTrue(dial.flood());
        assertEquals(ep, dial.connect());
        assertEquals(LinkSpec.Transport.TCP, dial.transport());

        LinkSpec accept = LinkSpec.accept("from-a", "host-a", false, N100);
        assertFalse(accept.dials());
        assertFalse(accept.flood());
        assertNull(accept.connect());
    }

    @Test
    void transportDefaultsToTcp() {
        assertEquals(LinkSpec.Transport.TCP, new LinkSpec("l", "p", null, null, false, N100).transport());
    }

    @Test
    void rejectsBadLinkIdNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinkSpec.accept("bad id", "host-a", false, N100));
        assertTrue(e.getMessage().contains("invalid link id 'bad id'"), e.getMessage());
    }

    @Test
    void rejectsBadPeerHostNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinkSpec.accept("l1", "host/a", false, N100));
        assertTrue(e.getMessage().contains("invalid peer host id 'host/a'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LinkSpec.accept("l1", null, false, N100));
    }

    @Test
    void carriesTheNetworksItNamesSortedWithoutRepeats() {
        LinkSpec l = LinkSpec.accept("l1", "host-a", true, List.of(NetworkId.of(300), NetworkId.of(100), NetworkId.of(300)));
        assertEquals(List.of(NetworkId.of(100), NetworkId.of(300)), l.networks());
        assertTrue(l.carries(100));
        assertTrue(l.carries(300));
        assertFalse(l.carries(200));
        assertEquals(100, l.vnis()[0]);
    }

    @Test
    void aLinkWithoutNetworksIsRefusedNamingTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinkSpec.accept("to-px", "px", true, List.of()));
        assertTrue(e.getMessage().contains("link to-px names no network") && e.getMessage().contains("\"vnis\""),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LinkSpec("l", "p", null, null, false, null));
    }

    @Test
    void sameConnectionIgnoresOnlyTheNetworksAndTheFlooding() {
        Endpoint ep = Endpoint.parse("192.0.2.3:5800");
        LinkSpec a = LinkSpec.dial("to-c", "host-c", ep, false, N100);
        LinkSpec b = a.withNetworks(List.of(NetworkId.of(100), NetworkId.of(200)));
        assertTrue(a.sameConnection(b));
        assertFalse(a.equals(b));
        LinkSpec flooding = LinkSpec.dial("to-c", "host-c", ep, true, N100);
        assertTrue(a.sameConnection(flooding), "a link moves onto a flooding tree or off it in place");
        assertFalse(a.equals(flooding));
        assertFalse(a.sameConnection(LinkSpec.accept("to-c", "host-c", false, N100)));
    }

    @Test
    void aLinkFloodsTheNetworksOfItsTreeOnly() {
        List<NetworkId> both = List.of(NetworkId.of(100), NetworkId.of(200));
        LinkSpec all = LinkSpec.accept("l", "p", true, both);
        assertTrue(all.floods(100) && all.floods(200) && all.floodsAll());
        LinkSpec one = new LinkSpec("l", "p", LinkSpec.Transport.TCP, null, List.of(NetworkId.of(200)), both);
        assertTrue(one.flood());
        assertFalse(one.floods(100));
        assertTrue(one.floods(200));
        assertFalse(one.floodsAll());
        assertEquals(one, all.withoutFlooding(List.of(NetworkId.of(100))));
        assertFalse(all.withoutFlooding(both).flood());
        assertEquals(all, all.withoutFlooding(List.of(NetworkId.of(300))), "quieting a network it does not flood changes nothing");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LinkSpec("l", "p", LinkSpec.Transport.TCP, null, List.of(NetworkId.of(300)), both));
        assertTrue(e.getMessage().contains("floods network 300, which it does not carry"), e.getMessage());
    }

    @Test
    void newNetworksAreFloodedOnlyByALinkThatFloodedAll() {
        List<NetworkId> next = List.of(NetworkId.of(100), NetworkId.of(300));
        assertEquals(next, LinkSpec.accept("l", "p", true, N100).withNetworks(next).flooded());
        LinkSpec some = new LinkSpec("l", "p", LinkSpec.Transport.TCP, null, N100,
                List.of(NetworkId.of(100), NetworkId.of(200)));
        assertEquals(N100, some.withNetworks(next).flooded());
        assertFalse(some.withNetworks(List.of(NetworkId.of(300))).flood());
        assertEquals(next, some.withNetworks(next, next).flooded());
    }
}
